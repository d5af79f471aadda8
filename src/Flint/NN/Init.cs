namespace Flint.NN;

/// <summary>
/// torch.nn.init: fills a tensor in place, outside autograd, drawing from the default generator in PyTorch's order
/// (so a seeded Flint model starts from PyTorch's exact values). Each returns the tensor it filled.
/// </summary>
public static partial class Init
{
    public enum FanMode { FanIn, FanOut }

    /// <summary>The recommended gain for a nonlinearity ("linear", "conv2d", "sigmoid", "tanh", "relu", "leaky_relu", "selu").</summary>
    public static double CalculateGain(string nonlinearity, double? param = null)
    {
        switch (nonlinearity)
        {
            case "linear": case "conv1d": case "conv2d": case "conv3d": case "conv_transpose1d": case "conv_transpose2d": case "conv_transpose3d": case "sigmoid":
                return 1;
            case "tanh": return 5.0 / 3;
            case "relu": return Math.Sqrt(2.0);
            case "leaky_relu":
                double slope = param ?? 0.01;
                return Math.Sqrt(2.0 / (1 + Math.Pow(slope, 2)));
            case "selu": return 3.0 / 4;
            default: throw new ArgumentException($"Unsupported nonlinearity {nonlinearity}");
        }
    }

    /// <summary>(fan_in, fan_out) of a weight: dims 1 and 0 times the receptive field (dims 2…).</summary>
    public static (long FanIn, long FanOut) CalculateFanInAndFanOut(Tensor tensor)
    {
        if (tensor.Dim < 2)
            throw new ArgumentException("Fan in and fan out can not be computed for tensor with fewer than 2 dimensions");
        long receptive = 1;
        for (int d = 2; d < tensor.Dim; d++) receptive *= tensor._sizes[d];
        return (tensor._sizes[1] * receptive, tensor._sizes[0] * receptive);
    }

    private static long Fan(Tensor t, FanMode mode)
    {
        var (fi, fo) = CalculateFanInAndFanOut(t);
        return mode == FanMode.FanIn ? fi : fo;
    }

    /// <summary>Writes values (contiguous, any dtype) into tensor's elements without recording autograd.</summary>
    internal static Tensor Write(Tensor tensor, Tensor values)
    {
        tensor.CopyFromRaw(values);
        return tensor;
    }

    /// <summary>Draws numel uniform values in the tensor's dtype (float32 draws for float16/bfloat16).</summary>
    internal static Tensor UniformValues(int[] sizes, DType dtype, double a, double b)
    {
        if (dtype == DType.Float64)
        {
            var d = Tensor.Empty(sizes, DType.Float64);
            Generator.Default.Uniform(d.RawSpan<double>(), a, b);
            return d;
        }
        var f = Tensor.Empty(sizes, DType.Float32);
        Generator.Default.Uniform(f.RawSpan<float>(), a, b);
        return f;
    }

    internal static Tensor NormalValues(int[] sizes, DType dtype, double mean, double std)
    {
        if (dtype == DType.Float64)
        {
            var d = Tensor.Empty(sizes, DType.Float64);
            Generator.Default.Normal(d.RawSpan<double>(), mean, std);
            return d;
        }
        var f = Tensor.Empty(sizes, DType.Float32);
        Generator.Default.Normal(f.RawSpan<float>(), mean, std);
        return f;
    }

    public static Tensor Uniform_(Tensor tensor, double a = 0, double b = 1) => Write(tensor, UniformValues(tensor._sizes, tensor.DType, a, b));

    public static Tensor Normal_(Tensor tensor, double mean = 0, double std = 1) => Write(tensor, NormalValues(tensor._sizes, tensor.DType, mean, std));

    public static Tensor Constant_(Tensor tensor, double val) { tensor.FillRaw(val); tensor._storage.Version++; return tensor; }
    public static Tensor Zeros_(Tensor tensor) => Constant_(tensor, 0);
    public static Tensor Ones_(Tensor tensor) => Constant_(tensor, 1);

    /// <summary>The identity matrix in a 2-D tensor.</summary>
    public static Tensor Eye_(Tensor tensor)
    {
        if (tensor.Dim != 2) throw new ArgumentException("Only tensors with 2 dimensions are supported");
        int r = tensor._sizes[0], c = tensor._sizes[1];
        var v = new double[r * c];
        for (int i = 0; i < Math.Min(r, c); i++) v[i * c + i] = 1;
        return Write(tensor, Torch.FromArray(v, r, c));
    }

    /// <summary>The Dirac delta for 3/4/5-D convolution weights (identity for the first min(out, in/groups) channels).</summary>
    public static Tensor Dirac_(Tensor tensor, int groups = 1)
    {
        int dims = tensor.Dim;
        if (dims < 3 || dims > 5) throw new ArgumentException("Only tensors with 3, 4, or 5 dimensions are supported");
        var sizes = tensor._sizes;
        if (sizes[0] % groups != 0) throw new ArgumentException("dim 0 must be divisible by groups");
        int outPerGroup = sizes[0] / groups;
        int minDim = Math.Min(outPerGroup, sizes[1]);
        var v = new double[tensor._numel];
        var strides = ShapeUtil.ContiguousStrides(sizes);
        for (int g = 0; g < groups; g++)
            for (int d = 0; d < minDim; d++)
            {
                int off = (g * outPerGroup + d) * strides[0] + d * strides[1];
                for (int k = 2; k < dims; k++) off += sizes[k] / 2 * strides[k];
                v[off] = 1;
            }
        return Write(tensor, Torch.FromArray(v, ShapeUtil.ToLong(sizes)));
    }

    public static Tensor XavierUniform_(Tensor tensor, double gain = 1)
    {
        var (fi, fo) = CalculateFanInAndFanOut(tensor);
        double std = gain * Math.Sqrt(2.0 / (double)(fi + fo));
        double a = Math.Sqrt(3.0) * std;
        return Uniform_(tensor, -a, a);
    }

    public static Tensor XavierNormal_(Tensor tensor, double gain = 1)
    {
        var (fi, fo) = CalculateFanInAndFanOut(tensor);
        double std = gain * Math.Sqrt(2.0 / (double)(fi + fo));
        return Normal_(tensor, 0, std);
    }

    public static Tensor KaimingUniform_(Tensor tensor, double a = 0, FanMode mode = FanMode.FanIn, string nonlinearity = "leaky_relu")
    {
        if (tensor._numel == 0) return tensor; // PyTorch warns "Initializing zero-element tensors is a no-op"
        long fan = Fan(tensor, mode);
        double gain = CalculateGain(nonlinearity, a);
        double std = gain / Math.Sqrt(fan);
        double bound = Math.Sqrt(3.0) * std;
        return Uniform_(tensor, -bound, bound);
    }

    public static Tensor KaimingNormal_(Tensor tensor, double a = 0, FanMode mode = FanMode.FanIn, string nonlinearity = "leaky_relu")
    {
        if (tensor._numel == 0) return tensor;
        long fan = Fan(tensor, mode);
        double gain = CalculateGain(nonlinearity, a);
        double std = gain / Math.Sqrt(fan);
        return Normal_(tensor, 0, std);
    }
}
