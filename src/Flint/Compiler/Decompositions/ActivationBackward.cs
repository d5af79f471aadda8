namespace Flint.Compiler.Decompositions;

// aten's fused activation derivatives (inputs: grad, then the saved input or output), as the pointwise formulas their
// kernels fuse. Compiled training decomposes backward graphs too, so these are what a code generator sees there.
public static partial class DecompositionTable
{
    private const double InvSqrt2Pi = 0.39894228040143267794;

    private static void AddActivationBackward(Dictionary<string, Decomposition> t)
    {
        t["gelu_backward"] = GeluBackward;
        t["sigmoid_backward"] = (op, x) => [x[0]! * ((1 - x[1]!) * x[1]!)];
        t["tanh_backward"] = (op, x) => [x[0]! * (1 - x[1]! * x[1]!)];
        t["silu_backward"] = (op, x) =>
        {
            var s = x[1]!.Sigmoid();
            return [x[0]! * (s * (1 + x[1]! * (1 - s)))];
        };
        t["threshold_backward"] = (op, x) => [Torch.Where(x[1]! <= ((BinaryOp)op).Scalars[0], 0.0, x[0]!)];
    }

    /// <summary>gelu_backward: g·(Φ(x) + x·φ(x)); approximate='tanh': g·(½(1 + t) + ½x(1 − t²)·√(2/π)(1 + 3κx²)) with
    /// t = tanh(√(2/π)(x + κx³)).</summary>
    private static Tensor[] GeluBackward(Op op, Tensor?[] inputs)
    {
        Tensor g = inputs[0]!, x = inputs[1]!;
        if (ReferenceEquals(op, ActivationBackwardOps.GeluTanh))
        {
            var x2 = x * x;
            var th = (SqrtTwoOverPi * (x + GeluKappa * (x2 * x))).Tanh();
            var inner = SqrtTwoOverPi * (1 + 3 * GeluKappa * x2);
            return [g * (0.5 * (1 + th) + 0.5 * x * (1 - th * th) * inner)];
        }
        var cdf = 0.5 * (1 + (x * InvSqrt2).Erf());
        var pdf = (-0.5 * (x * x)).Exp() * InvSqrt2Pi;
        return [g * (cdf + x * pdf)];
    }
}
