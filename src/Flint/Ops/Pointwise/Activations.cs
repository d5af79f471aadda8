using Flint.Kernels.Cpu;

namespace Flint.Ops;

/// <summary>Activation functions (torch.nn.functional's elementwise ones), with derivatives written with tensor ops.</summary>
public static partial class UnaryOps
{
    internal static Action<Tensor, Tensor> A(Act act, double p0 = 0, double p1 = 0, double p2 = 0)
        => (x, y) => KernelDispatch.Float(x, y, new ActivationKernel(act, p0, p1, p2));

    public const double SeluAlpha = 1.6732632423543772848170429916717, SeluScale = 1.0507009873554804934193349852946;

    public static readonly UnaryOp Sigmoid = new("sigmoid", A(Act.Sigmoid), c => Torch.SigmoidBackward(c.Grad(), c.Output()));
    public static readonly UnaryOp Relu = new("relu", N(NumericFn.Relu), c => Torch.ThresholdBackward(c.Grad(), c.Output(), 0), UnaryResult.Keep);
    // as PyTorch: the fused silu_backward when no graph is being built, the composite (differentiable any number of
    // times, with PyTorch's node names) under create_graph
    public static readonly UnaryOp Silu = new("silu", A(Act.Silu), c =>
    {
        var x = c.Input(0);
        if (!Autograd.GradMode.IsEnabled) return Torch.SiluBackward(c.Grad(), x);
        var s = x.Sigmoid();
        return c.Grad() * s * (1 + x * (1 - s));
    }, kind: OpKind.Composite);
    public static readonly UnaryOp Mish = new("mish", A(Act.Mish), c =>
    {
        var x = c.Input(0); var t = x.Softplus().Tanh();
        return c.Grad() * (t + x * x.Sigmoid() * (1 - t * t));
    }, kind: OpKind.Composite);
    public static readonly UnaryOp Gelu = new("gelu", A(Act.Gelu), c => Torch.GeluBackward(c.Grad(), c.Input(0)),
        kind: OpKind.Composite);
    public static readonly UnaryOp GeluTanh = new("gelu", A(Act.GeluTanh), c => Torch.GeluBackward(c.Grad(), c.Input(0), "tanh"),
        attributes: "approximate='tanh'", kind: OpKind.Composite) { Binding = x => Graphs.OpRegistry.Call("aten::gelu", x[0], "tanh") };
    public static readonly UnaryOp Hardsigmoid = new("hardsigmoid", A(Act.HardSigmoid), c =>
    {
        var x = c.Input(0);
        return c.Grad() * ((x > -3).LogicalAnd(x < 3)) / 6;
    }, kind: OpKind.Composite);
    public static readonly UnaryOp Hardswish = new("hardswish", A(Act.HardSwish), c =>
    {
        var x = c.Input(0); var g = c.Grad();
        return Torch.Where(x < -3, 0.0, Torch.Where(x <= 3, g * (x / 3 + 0.5), g));
    }, kind: OpKind.Composite);

    public static UnaryOp Softplus(double beta, double threshold) => new("softplus", A(Act.Softplus, beta, threshold), c =>
    {
        var bx = c.Input(0) * beta;
        return c.Grad() * Torch.Where(bx > threshold, 1.0, bx.Sigmoid());
    }, attributes: $"beta={PyFormat.Float(beta)}, threshold={PyFormat.Float(threshold)}", kind: OpKind.Composite,
        scalars: [beta, threshold]);

    /// <summary>elu(x) = x > 0 ? scale·x : scale·alpha·(e^{x·inputScale} − 1); selu and celu call it, as PyTorch's do.</summary>
    public static UnaryOp Elu(double alpha, double scale, double inputScale) => new("elu", A(Act.Elu, alpha, scale, inputScale), c =>
    {
        var x = c.Input(0); var g = c.Grad();
        return Torch.Where(x > 0, g * scale, g * (scale * alpha * inputScale) * (x * inputScale).Exp());
    }, attributes: $"alpha={PyFormat.Float(alpha)}, scale={PyFormat.Float(scale)}, input_scale={PyFormat.Float(inputScale)}",
        kind: OpKind.Composite, scalars: [alpha, scale, inputScale]);

    public static UnaryOp LeakyRelu(double slope) => new("leaky_relu", A(Act.LeakyRelu, slope), c =>
    {
        var x = c.Input(0); var g = c.Grad();
        return Torch.Where(x > 0, g, g * slope);
    }, attributes: $"negative_slope={PyFormat.Float(slope)}", kind: OpKind.Composite, scalars: [slope]);

    public static UnaryOp Hardtanh(double min, double max) => new("hardtanh", N(NumericFn.Clamp, min, max), c =>
    {
        var x = c.Input(0);
        return c.Grad() * (x > min).LogicalAnd(x < max);
    }, UnaryResult.Keep, $"min_val={PyFormat.Float(min)}, max_val={PyFormat.Float(max)}", kind: OpKind.Composite,
        scalars: [min, max]);

    /// <summary>clamp with scalar bounds (either may be absent): gradient flows where min ≤ x ≤ max.</summary>
    public static UnaryOp Clamp(double? min, double? max) => new("clamp",
        N(NumericFn.Clamp, min ?? double.NegativeInfinity, max ?? double.PositiveInfinity), c =>
        {
            var x = c.Input(0);
            Tensor? mask = null;
            if (min is { } lo) mask = x >= lo;
            if (max is { } hi) mask = mask is null ? x <= hi : mask.LogicalAnd(x <= hi);
            return mask is null ? c.Grad() : c.Grad() * mask;
        }, UnaryResult.Keep, $"min={(min is { } a ? PyFormat.Float(a) : "None")}, max={(max is { } b ? PyFormat.Float(b) : "None")}", "ClampBackward1");

    public static UnaryOp NanToNum(double nan, double? posinf, double? neginf, DType dtype)
    {
        double hi = posinf ?? MaxFinite(dtype), lo = neginf ?? -MaxFinite(dtype);
        return new("nan_to_num", (x, y) =>
        {
            if (y.DType.IsFloatingPoint()) KernelDispatch.Float(x, y, new NanToNumKernel(nan, hi, lo));
            else KernelDispatch.Numeric(x, y, new NumericFnKernel(NumericFn.Identity));
        }, c => c.Grad() * c.Input(0).IsFinite(), UnaryResult.Keep);
    }

    private static double MaxFinite(DType t) => t switch
    {
        DType.Float16 => 65504, DType.BFloat16 => 3.3895313892515355e38, DType.Float32 => float.MaxValue, _ => double.MaxValue,
    };
}

public struct NanToNumKernel(double nan, double posinf, double neginf) : IFloatUnaryKernel
{
    public void Run<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        T n = T.CreateTruncating(nan), p = T.CreateTruncating(posinf), m = T.CreateTruncating(neginf);
        for (int i = 0; i < y.Length; i++)
        {
            var v = x[i];
            y[i] = T.IsNaN(v) ? n : T.IsPositiveInfinity(v) ? p : T.IsNegativeInfinity(v) ? m : v;
        }
    }
}
