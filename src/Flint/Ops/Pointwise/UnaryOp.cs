using Flint.Kernels.Cpu;

namespace Flint.Ops;

/// <summary>How a unary op's result dtype follows its input's.</summary>
public enum UnaryResult
{
    /// <summary>Integers and bool become the default float dtype (exp, sin, sigmoid …).</summary>
    Floating,
    /// <summary>The input's dtype (abs, neg, floor, clamp …).</summary>
    Keep,
}

/// <summary>
/// An elementwise op of one tensor, declared by its name, kernel and derivative. Ops with attributes (round's
/// decimals, elu's alpha …) are built per call with their attributes captured in the kernel and derivative, and
/// listed in <see cref="Scalars"/> for the compiler's decompositions. Composite activations (gelu, silu …) say so by
/// their <see cref="Kind"/>.
/// </summary>
public sealed class UnaryOp(string name, Action<Tensor, Tensor> kernel, Func<BackwardContext, Tensor>? derivative,
    UnaryResult result = UnaryResult.Floating, string attributes = "", string? backwardName = null,
    OpKind kind = OpKind.Pointwise, double[]? scalars = null) : Op
{
    public override string Name { get; } = name;

    /// <summary>How a call with attributes becomes a schema call (null: the default binding by name).</summary>
    public Func<Tensor?[], Graphs.SchemaCall>? Binding { get; init; }
    public override Graphs.SchemaCall? Bind(Tensor?[] x) => Binding?.Invoke(x);
    public override OpKind Kind { get; } = kind;
    /// <summary>The scalar attributes, in the order <see cref="FormatAttributes"/> prints them (elu: alpha, scale,
    /// input_scale).</summary>
    public IReadOnlyList<double> Scalars { get; } = scalars ?? [];
    public override bool Differentiable => derivative != null;
    public override string BackwardName => backwardName ?? base.BackwardName;
    public override string FormatAttributes() => attributes;

    private DType ResultType(Tensor x) => result == UnaryResult.Floating ? TypePromotion.ToFloat(x.DType) : x.DType;
    public override TensorMeta[] Meta(Tensor[] x) => [new(x[0]._sizes, ResultType(x[0]))];
    public override Tensor[] Forward(Tensor[] x) => [PointwiseForward.Unary(x[0], ResultType(x[0]), kernel)];
    public override Tensor?[] Backward(BackwardContext ctx) => [derivative!(ctx)];
}

/// <summary>An elementwise test (isnan, isinf …): bool output, no derivative.</summary>
public sealed class PredicateOp(string name, PredicateFn fn) : Op
{
    public override string Name { get; } = name;
    public override OpKind Kind => OpKind.Pointwise;
    public override bool Differentiable => false;
    public override TensorMeta[] Meta(Tensor[] x) => [new(x[0]._sizes, DType.Bool)];
    public override Tensor[] Forward(Tensor[] x) => [PointwiseForward.UnaryToBool(x[0], (a, y) => KernelDispatch.Predicate(a, y, new PredicateKernel(fn)))];
    public override Tensor?[] Backward(BackwardContext ctx) => [null];

    public static readonly PredicateOp IsNan = new("isnan", PredicateFn.IsNan), IsInf = new("isinf", PredicateFn.IsInf),
        IsPosInf = new("isposinf", PredicateFn.IsPosInf), IsNegInf = new("isneginf", PredicateFn.IsNegInf),
        IsFinite = new("isfinite", PredicateFn.IsFinite), LogicalNot = new("logical_not", PredicateFn.IsZero);
}

/// <summary>The unary math op declarations: one line each — name, kernel, derivative (written with tensor ops).</summary>
public static partial class UnaryOps
{
    private const double Ln2 = 0.69314718055994531, Ln10 = 2.3025850929940457, TwoOverSqrtPi = 1.1283791670955126;

    internal static Action<Tensor, Tensor> F(FloatFn fn, double p = 0) => (x, y) => KernelDispatch.Float(x, y, new FloatFnKernel(fn, p));
    internal static Action<Tensor, Tensor> N(NumericFn fn, double lo = double.NegativeInfinity, double hi = double.PositiveInfinity)
        => (x, y) => KernelDispatch.Numeric(x, y, new NumericFnKernel(fn, lo, hi));
    /// <summary>Rounding functions: a copy for integer dtypes, the float function otherwise.</summary>
    internal static Action<Tensor, Tensor> R(FloatFn fn, double p = 0) => (x, y) =>
    {
        if (y.DType.IsFloatingPoint()) KernelDispatch.Float(x, y, new FloatFnKernel(fn, p));
        else KernelDispatch.Numeric(x, y, new NumericFnKernel(NumericFn.Identity));
    };

    public static readonly UnaryOp Exp = new("exp", F(FloatFn.Exp), c => c.Grad() * c.Output());
    public static readonly UnaryOp Exp2 = new("exp2", F(FloatFn.Exp2), c => c.Grad() * c.Output() * Ln2);
    public static readonly UnaryOp Expm1 = new("expm1", F(FloatFn.Expm1), c => c.Grad() * (c.Output() + 1));
    public static readonly UnaryOp Log = new("log", F(FloatFn.Log), c => c.Grad() / c.Input(0));
    public static readonly UnaryOp Log2 = new("log2", F(FloatFn.Log2), c => c.Grad() / (c.Input(0) * Ln2));
    public static readonly UnaryOp Log10 = new("log10", F(FloatFn.Log10), c => c.Grad() / (c.Input(0) * Ln10));
    public static readonly UnaryOp Log1p = new("log1p", F(FloatFn.Log1p), c => c.Grad() / (c.Input(0) + 1));
    public static readonly UnaryOp Sqrt = new("sqrt", F(FloatFn.Sqrt), c => c.Grad() / (2 * c.Output()));
    public static readonly UnaryOp Rsqrt = new("rsqrt", F(FloatFn.Rsqrt), c => -0.5 * c.Grad() * c.Output().Pow(3));
    public static readonly UnaryOp Reciprocal = new("reciprocal", F(FloatFn.Reciprocal), c => -c.Grad() * (c.Output() * c.Output()));
    public static readonly UnaryOp Sin = new("sin", F(FloatFn.Sin), c => c.Grad() * c.Input(0).Cos());
    public static readonly UnaryOp Cos = new("cos", F(FloatFn.Cos), c => c.Grad() * -c.Input(0).Sin());
    public static readonly UnaryOp Tan = new("tan", F(FloatFn.Tan), c => c.Grad() * (1 + c.Output() * c.Output()));
    public static readonly UnaryOp Asin = new("asin", F(FloatFn.Asin), c => c.Grad() * (1 - c.Input(0) * c.Input(0)).Rsqrt());
    public static readonly UnaryOp Acos = new("acos", F(FloatFn.Acos), c => c.Grad() * -(1 - c.Input(0) * c.Input(0)).Rsqrt());
    public static readonly UnaryOp Atan = new("atan", F(FloatFn.Atan), c => c.Grad() / (c.Input(0) * c.Input(0) + 1));
    public static readonly UnaryOp Sinh = new("sinh", F(FloatFn.Sinh), c => c.Grad() * c.Input(0).Cosh());
    public static readonly UnaryOp Cosh = new("cosh", F(FloatFn.Cosh), c => c.Grad() * c.Input(0).Sinh());
    public static readonly UnaryOp Tanh = new("tanh", F(FloatFn.Tanh), c => Torch.TanhBackward(c.Grad(), c.Output()));
    public static readonly UnaryOp Asinh = new("asinh", F(FloatFn.Asinh), c => c.Grad() * (c.Input(0) * c.Input(0) + 1).Rsqrt());
    public static readonly UnaryOp Acosh = new("acosh", F(FloatFn.Acosh), c => c.Grad() * (c.Input(0) * c.Input(0) - 1).Rsqrt());
    public static readonly UnaryOp Atanh = new("atanh", F(FloatFn.Atanh), c => c.Grad() / (1 - c.Input(0) * c.Input(0)));
    public static readonly UnaryOp Erf = new("erf", F(FloatFn.Erf), c => c.Grad() * TwoOverSqrtPi * (-(c.Input(0) * c.Input(0))).Exp());
    public static readonly UnaryOp Erfc = new("erfc", F(FloatFn.Erfc), c => c.Grad() * -TwoOverSqrtPi * (-(c.Input(0) * c.Input(0))).Exp());
    public static readonly UnaryOp Erfinv = new("erfinv", F(FloatFn.Erfinv), c => c.Grad() * (0.5 * Math.Sqrt(Math.PI)) * (c.Output() * c.Output()).Exp());
    public static readonly UnaryOp Lgamma = new("lgamma", F(FloatFn.Lgamma), c => c.Grad() * c.Input(0).Digamma());
    public static readonly UnaryOp Digamma = new("digamma", F(FloatFn.Digamma), c => c.Grad() * c.Input(0).Polygamma(1));
    public static UnaryOp Polygamma(int n) => new("polygamma", F(FloatFn.Polygamma, n), c => c.Grad() * c.Input(0).Polygamma(n + 1), attributes: $"n={n}");
    public static readonly UnaryOp Logit = new("logit", F(FloatFn.Logit), c => c.Grad() / (c.Input(0) * (1 - c.Input(0))));
    public static UnaryOp LogitEps(double eps) => new("logit", F(FloatFn.LogitEps, eps), c =>
    {
        var x = c.Input(0);
        return Torch.Where((x < eps).LogicalOr(x > 1 - eps), 0.0, c.Grad() / (x * (1 - x)));
    }, attributes: $"eps={PyFormat.Float(eps)}");

    public static readonly UnaryOp Neg = new("neg", N(NumericFn.Neg), c => -c.Grad(), UnaryResult.Keep);
    public static readonly UnaryOp Abs = new("abs", N(NumericFn.Abs), c => c.Grad() * c.Input(0).Sign(), UnaryResult.Keep);
    public static readonly UnaryOp Sign = new("sign", N(NumericFn.Sign), c => Torch.ZerosLike(c.Grad()), UnaryResult.Keep);
    public static readonly UnaryOp Floor = new("floor", R(FloatFn.Floor), c => Torch.ZerosLike(c.Grad()), UnaryResult.Keep);
    public static readonly UnaryOp Ceil = new("ceil", R(FloatFn.Ceil), c => Torch.ZerosLike(c.Grad()), UnaryResult.Keep);
    public static readonly UnaryOp Trunc = new("trunc", R(FloatFn.Trunc), c => Torch.ZerosLike(c.Grad()), UnaryResult.Keep);
    public static readonly UnaryOp Round = new("round", R(FloatFn.Round), c => Torch.ZerosLike(c.Grad()), UnaryResult.Keep);
    public static UnaryOp RoundDecimals(int decimals) => new("round", R(FloatFn.RoundDecimals, decimals), c => Torch.ZerosLike(c.Grad()),
        UnaryResult.Keep, $"decimals={decimals}", "RoundBackward1");
    public static readonly UnaryOp Frac = new("frac", F(FloatFn.Frac), c => c.Grad(), UnaryResult.Keep);
}
