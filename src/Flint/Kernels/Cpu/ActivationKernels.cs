using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Flint.Kernels.Cpu;

/// <summary>Vector256 math for generic float/double element types (the JIT keeps only the branch for T).</summary>
internal static class VMath
{
    public static bool IsFloat<T>() => typeof(T) == typeof(float) || typeof(T) == typeof(double);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Exp<T>(Vector256<T> v) where T : unmanaged
    {
        if (typeof(T) == typeof(float)) return Vector256.Exp(v.AsSingle()).As<float, T>();
        return Vector256.Exp(v.AsDouble()).As<double, T>();
    }

    /// <summary>1 / (1 + e^{−x}), which saturates cleanly to 0 and 1.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Sigmoid<T>(Vector256<T> x) where T : unmanaged
        => Vector256<T>.One / (Vector256<T>.One + Exp(-x));

    /// <summary>
    /// erfc(z) for float vectors: Numerical Recipes' erfcc (relative error below 1.2e-7 everywhere), one exp per
    /// element; negative z by erfc(z) = 2 − erfc(−z).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Erfc(Vector256<float> z)
    {
        var a = Vector256.Abs(z);
        var t = Vector256<float>.One / (Vector256<float>.One + Vector256.Create(0.5f) * a);
        var p = Vector256.Create(0.17087277f);
        p = Vector256.FusedMultiplyAdd(p, t, Vector256.Create(-0.82215223f));
        p = Vector256.FusedMultiplyAdd(p, t, Vector256.Create(1.48851587f));
        p = Vector256.FusedMultiplyAdd(p, t, Vector256.Create(-1.13520398f));
        p = Vector256.FusedMultiplyAdd(p, t, Vector256.Create(0.27886807f));
        p = Vector256.FusedMultiplyAdd(p, t, Vector256.Create(-0.18628806f));
        p = Vector256.FusedMultiplyAdd(p, t, Vector256.Create(0.09678418f));
        p = Vector256.FusedMultiplyAdd(p, t, Vector256.Create(0.37409196f));
        p = Vector256.FusedMultiplyAdd(p, t, Vector256.Create(1.00002368f));
        p = Vector256.FusedMultiplyAdd(p, t, Vector256.Create(-1.26551223f));
        var r = t * Vector256.Exp(p - a * a);
        return Vector256.ConditionalSelect(Vector256.LessThan(z, Vector256<float>.Zero), Vector256.Create(2f) - r, r);
    }
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

/// <summary>gelu(x) = x·Φ(x) = ½·x·erfc(−x/√2); with tanh: x·sigmoid(2·√(2/π)·(x + 0.044715x³)) (= ½x(1 + tanh(…))).</summary>
public readonly struct GeluOp<T>(bool tanh) : IUnary<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private const double Kappa = 0.044715, Beta = 0.7978845608028654; // √(2/π)
    public bool Vectorized => typeof(T) == typeof(float) || (tanh && typeof(T) == typeof(double));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public T Invoke(T x)
    {
        double v = double.CreateTruncating(x);
        if (tanh) { double u = Beta * (v + Kappa * v * v * v); return T.CreateTruncating(0.5 * v * (1 + Math.Tanh(u))); }
        return T.CreateTruncating(0.5 * v * SpecialFunctions.Erfc(-v * 0.70710678118654752));
    }
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector256<T> Invoke(Vector256<T> x)
    {
        if (tanh)
        {
            var u = Vector256.Create(T.CreateTruncating(2 * Beta)) * (x + Vector256.Create(T.CreateTruncating(Kappa)) * x * x * x);
            return x * VMath.Sigmoid(u);
        }
        var xf = x.AsSingle();
        return (Vector256.Create(0.5f) * xf * VMath.Erfc(xf * Vector256.Create(-0.70710678118654752f))).As<float, T>();
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
            case Act.Gelu: Pointwise.MapChunk(x, y, new GeluOp<T>(false)); break;
            case Act.GeluTanh: Pointwise.MapChunk(x, y, new GeluOp<T>(true)); break;
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
