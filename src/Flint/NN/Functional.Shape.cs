namespace Flint.NN;

public static partial class Functional
{
    /// <summary>F.pad: pads the last dims by (left, right, top, bottom, …) with a constant, or reflect/replicate/circular.</summary>
    public static Tensor Pad(Tensor input, long[] pad, string mode = "constant", double value = 0) => Torch.Pad(input, pad, mode, value);
}
