namespace Flint.Ops;

/// <summary>
/// aten::split / aten::split_with_sizes: views of consecutive pieces along one dim. Its derivative concatenates the
/// pieces' gradients (zeros for pieces no gradient reached): one node and one pass, where separate slices would each
/// scatter into a zero tensor of the whole input and then be summed.
/// </summary>
public sealed class SplitOp(int dim, long[] pieceSizes, bool withSizes) : Op
{
    public override string Name => withSizes ? "split_with_sizes" : "split";
    public override Graphs.SchemaCall? Bind(Tensor?[] x) => withSizes
        ? Graphs.OpRegistry.Call("aten::split_with_sizes", x[0], pieceSizes, dim)
        : Graphs.OpRegistry.Call("aten::split.Tensor", x[0], pieceSizes[0], dim);
    public override OpKind Kind => OpKind.View;
    public override bool IsView => true;
    public override string FormatAttributes() => withSizes ? $"split_sizes=[{string.Join(", ", pieceSizes)}], dim={dim}" : $"split_size={pieceSizes[0]}, dim={dim}";

    private int[] PieceSizes(int[] sizes, int i)
    {
        var s = (int[])sizes.Clone();
        s[dim] = (int)pieceSizes[i];
        return s;
    }

    public override TensorMeta[] Meta(Tensor[] x)
    {
        var r = new TensorMeta[pieceSizes.Length];
        for (int i = 0; i < r.Length; i++) r[i] = new(PieceSizes(x[0]._sizes, i), x[0].DType);
        return r;
    }

    public override Tensor[] Forward(Tensor[] x)
    {
        var t = x[0];
        var r = new Tensor[pieceSizes.Length];
        long start = 0;
        for (int i = 0; i < r.Length; i++)
        {
            r[i] = t.AsStridedRaw(PieceSizes(t._sizes, i), t._strides, t._offset + (int)start * t._strides[dim]);
            start += pieceSizes[i];
        }
        return r;
    }

    public override Tensor?[] Backward(BackwardContext ctx)
    {
        var grads = new Tensor[pieceSizes.Length];
        for (int i = 0; i < grads.Length; i++) grads[i] = ctx.Grad(i);
        return [Torch.Cat(grads, dim)];
    }
}
