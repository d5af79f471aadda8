using Flint.Kernels.Cpu;

namespace Flint.Ops;

/// <summary>
/// An elementwise op of one tensor, declared by its name, kernel and derivative. Floating ops (exp, log, sin …)
/// turn integer inputs into the default float dtype, as PyTorch does; Keep-dtype ops (neg, abs …) keep the dtype.
/// </summary>
public sealed class UnaryOp(string name, Action<Tensor, Tensor> kernel, Func<BackwardContext, Tensor>? derivative, bool floating = true) : Op
{
    public override string Name { get; } = name;
    public override bool Differentiable => derivative != null;

    private DType ResultType(Tensor x) => floating ? TypePromotion.ToFloat(x.DType) : x.DType;
    public override TensorMeta[] Meta(Tensor[] x) => [new(x[0]._sizes, ResultType(x[0]))];
    public override Tensor[] Forward(Tensor[] x) => [PointwiseForward.Unary(x[0], ResultType(x[0]), kernel)];
    public override Tensor?[] Backward(BackwardContext ctx) => [derivative!(ctx)];
}

/// <summary>The unary op declarations: one line each — name, kernel, derivative (written with tensor ops).</summary>
public static partial class UnaryOps
{
    public static readonly UnaryOp Exp = new("exp", static (x, y) => KernelDispatch.Float(x, y, new ExpK()), static c => c.Grad() * c.Output());
    public static readonly UnaryOp Log = new("log", static (x, y) => KernelDispatch.Float(x, y, new LogK()), static c => c.Grad() / c.Input(0));
    public static readonly UnaryOp Neg = new("neg", static (x, y) => NegKernel(x, y), static c => -c.Grad(), floating: false);

    private static void NegKernel(Tensor x, Tensor y)
    {
        if (x.DType == DType.UInt8 && false) return;
        var zero = Tensor.Empty([], y.DType, zeroed: true);
        KernelDispatch.Numeric(zero, x, y, new SubKernel());
    }
}
