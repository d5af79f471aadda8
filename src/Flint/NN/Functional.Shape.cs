namespace Flint.NN;

public static partial class Functional
{
    /// <summary>torch.flatten(x, start_dim, end_dim): a view where the layout allows, else a copy.</summary>
    internal static Tensor FlattenDims(Tensor input, int startDim, int endDim)
    {
        if (input.Dim == 0) return input.Reshape(1);
        int s = ShapeUtil.WrapDim(startDim, input.Dim), e = ShapeUtil.WrapDim(endDim, input.Dim);
        if (s > e) throw new ArgumentException("flatten() has invalid args: start_dim cannot come after end_dim");
        if (s == e) return input;
        var shape = new List<long>();
        for (int i = 0; i < s; i++) shape.Add(input._sizes[i]);
        long m = 1; for (int i = s; i <= e; i++) m *= input._sizes[i];
        shape.Add(m);
        for (int i = e + 1; i < input.Dim; i++) shape.Add(input._sizes[i]);
        return input.Reshape(shape.ToArray());
    }
}

public static partial class Functional
{
    /// <summary>F.pad: pads the last dims by (left, right, top, bottom, …) with a constant, or reflect/replicate/circular.</summary>
    public static Tensor Pad(Tensor input, long[] pad, string mode = "constant", double value = 0) => Torch.Pad(input, pad, mode, value);
}
