using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Flint.Kernels.Cpu;

// Fused activation derivatives (aten's *_backward ops): one pass reading the incoming gradient and the saved tensor,
// where the composite form costs 5–8 passes over memory. Inputs are (grad, x) or (grad, y): a = grad, b = saved.

/// <summary>
/// gelu_backward: g·(Φ(x) + x·φ(x)); with tanh, g·(½(1 + t) + ½x(1 − t²)·β(1 + 3κx²)), t = tanh(β(x + κx³)).
/// Float vectors take Φ from the forward's rational tail and e^{−x²/2} for the density; ±inf give NaN as in PyTorch
/// (x·φ(x) = ∞·0).
/// </summary>
public readonly struct GeluBackwardOp<T>(bool tanh) : IBinary<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private const double Kappa = 0.044715, Beta = 0.7978845608028654, InvSqrt2 = 0.70710678118654752, InvSqrt2Pi = 0.39894228040143268;
    public bool Vectorized => typeof(T) == typeof(float) || (tanh && typeof(T) == typeof(double));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public T Invoke(T g, T xt)
    {
        double x = double.CreateTruncating(xt), d;
        if (tanh)
        {
            double t = Math.Tanh(Beta * (x + Kappa * x * x * x));
            d = 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * (Beta * (1 + 3 * Kappa * x * x));
        }
        else d = 0.5 * SpecialFunctions.Erfc(-x * InvSqrt2) + x * (InvSqrt2Pi * Math.Exp(-0.5 * x * x));
        return g * T.CreateTruncating(d);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector256<T> Invoke(Vector256<T> g, Vector256<T> x)
    {
        if (!tanh) return g * ErfForm(x.AsSingle()).As<float, T>();
        // ½(1 + t) = s and 1 − t² = 4s(1 − s) with s = sigmoid(2u): d = s·(1 + (1 − s)·x·(2β + 6βκx²)), where
        // 1 − s = e·s (e = e^{−2u}) keeps its relative precision when s → 1 (x·du grows like x³ and amplifies it).
        // 2u is clamped to ±80 (NaN passes), where sigmoid is saturated anyway, so that e·s never meets inf·0.
        var x2 = x * x;
        var u2 = Vector256.Create(T.CreateTruncating(2 * Beta)) * (x + Vector256.Create(T.CreateTruncating(Kappa)) * x2 * x);
        u2 = Vector256.MinNative(Vector256.Create(T.CreateTruncating(80)), Vector256.MaxNative(Vector256.Create(T.CreateTruncating(-80)), u2));
        var (s, oneMinusS) = SigmoidPair(u2);
        var du = Vector256.Create(T.CreateTruncating(2 * Beta)) + Vector256.Create(T.CreateTruncating(6 * Beta * Kappa)) * x2;
        var d = s * (Vector256<T>.One + oneMinusS * x * du);
        // the saturated sigmoid may leave a tiny s at −∞ where PyTorch's formula gives ∞·0 = NaN
        d = Vector256.ConditionalSelect(Vector256.Equals(Vector256.Abs(x), Vector256.Create(T.PositiveInfinity)), Vector256.Create(T.NaN), d);
        return g * d;
    }

    /// <summary>sigmoid(v) and 1 − sigmoid(v) = e^{−v}·sigmoid(v), for |v| ≤ 80 or NaN.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static (Vector256<T> S, Vector256<T> OneMinusS) SigmoidPair(Vector256<T> v)
    {
        if (typeof(T) == typeof(float))
        {
            var ef = VMath.ExpFast(-v.AsSingle());
            var sf = Vector256<float>.One / (Vector256<float>.One + ef);
            return (sf.As<float, T>(), (ef * sf).As<float, T>());
        }
        var e = VMath.Exp(-v);
        var s = Vector256<T>.One / (Vector256<T>.One + e);
        return (s, e * s);
    }

    /// <summary>Φ(x) + x·φ(x) with Φ from the forward's rational tail Φ(−|x|) and the density from e^{−x²/2}.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> ErfForm(Vector256<float> x)
    {
        var h = VMath.NormalTail(Vector256.Abs(x));
        var e = VMath.ExpF(x * x * Vector256.Create(-0.5f)); // e^{−x²/2}, exactly 0 far out (so ±inf give ∞·0 = NaN, as PyTorch)
        var cdf = Vector256.ConditionalSelect(Vector256.LessThan(x, Vector256<float>.Zero), h, Vector256<float>.One - h);
        return Vector256.FusedMultiplyAdd(x, e * Vector256.Create((float)InvSqrt2Pi), cdf);
    }
}

/// <summary>sigmoid_backward(grad, y) = grad·(1 − y)·y (PyTorch's order of operations).</summary>
public struct SigmoidBackwardOp<T> : IBinary<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public bool Vectorized => true;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public T Invoke(T g, T y) => g * (T.One - y) * y;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public Vector256<T> Invoke(Vector256<T> g, Vector256<T> y) => g * (Vector256<T>.One - y) * y;
}

/// <summary>tanh_backward(grad, y) = grad·(1 − y²).</summary>
public struct TanhBackwardOp<T> : IBinary<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public bool Vectorized => true;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public T Invoke(T g, T y) => g * (T.One - y * y);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public Vector256<T> Invoke(Vector256<T> g, Vector256<T> y) => g * (Vector256<T>.One - y * y);
}

/// <summary>silu_backward(grad, x) = grad·s·(1 + x·(1 − s)), s = sigmoid(x); ±inf give NaN as in PyTorch.</summary>
public struct SiluBackwardOp<T> : IBinary<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public bool Vectorized => VMath.IsFloat<T>();
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public T Invoke(T g, T x)
    {
        var s = T.One / (T.One + T.Exp(-x));
        return g * s * (T.One + x * (T.One - s));
    }
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector256<T> Invoke(Vector256<T> g, Vector256<T> x)
    {
        // 1 − s as e^{−x}·s (precise where s → 1); x clamped to ±80 for the exp (NaN passes), sigmoid saturated there
        var xc = Vector256.MinNative(Vector256.Create(T.CreateTruncating(80)), Vector256.MaxNative(Vector256.Create(T.CreateTruncating(-80)), x));
        var (s, oneMinusS) = GeluBackwardOp<T>.SigmoidPair(xc);
        var d = s * (Vector256<T>.One + x * oneMinusS);
        d = Vector256.ConditionalSelect(Vector256.Equals(Vector256.Abs(x), Vector256.Create(T.PositiveInfinity)), Vector256.Create(T.NaN), d);
        return g * d;
    }
}

/// <summary>threshold_backward(grad, x, threshold) = x ≤ threshold ? 0 : grad (relu's derivative with threshold 0).</summary>
public readonly struct ThresholdBackwardOp<T>(T threshold) : IBinary<T> where T : unmanaged, INumber<T>
{
    public bool Vectorized => true;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public T Invoke(T g, T x) => x <= threshold ? T.Zero : g;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector256<T> Invoke(Vector256<T> g, Vector256<T> x)
        => Vector256.AndNot(g, Vector256.LessThanOrEqual(x, Vector256.Create(threshold)));
}

public enum ActBackward { Gelu, GeluTanh, Sigmoid, Tanh, Silu }

/// <summary>The fused activation derivatives of float/double tensors; the switch runs once per call.</summary>
public struct ActivationBackwardKernel(ActBackward fn) : IFloatBinaryKernel
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Run<T>(ReadOnlySpan<T> g, ReadOnlySpan<T> x, Span<T> z) where T : unmanaged, IFloatingPointIeee754<T>
    {
        switch (fn)
        {
            case ActBackward.Gelu: Pointwise.Zip(g, x, z, new GeluBackwardOp<T>(false)); break;
            case ActBackward.GeluTanh: Pointwise.Zip(g, x, z, new GeluBackwardOp<T>(true)); break;
            case ActBackward.Sigmoid: Pointwise.Zip(g, x, z, new SigmoidBackwardOp<T>()); break;
            case ActBackward.Tanh: Pointwise.Zip(g, x, z, new TanhBackwardOp<T>()); break;
            case ActBackward.Silu: Pointwise.Zip(g, x, z, new SiluBackwardOp<T>()); break;
        }
    }
}

/// <summary>threshold_backward for every numeric dtype.</summary>
public struct ThresholdBackwardKernel(double threshold) : INumericBinaryKernel
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Run<T>(ReadOnlySpan<T> g, ReadOnlySpan<T> x, Span<T> z) where T : unmanaged, INumber<T>
        => Pointwise.Zip(g, x, z, new ThresholdBackwardOp<T>(Conv.FromDouble<T>(threshold)));
}
