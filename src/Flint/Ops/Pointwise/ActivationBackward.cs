using Flint.Kernels.Cpu;

namespace Flint.Ops;

/// <summary>
/// aten's fused activation derivatives (gelu_backward, sigmoid_backward, tanh_backward, silu_backward,
/// threshold_backward): inputs (grad, saved tensor), one vectorized pass. Their own derivatives (double backward) are
/// written with public ops, as PyTorch's GeluBackwardBackward0 and friends.
/// </summary>
public static class ActivationBackwardOps
{
    private const double Kappa = 0.044715, Beta = 0.79788456080286536, InvSqrt2 = 0.70710678118654752, InvSqrt2Pi = 0.39894228040143268;

    private static Action<Tensor, Tensor, Tensor> K(ActBackward fn) => (g, x, z) => KernelDispatch.Float(g, x, z, new ActivationBackwardKernel(fn));

    /// <summary>gelu_backward(grad, self, approximate='none'): grad·(Φ(x) + x·φ(x)).</summary>
    public static readonly BinaryOp Gelu = new("gelu_backward", K(ActBackward.Gelu), c =>
    {
        Tensor gg = c.Grad(), g = c.Input(0), x = c.Input(1);
        // d²gelu/dx² = φ(x)·(2 − x²)
        return [
            c.NeedsInputGrad(0) ? Torch.GeluBackward(gg, x) : null,
            c.NeedsInputGrad(1) ? gg * g * ((-0.5 * x * x).Exp() * InvSqrt2Pi * (2 - x * x)) : null];
    }, BinaryResult.PromoteFloat, "approximate='none'", kind: OpKind.Composite)
    { Binding = x => Graphs.OpRegistry.Call("aten::gelu_backward", x[0], x[1], "none") };

    /// <summary>gelu_backward(grad, self, approximate='tanh').</summary>
    public static readonly BinaryOp GeluTanh = new("gelu_backward", K(ActBackward.GeluTanh), c =>
    {
        Tensor gg = c.Grad(), g = c.Input(0), x = c.Input(1);
        Tensor? gx = null;
        if (c.NeedsInputGrad(1))
        {
            // with u = β(x + κx³), t = tanh(u): gelu'' = (1 − t²)·(u' − x·t·u'² + ½x·u''), u' = β(1 + 3κx²), u'' = 6βκx
            var x2 = x * x;
            var t = (Beta * (x + Kappa * x2 * x)).Tanh();
            var du = Beta * (1 + 3 * Kappa * x2);
            var d2 = (1 - t * t) * (du - x * t * du * du + x * x * (3 * Beta * Kappa));
            gx = gg * g * d2;
        }
        return [c.NeedsInputGrad(0) ? Torch.GeluBackward(gg, x, "tanh") : null, gx];
    }, BinaryResult.PromoteFloat, "approximate='tanh'", kind: OpKind.Composite);

    /// <summary>sigmoid_backward(grad, output) = grad·(1 − y)·y.</summary>
    public static readonly BinaryOp Sigmoid = new("sigmoid_backward", K(ActBackward.Sigmoid), c =>
    {
        Tensor gg = c.Grad(), g = c.Input(0), y = c.Input(1);
        return [c.NeedsInputGrad(0) ? Torch.SigmoidBackward(gg, y) : null, c.NeedsInputGrad(1) ? gg * g * (1 - 2 * y) : null];
    }, BinaryResult.PromoteFloat, kind: OpKind.Composite);

    /// <summary>tanh_backward(grad, output) = grad·(1 − y²).</summary>
    public static readonly BinaryOp Tanh = new("tanh_backward", K(ActBackward.Tanh), c =>
    {
        Tensor gg = c.Grad(), g = c.Input(0), y = c.Input(1);
        return [c.NeedsInputGrad(0) ? Torch.TanhBackward(gg, y) : null, c.NeedsInputGrad(1) ? -2 * y * g * gg : null];
    }, BinaryResult.PromoteFloat, kind: OpKind.Composite);

    /// <summary>silu_backward(grad, self) = grad·s·(1 + x(1 − s)).</summary>
    public static readonly BinaryOp Silu = new("silu_backward", K(ActBackward.Silu), c =>
    {
        Tensor gg = c.Grad(), g = c.Input(0), x = c.Input(1);
        Tensor? gx = null;
        if (c.NeedsInputGrad(1))
        {
            var s = x.Sigmoid(); // silu'' = s(1 − s)(2 + x(1 − 2s))
            gx = gg * g * (s * (1 - s) * (2 + x * (1 - 2 * s)));
        }
        return [c.NeedsInputGrad(0) ? Torch.SiluBackward(gg, x) : null, gx];
    }, BinaryResult.PromoteFloat, kind: OpKind.Composite);

    /// <summary>threshold_backward(grad, self, threshold) = self ≤ threshold ? 0 : grad (relu's derivative).</summary>
    public static BinaryOp Threshold(double threshold) => new("threshold_backward",
        (g, x, z) => KernelDispatch.Numeric(g, x, z, new ThresholdBackwardKernel(threshold)), c => [
            c.NeedsInputGrad(0) ? Torch.ThresholdBackward(c.Grad(), c.Input(1), threshold) : null,
            c.NeedsInputGrad(1) ? Torch.ZerosLike(c.Input(1)) : null],
        attributes: $"threshold={PyFormat.Float(threshold)}", kind: OpKind.Composite, scalars: [threshold])
    { Binding = x => Graphs.OpRegistry.Call("aten::threshold_backward", x[0], x[1], threshold) };

    internal static readonly BinaryOp ThresholdZero = Threshold(0);
}
