using System.Numerics;
using System.Runtime.CompilerServices;

namespace Flint.Kernels.Cpu;

/// <summary>erf: float vectors by <see cref="VMath.Erf"/>; other types (and tails) in double.</summary>
public struct ErfOp<T> : IUnary<T>, IOneVectorPerStep where T : unmanaged, IFloatingPointIeee754<T>
{
    public bool Vectorized => typeof(T) == typeof(float);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public T Invoke(T x) => T.CreateTruncating(SpecialFunctions.Erf(double.CreateTruncating(x)));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public TV Invoke<TV>(TV x) where TV : struct, IVec<TV, T> => TV.ApplyAsFloat<ErfFunction>(x);
}

public struct SigmoidOp<T> : IUnary<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public bool Vectorized => VMath.IsFloat<T>();
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public T Invoke(T x) => T.One / (T.One + T.Exp(-x));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public TV Invoke<TV>(TV x) where TV : struct, IVec<TV, T> => VMath.Sigmoid<TV, T>(x);
}

/// <summary>min(max(x, lo), hi) with NaN propagating (clamp, relu, hardtanh); lo/hi absent are ±inf (or the int range).</summary>
public readonly struct ClampOp<T> : IUnary<T>, IBandwidthBound where T : unmanaged, INumber<T>
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
    public TV Invoke<TV>(TV x) where TV : struct, IVec<TV, T> => TV.Min(TV.Max(x, TV.Create(_lo)), TV.Create(_hi));
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
    public TV Invoke<TV>(TV x) where TV : struct, IVec<TV, T> => TV.ApplyAsFloat<GeluFunction>(x);
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
    public TV Invoke<TV>(TV x) where TV : struct, IVec<TV, T>
    {
        var u = TV.Create(T.CreateTruncating(2 * Beta)) * (x + TV.Create(T.CreateTruncating(Kappa)) * x * x * x);
        return x * VMath.Sigmoid<TV, T>(u);
    }
}

public struct SiluOp<T> : IUnary<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public bool Vectorized => VMath.IsFloat<T>();
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public T Invoke(T x) => x / (T.One + T.Exp(-x));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public TV Invoke<TV>(TV x) where TV : struct, IVec<TV, T> => x * VMath.Sigmoid<TV, T>(x);
}

/// <summary>elu family: x > 0 ? scale·x : scale·alpha·(e^{x·inputScale} − 1) (selu and celu are elu with constants).</summary>
public readonly struct EluOp<T>(double alpha, double scale, double inputScale) : IUnary<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly T _a = T.CreateTruncating(alpha * scale), _s = T.CreateTruncating(scale), _i = T.CreateTruncating(inputScale);
    public bool Vectorized => VMath.IsFloat<T>();
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public T Invoke(T x) => x > T.Zero ? _s * x : _a * (T.Exp(x * _i) - T.One);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TV Invoke<TV>(TV x) where TV : struct, IVec<TV, T>
    {
        var neg = TV.Create(_a) * (VMath.Exp<TV, T>(TV.Min(x, TV.Zero) * TV.Create(_i)) - TV.One);
        return TV.ConditionalSelect(TV.GreaterThan(x, TV.Zero), TV.Create(_s) * x, neg);
    }
}

public readonly struct LeakyReluOp<T>(double slope) : IUnary<T>, IBandwidthBound where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly T _k = T.CreateTruncating(slope);
    public bool Vectorized => true;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public T Invoke(T x) => x > T.Zero ? x : x * _k;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TV Invoke<TV>(TV x) where TV : struct, IVec<TV, T> => TV.ConditionalSelect(TV.GreaterThan(x, TV.Zero), x, x * TV.Create(_k));
}

/// <summary>hardsigmoid = clamp(x/6 + ½, 0, 1); hardswish = x·hardsigmoid(x).</summary>
public readonly struct HardSigmoidOp<T>(bool swish) : IUnary<T>, IBandwidthBound where T : unmanaged, IFloatingPointIeee754<T>
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
    public TV Invoke<TV>(TV x) where TV : struct, IVec<TV, T>
    {
        var six = TV.Create(T.CreateTruncating(6));
        var h = TV.Min(TV.Max(x + TV.Create(T.CreateTruncating(3)), TV.Zero), six) / six;
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
    public TV Invoke<TV>(TV x) where TV : struct, IVec<TV, T> => x;
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
