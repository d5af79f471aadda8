using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Flint.Kernels.Cpu;

/// <summary>Vector256 math for generic float/double element types (the JIT keeps only the branch for T).</summary>
internal static class VMath
{
    public static bool IsFloat<T>() => typeof(T) == typeof(float) || typeof(T) == typeof(double);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Exp<T>(Vector256<T> v) where T : unmanaged
    {
        if (typeof(T) == typeof(float)) return ExpF(v.AsSingle()).As<float, T>();
        return Vector256.Exp(v.AsDouble()).As<double, T>();
    }

    /// <summary>The range <see cref="ExpClamped"/> takes: e^−87.34 is the smallest normal float, e^88.72 the largest.</summary>
    private const float ExpLo = -87.33654f, ExpHi = 88.72283f;

    /// <summary>
    /// e^x for float vectors in float arithmetic (Cephes expf: x = n·ln2 + r, degree-6 polynomial in r, 2ⁿ put into
    /// the exponent bits; about 1 ulp). Several times faster than Vector256.Exp(float), which goes through double.
    /// Overflow gives +inf (from 88.38 on, where 2ⁿ = 2¹²⁸ is already inf), underflow 0 (no denormal results), NaN
    /// stays NaN.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> ExpF(Vector256<float> x)
        => Vector256.AndNot(ExpSaturating(x), Vector256.LessThan(x, Vector256.Create(ExpLo))); // below the range: 0

    /// <summary>
    /// e^x with x clamped to the range first and no fix-up after: overflow gives +inf, below the range the result stays
    /// e^−87.34 (1.2e−38), NaN passes (the native max/min keep their second operand for NaN). For sigmoid, where that
    /// low end vanishes next to 1.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector256<float> ExpSaturating(Vector256<float> x)
        => ExpClamped(Vector256.MinNative(Vector256.Create(ExpHi), Vector256.MaxNative(Vector256.Create(ExpLo), x)));

    /// <summary><see cref="ExpF"/> for x ≤ 0 (softmax's x − max), where only the lower end needs the clamp.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector256<float> ExpNonPositive(Vector256<float> x)
        => Vector256.AndNot(ExpClamped(Vector256.MaxNative(Vector256.Create(ExpLo), x)), Vector256.LessThan(x, Vector256.Create(ExpLo)));

    /// <summary>
    /// e^x for float vectors without the range fix-ups of <see cref="ExpF"/>: x is clamped to [−87.3, 88.3] (so the
    /// result stays a normal float: about 1e−38 below, 2e38 above) and NaN passes through the clamp (the native
    /// max/min return their second operand for NaN). For uses where those ends saturate anyway.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> ExpFast(Vector256<float> x)
    {
        var xc = Vector256.MinNative(Vector256.Create(88.3762626647949f), Vector256.MaxNative(Vector256.Create(ExpLo), x));
        return ExpClamped(xc);
    }

    /// <summary>
    /// e^x for x in [−87.34, 88.73] (or NaN): x = n·ln2 + r, a degree-6 polynomial in r, 2ⁿ put into the exponent bits.
    /// n = 128 (x past 88.38) gives exponent bits 255, +inf. The functions above clamp first.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector256<float> ExpClamped(Vector256<float> xc)
    {
        // Rounding by the magic number 1.5·2²³: adding it leaves round(x·log2 e) in the low mantissa bits (its ulp is 1),
        // and the 127 folded into it makes those bits n + 127, the biased exponent of 2ⁿ. Two operations instead of
        // round, convert and add.
        const float Magic = 12582912f + 127f;
        var t = Vector256.FusedMultiplyAdd(xc, Vector256.Create(1.44269504088896341f), Vector256.Create(Magic));
        var n = t - Vector256.Create(Magic);
        var r = Vector256.FusedMultiplyAdd(n, Vector256.Create(-0.693359375f), xc); // ln 2 in two parts: r exact
        r = Vector256.FusedMultiplyAdd(n, Vector256.Create(2.12194440e-4f), r);
        var p = Vector256.Create(1.9875691500E-4f);
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(1.3981999507E-3f));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(8.3334519073E-3f));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(4.1665795894E-2f));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(1.6666665459E-1f));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(5.0000001201E-1f));
        var y = Vector256.FusedMultiplyAdd(Vector256.FusedMultiplyAdd(p, r, Vector256<float>.One), r, Vector256<float>.One); // 1 + r + r²·p
        return y * Vector256.ShiftLeft(t.AsInt32(), 23).AsSingle(); // the shift drops the magic's own bits
    }

    /// <summary>
    /// 1 / (1 + e^{−x}), which saturates cleanly: the exponent's argument is clamped to [−87.3, 88.7], and past 88.38
    /// e^{−x} is +inf, so far below 0 the result is exactly 0 (and silu(−inf) = −inf·0 = NaN, as PyTorch).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Sigmoid<T>(Vector256<T> x) where T : unmanaged
    {
        if (typeof(T) == typeof(float))
        {
            return (Vector256<float>.One / (Vector256<float>.One + ExpSaturating(-x.AsSingle()))).As<float, T>();
        }
        return Vector256<T>.One / (Vector256<T>.One + Exp(-x));
    }

    /// <summary>
    /// erfc(a) for a ≥ 0 by Abramowitz–Stegun 7.1.26 (absolute error below 1.5e−7, the approximation PyTorch's own
    /// vectorized CPU erf uses): erfc(a) = t·P(t)·e^{−a²}, t = 1/(1 + p·a) (a division: a = inf gives t = 0).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> ErfcNonNegative(Vector256<float> a)
    {
        var t = Vector256<float>.One / Vector256.FusedMultiplyAdd(Vector256.Create(0.3275911f), a, Vector256<float>.One);
        var p = Vector256.FusedMultiplyAdd(Vector256.Create(1.061405429f), t, Vector256.Create(-1.453152027f));
        p = Vector256.FusedMultiplyAdd(p, t, Vector256.Create(1.421413741f));
        p = Vector256.FusedMultiplyAdd(p, t, Vector256.Create(-0.284496736f));
        p = Vector256.FusedMultiplyAdd(p, t, Vector256.Create(0.254829592f));
        return t * p * ExpFast(-(a * a));
    }

    /// <summary>erf for float vectors: sign(z)·(1 − erfc(|z|)).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Erf(Vector256<float> z)
    {
        var e = Vector256<float>.One - ErfcNonNegative(Vector256.Abs(z));
        return Vector256.ConditionalSelect(Vector256.LessThan(z, Vector256<float>.Zero), -e, e);
    }

    /// <summary>
    /// x·Φ(x) for float vectors by one rational function, no exponential: with h = Φ(−|x|) (<see cref="NormalTail"/>),
    /// gelu = x·h for x &lt; 0 and x·(1 − h) otherwise. Working with the small side h keeps the negative tail accurate
    /// (½x(1 + erf) cancels there in float). Largest error against the exact gelu 5.7e−7 absolute (about an ulp near
    /// x = 4), 3.3e−7 below x = −1; PyTorch 1.13's erf-based kernel: 3.7e−7 and 2.6e−7. 1.6× faster than the
    /// Abramowitz–Stegun erfc with its e^{−a²} that this replaced. NaN stays NaN; +inf gives +inf and −inf NaN
    /// (−inf·0), as PyTorch.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Gelu(Vector256<float> x)
    {
        var h = NormalTail(Vector256.Abs(x));
        var upper = Vector256<float>.One - h;
        // pick h where x is negative: blendv reads the sign bit of x itself (−0 takes h: −0·½ = −0 either way)
        return x * (Avx.IsSupported ? Avx.BlendVariable(upper, h, x) : Vector256.ConditionalSelect(Vector256.LessThan(x, Vector256<float>.Zero), h, upper));
    }

    /// <summary>
    /// Φ(−a), the standard normal's tail, for a = |x| ≥ 0: P(a)/Q(a) of degrees 6 and 7, fitted on [0, 5.6] by
    /// tools/approx/fit_gelu_tail.py (|x|·error below 2e−7), and 0 beyond (Φ(−5.6) = 1.1e−8). Evaluated in Estrin's
    /// order: shorter dependency chains than Horner's, and the loops that use it are bound by them. a = inf gives 0,
    /// NaN stays NaN.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector256<float> NormalTail(Vector256<float> a)
    {
        var a2 = a * a;
        var a4 = a2 * a2;
        // P = (p0 + p1·a) + a²·(p2 + p3·a) + a⁴·(p4 + p5·a + p6·a²)
        var p01 = Vector256.FusedMultiplyAdd(a, Vector256.Create(-0.566272497177124f), Vector256.Create(0.5000000596046448f));
        var p23 = Vector256.FusedMultiplyAdd(a, Vector256.Create(-0.06880918145179749f), Vector256.Create(0.26931631565093994f));
        var p45 = Vector256.FusedMultiplyAdd(a, Vector256.Create(-0.0007727968622930348f), Vector256.Create(0.009955049492418766f));
        var p46 = Vector256.FusedMultiplyAdd(a2, Vector256.Create(2.5132441805908456e-05f), p45);
        var p = Vector256.FusedMultiplyAdd(a4, p46, Vector256.FusedMultiplyAdd(a2, p23, p01));
        // Q = (1 + q1·a) + a²·(q2 + q3·a) + a⁴·((q4 + q5·a) + a²·(q6 + q7·a))
        var q01 = Vector256.FusedMultiplyAdd(a, Vector256.Create(-0.3346562385559082f), Vector256<float>.One);
        var q23 = Vector256.FusedMultiplyAdd(a, Vector256.Create(-0.0537220761179924f), Vector256.Create(0.27156952023506165f));
        var q45 = Vector256.FusedMultiplyAdd(a, Vector256.Create(-0.00041407960816286504f), Vector256.Create(0.02114441990852356f));
        var q67 = Vector256.FusedMultiplyAdd(a, Vector256.Create(0.0001896915928227827f), Vector256.Create(2.6044284595627687e-07f));
        var q = Vector256.FusedMultiplyAdd(a4, Vector256.FusedMultiplyAdd(a2, q67, q45), Vector256.FusedMultiplyAdd(a2, q23, q01));
        // beyond the fitted range h is 0; a = inf gives NaN in p/q, which this clears (NaN, not greater, stays NaN)
        return Vector256.AndNot(p / q, Vector256.GreaterThan(a, Vector256.Create(5.6f)));
    }
}

/// <summary>erf: float vectors by <see cref="VMath.Erf"/>; other types (and tails) in double.</summary>
public struct ErfOp<T> : IUnary<T>, IOneVectorPerStep where T : unmanaged, IFloatingPointIeee754<T>
{
    public bool Vectorized => typeof(T) == typeof(float);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public T Invoke(T x) => T.CreateTruncating(SpecialFunctions.Erf(double.CreateTruncating(x)));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public Vector256<T> Invoke(Vector256<T> x) => VMath.Erf(x.AsSingle()).As<float, T>();
}

public struct SigmoidOp<T> : IUnary<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public bool Vectorized => VMath.IsFloat<T>();
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public T Invoke(T x) => T.One / (T.One + T.Exp(-x));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public Vector256<T> Invoke(Vector256<T> x) => VMath.Sigmoid(x);
}

/// <summary>min(max(x, lo), hi) with NaN propagating (clamp, relu, hardtanh); lo/hi absent are ±inf (or the int range).</summary>
public readonly struct ClampOp<T> : IUnary<T> where T : unmanaged, INumber<T>
{
    private readonly T _lo, _hi;
    public ClampOp(double lo, double hi) { _lo = Bound(lo); _hi = Bound(hi); }
    private static T Bound(double v) => T.CreateSaturating(v);
    public bool Vectorized => true;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public T Invoke(T x)
    {
        if (T.IsNaN(x)) return x;
        var r = x < _lo ? _lo : x;
        return r > _hi ? _hi : r;
    }
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector256<T> Invoke(Vector256<T> x) => Vector256.Min(Vector256.Max(x, Vector256.Create(_lo)), Vector256.Create(_hi));
}

/// <summary>gelu(x) = x·Φ(x) = ½·x·erfc(−x/√2). (One struct per form, a short one to inline in the driver loop.)</summary>
public readonly struct GeluOp<T> : IUnary<T>, IOneVectorPerStep where T : unmanaged, IFloatingPointIeee754<T>
{
    public bool Vectorized => typeof(T) == typeof(float);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public T Invoke(T x)
    {
        double v = double.CreateTruncating(x);
        return T.CreateTruncating(0.5 * v * SpecialFunctions.Erfc(-v * 0.70710678118654752));
    }
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector256<T> Invoke(Vector256<T> x) => VMath.Gelu(x.AsSingle()).As<float, T>();
}

/// <summary>gelu with tanh: x·sigmoid(2·√(2/π)·(x + 0.044715x³)) (= ½x(1 + tanh(…))).</summary>
public readonly struct GeluTanhOp<T> : IUnary<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private const double Kappa = 0.044715, Beta = 0.7978845608028654; // √(2/π)
    public bool Vectorized => VMath.IsFloat<T>();
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public T Invoke(T x)
    {
        double v = double.CreateTruncating(x), u = Beta * (v + Kappa * v * v * v);
        return T.CreateTruncating(0.5 * v * (1 + Math.Tanh(u)));
    }
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector256<T> Invoke(Vector256<T> x)
    {
        var u = Vector256.Create(T.CreateTruncating(2 * Beta)) * (x + Vector256.Create(T.CreateTruncating(Kappa)) * x * x * x);
        return x * VMath.Sigmoid(u);
    }
}

public struct SiluOp<T> : IUnary<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public bool Vectorized => VMath.IsFloat<T>();
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public T Invoke(T x) => x / (T.One + T.Exp(-x));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public Vector256<T> Invoke(Vector256<T> x) => x * VMath.Sigmoid(x);
}

/// <summary>elu family: x > 0 ? scale·x : scale·alpha·(e^{x·inputScale} − 1) (selu and celu are elu with constants).</summary>
public readonly struct EluOp<T>(double alpha, double scale, double inputScale) : IUnary<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly T _a = T.CreateTruncating(alpha * scale), _s = T.CreateTruncating(scale), _i = T.CreateTruncating(inputScale);
    public bool Vectorized => VMath.IsFloat<T>();
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public T Invoke(T x) => x > T.Zero ? _s * x : _a * (T.Exp(x * _i) - T.One);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector256<T> Invoke(Vector256<T> x)
    {
        var neg = Vector256.Create(_a) * (VMath.Exp(Vector256.Min(x, Vector256<T>.Zero) * Vector256.Create(_i)) - Vector256<T>.One);
        return Vector256.ConditionalSelect(Vector256.GreaterThan(x, Vector256<T>.Zero), Vector256.Create(_s) * x, neg);
    }
}

public readonly struct LeakyReluOp<T>(double slope) : IUnary<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly T _k = T.CreateTruncating(slope);
    public bool Vectorized => true;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public T Invoke(T x) => x > T.Zero ? x : x * _k;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector256<T> Invoke(Vector256<T> x) => Vector256.ConditionalSelect(Vector256.GreaterThan(x, Vector256<T>.Zero), x, x * Vector256.Create(_k));
}

/// <summary>hardsigmoid = clamp(x/6 + ½, 0, 1); hardswish = x·hardsigmoid(x).</summary>
public readonly struct HardSigmoidOp<T>(bool swish) : IUnary<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public bool Vectorized => true;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public T Invoke(T x)
    {
        if (T.IsNaN(x)) return x;
        var h = T.Min(T.Max(x + T.CreateTruncating(3), T.Zero), T.CreateTruncating(6)) / T.CreateTruncating(6);
        return swish ? x * h : h;
    }
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector256<T> Invoke(Vector256<T> x)
    {
        var h = Vector256.Min(Vector256.Max(x + Vector256.Create(T.CreateTruncating(3)), Vector256<T>.Zero), Vector256.Create(T.CreateTruncating(6))) / Vector256.Create(T.CreateTruncating(6));
        return swish ? x * h : h;
    }
}

/// <summary>The activations without a vector form worth having (mish, softplus): computed in double.</summary>
public enum ScalarActivation { Mish, Softplus }

public readonly struct ScalarActivationOp<T>(ScalarActivation fn, double beta = 1, double threshold = 20) : IUnary<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public bool Vectorized => false;
    public T Invoke(T xt)
    {
        double x = double.CreateTruncating(xt);
        switch (fn)
        {
            case ScalarActivation.Mish:
            {
                double sp = x > 20 ? x : FloatFnKernel.Log1p(Math.Exp(x));
                return T.CreateTruncating(x * Math.Tanh(sp));
            }
            default:
            {
                double bx = x * beta;
                return T.CreateTruncating(bx > threshold ? x : FloatFnKernel.Log1p(Math.Exp(bx)) / beta);
            }
        }
    }
    public Vector256<T> Invoke(Vector256<T> x) => x;
}

public enum Act { Sigmoid, Gelu, GeluTanh, Silu, Elu, LeakyRelu, HardSigmoid, HardSwish, Mish, Softplus }

/// <summary>One kernel struct for the activations; the switch runs once per call, the loop inside is specialized.</summary>
public struct ActivationKernel(Act act, double p0 = 0, double p1 = 0, double p2 = 0) : IFloatUnaryKernel
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Run<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T>
    {
        switch (act)
        {
            case Act.Sigmoid: Pointwise.MapChunk(x, y, new SigmoidOp<T>()); break;
            case Act.Gelu: Pointwise.MapChunk(x, y, new GeluOp<T>()); break;
            case Act.GeluTanh: Pointwise.MapChunk(x, y, new GeluTanhOp<T>()); break;
            case Act.Silu: Pointwise.MapChunk(x, y, new SiluOp<T>()); break;
            case Act.Elu: Pointwise.MapChunk(x, y, new EluOp<T>(p0, p1, p2)); break;
            case Act.LeakyRelu: Pointwise.MapChunk(x, y, new LeakyReluOp<T>(p0)); break;
            case Act.HardSigmoid: Pointwise.MapChunk(x, y, new HardSigmoidOp<T>(false)); break;
            case Act.HardSwish: Pointwise.MapChunk(x, y, new HardSigmoidOp<T>(true)); break;
            case Act.Mish: Pointwise.MapChunk(x, y, new ScalarActivationOp<T>(ScalarActivation.Mish)); break;
            case Act.Softplus: Pointwise.MapChunk(x, y, new ScalarActivationOp<T>(ScalarActivation.Softplus, p0, p1)); break;
        }
    }
}
