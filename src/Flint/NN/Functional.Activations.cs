namespace Flint.NN;

// The activations of torch.nn.functional. The elementwise ops themselves are the pointwise tensor methods; the
// composite ones (log_sigmoid, threshold, shrinks, glu, prelu) are written with them. inplace: true writes the
// result back into the input, as PyTorch's inplace=True does.
public static partial class Functional
{
    private static Tensor Maybe(Tensor input, Tensor y, bool inplace) => inplace ? input.InPlace(y) : y;

    /// <summary>For an activation that is one elementwise kernel: in place, it writes straight into the input.</summary>
    private static Tensor Maybe(Tensor input, Func<Tensor> op, bool inplace) => inplace ? input.InPlace(op) : op();

    public static Tensor Relu(Tensor input, bool inplace = false) => Maybe(input, () => input.Relu(), inplace);
    public static Tensor Relu_(Tensor input) => Relu(input, true);
    public static Tensor Relu6(Tensor input, bool inplace = false) => Maybe(input, () => input.Relu6(), inplace);
    public static Tensor LeakyRelu(Tensor input, double negativeSlope = 0.01, bool inplace = false) => Maybe(input, () => input.LeakyRelu(negativeSlope), inplace);
    public static Tensor Elu(Tensor input, double alpha = 1.0, bool inplace = false) => Maybe(input, () => input.Elu(alpha), inplace);
    public static Tensor Selu(Tensor input, bool inplace = false) => Maybe(input, () => input.Selu(), inplace);
    public static Tensor Celu(Tensor input, double alpha = 1.0, bool inplace = false) => Maybe(input, () => input.Celu(alpha), inplace);
    public static Tensor Gelu(Tensor input, string approximate = "none") => input.Gelu(approximate);
    public static Tensor Silu(Tensor input, bool inplace = false) => Maybe(input, () => input.Silu(), inplace);
    public static Tensor Mish(Tensor input, bool inplace = false) => Maybe(input, () => input.Mish(), inplace);
    public static Tensor Sigmoid(Tensor input) => input.Sigmoid();
    public static Tensor Tanh(Tensor input) => input.Tanh();
    public static Tensor Softplus(Tensor input, double beta = 1, double threshold = 20) => input.Softplus(beta, threshold);
    public static Tensor Softsign(Tensor input) => input.Softsign();
    public static Tensor Hardtanh(Tensor input, double minVal = -1, double maxVal = 1, bool inplace = false) => Maybe(input, () => input.Hardtanh(minVal, maxVal), inplace);
    public static Tensor Hardsigmoid(Tensor input, bool inplace = false) => Maybe(input, () => input.Hardsigmoid(), inplace);
    public static Tensor Hardswish(Tensor input, bool inplace = false) => Maybe(input, () => input.Hardswish(), inplace);

    /// <summary>log(sigmoid(x)) = −softplus(−x), stable for large |x|.</summary>
    public static Tensor LogSigmoid(Tensor input) => -(-input).Softplus();

    /// <summary>x where x &gt; threshold, else value.</summary>
    public static Tensor Threshold(Tensor input, double threshold, double value, bool inplace = false)
        => Maybe(input, Torch.Where(input.Gt(threshold), input, Torch.ScalarTensor(value, input.DType)), inplace);

    /// <summary>x − λ·sign(x) where |x| &gt; λ, else 0.</summary>
    public static Tensor Softshrink(Tensor input, double lambd = 0.5)
    {
        if (lambd < 0) throw new ArgumentException($"lambda must be greater or equal to 0, but found to be {PyFormat.Float(lambd)}.");
        var zero = Torch.ScalarTensor(0, input.DType);
        return Torch.Where(input.Gt(lambd), input - lambd, Torch.Where(input.Lt(-lambd), input + lambd, zero));
    }

    /// <summary>x where |x| &gt; λ, else 0.</summary>
    public static Tensor Hardshrink(Tensor input, double lambd = 0.5)
        => Torch.Where(input.Abs().Gt(lambd), input, Torch.ScalarTensor(0, input.DType));

    public static Tensor Tanhshrink(Tensor input) => input - input.Tanh();

    /// <summary>Gated linear unit: the first half of dim times the sigmoid of the second half.</summary>
    public static Tensor Glu(Tensor input, int dim = -1)
    {
        if (input.Dim == 0) throw new ArgumentException("glu does not support scalars because halving size must be even");
        int d = ShapeUtil.WrapDim(dim, input.Dim);
        long n = input.Size(d);
        if (n % 2 != 0) throw new ArgumentException($"Halving dimension must be even, but dimension {d} is size {n}");
        return input.Narrow(d, 0, n / 2) * input.Narrow(d, n / 2, n / 2).Sigmoid();
    }

    /// <summary>x where x ≥ 0, else weight·x; weight has 1 or C (= size of dim 1) entries.</summary>
    public static Tensor Prelu(Tensor input, Tensor weight)
    {
        var w = weight;
        if (weight._numel != 1)
        {
            if (input.Dim == 0 || (input.Dim == 1 ? input._sizes[0] : input._sizes[1]) != weight._numel)
                throw new ArgumentException($"Mismatch of parameter numbers and input channel size. Found parameter numbers = {weight._numel} and channel size = {(input.Dim < 2 ? (input.Dim == 1 ? input._sizes[0] : 1) : input._sizes[1])}.");
            if (input.Dim >= 2)
            {
                var s = new long[input.Dim - 1];
                Array.Fill(s, 1L);
                s[0] = weight._numel;
                w = weight.Reshape(s);
            }
        }
        return Torch.Where(input.Ge(0), input, w * input);
    }

    public static Tensor Softmax(Tensor input, int dim, DType? dtype = null) => input.Softmax(dim, dtype);
    public static Tensor LogSoftmax(Tensor input, int dim, DType? dtype = null) => input.LogSoftmax(dim, dtype);

    /// <summary>softmin(x) = softmax(−x).</summary>
    public static Tensor Softmin(Tensor input, int dim, DType? dtype = null)
    {
        if (dtype is { } d) input = input.To(d);
        return Softmax(-input, dim);
    }

    /// <summary>PyTorch's implicit dim choice for softmax(dim=None): 0 for 0-, 1- and 3-D input, else 1.</summary>
    internal static int ImplicitSoftmaxDim(int ndim) => ndim is 0 or 1 or 3 ? 0 : 1;
}
