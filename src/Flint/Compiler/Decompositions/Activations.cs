namespace Flint.Compiler.Decompositions;

// The composite activations, each as the formula PyTorch's decomposition writes (torch/_decomp, torch/_refs), with
// branches as where() so that gradients through the decomposition equal the op's derivative at every point the op
// defines (hardtanh's gradient is zero at the bounds, elu's negative branch starts at 0).
public static partial class DecompositionTable
{
    private const double InvSqrt2 = 0.70710678118654752440, SqrtTwoOverPi = 0.79788456080286535588, GeluKappa = 0.044715;

    private static void AddActivations(Dictionary<string, Decomposition> t)
    {
        t["gelu"] = Gelu;
        t["silu"] = (op, x) => [x[0]! * x[0]!.Sigmoid()];
        t["mish"] = (op, x) => [x[0]! * x[0]!.Softplus().Tanh()];
        t["hardsigmoid"] = (op, x) => [(x[0]! + 3).Hardtanh(0, 6) / 6];
        t["hardswish"] = (op, x) => [x[0]! * (x[0]! + 3).Hardtanh(0, 6) / 6];
        t["hardtanh"] = Hardtanh;
        t["leaky_relu"] = (op, x) => [Torch.Where(x[0]! > 0, x[0]!, x[0]! * Scalars(op)[0])];
        t["softplus"] = Softplus;
        t["elu"] = Elu;
    }

    private static IReadOnlyList<double> Scalars(Op op) => ((UnaryOp)op).Scalars;

    /// <summary>gelu: x·Φ(x) = ½x(1 + erf(x/√2)); approximate='tanh': ½x(1 + tanh(√(2/π)(x + 0.044715x³))).</summary>
    private static Tensor[] Gelu(Op op, Tensor?[] inputs)
    {
        var x = inputs[0]!;
        if (ReferenceEquals(op, UnaryOps.GeluTanh))
            return [x * 0.5 * (1 + (SqrtTwoOverPi * (x + GeluKappa * (x * x * x))).Tanh())];
        return [x * 0.5 * (1 + (x * InvSqrt2).Erf())];
    }

    /// <summary>hardtanh(min, max) (relu6 is hardtanh(0, 6)): the bounds outside (min, max), x inside; NaN stays NaN.</summary>
    private static Tensor[] Hardtanh(Op op, Tensor?[] inputs)
    {
        var x = inputs[0]!;
        double min = Scalars(op)[0], max = Scalars(op)[1];
        return [Torch.Where(x <= min, min, Torch.Where(x >= max, max, x))];
    }

    /// <summary>softplus(β, threshold): x where βx > threshold, else log(1 + e^{βx})/β. The exponent is clamped at the
    /// threshold so that the branch where() discards never overflows (its gradient would be 0·∞ = NaN).</summary>
    private static Tensor[] Softplus(Op op, Tensor?[] inputs)
    {
        var x = inputs[0]!;
        double beta = Scalars(op)[0], threshold = Scalars(op)[1];
        var bx = x * beta;
        return [Torch.Where(bx > threshold, x, bx.ClampMax(threshold).Exp().Log1p() / beta)];
    }

    /// <summary>elu(α, scale, input_scale) (selu and celu call it): scale·x for x &gt; 0, else
    /// scale·α·expm1(x·input_scale), with the exponent clamped at 0 for the same reason as softplus's.</summary>
    private static Tensor[] Elu(Op op, Tensor?[] inputs)
    {
        var x = inputs[0]!;
        double alpha = Scalars(op)[0], scale = Scalars(op)[1], inputScale = Scalars(op)[2];
        var negative = (x * inputScale).ClampMax(0).Expm1() * (alpha * scale);
        return [Torch.Where(x > 0, x * scale, negative)];
    }
}
