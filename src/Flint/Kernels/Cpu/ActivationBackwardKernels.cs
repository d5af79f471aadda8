using System.Numerics;
using System.Runtime.CompilerServices;

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
    public TV Invoke<TV>(TV g, TV x) where TV : struct, IVec<TV, T>
    {
        if (!tanh) return g * TV.ApplyAsFloat<GeluErfDerivative>(x);
        // ½(1 + t) = s and 1 − t² = 4s(1 − s) with s = sigmoid(2u): d = s·(1 + (1 − s)·x·(2β + 6βκx²)), where
        // 1 − s = e·s (e = e^{−2u}) keeps its relative precision when s → 1 (x·du grows like x³ and amplifies it).
        // 2u is clamped to ±80 (NaN passes), where sigmoid is saturated anyway, so that e·s never meets inf·0.
        var x2 = x * x;
        var u2 = TV.Create(T.CreateTruncating(2 * Beta)) * (x + TV.Create(T.CreateTruncating(Kappa)) * x2 * x);
        u2 = TV.MinNative(TV.Create(T.CreateTruncating(80)), TV.MaxNative(TV.Create(T.CreateTruncating(-80)), u2));
        var (s, oneMinusS) = SigmoidPair<TV>(u2);
        var du = TV.Create(T.CreateTruncating(2 * Beta)) + TV.Create(T.CreateTruncating(6 * Beta * Kappa)) * x2;
        var d = s * (TV.One + oneMinusS * x * du);
        // the saturated sigmoid may leave a tiny s at −∞ where PyTorch's formula gives ∞·0 = NaN
        return g * NaNAtInfinity(x, d);
    }

    /// <summary>d, or NaN where |x| is infinite (PyTorch's ∞·0 in the derivatives of gelu and silu).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static TV NaNAtInfinity<TV>(TV x, TV d) where TV : struct, IVec<TV, T>
        => TV.ConditionalSelect(TV.Equals(TV.Abs(x), TV.Create(T.PositiveInfinity)), TV.Create(T.NaN), d);

    /// <summary>sigmoid(v) and 1 − sigmoid(v) = e^{−v}·sigmoid(v), for |v| ≤ 80 or NaN.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static (TV S, TV OneMinusS) SigmoidPair<TV>(TV v) where TV : struct, IVec<TV, T>
    {
        var e = typeof(T) == typeof(float) ? TV.ApplyAsFloat<ExpFastFunction>(-v) : TV.Exp(-v);
        var s = TV.One / (TV.One + e);
        return (s, e * s);
    }

    /// <summary>Φ(x) + x·φ(x) for float vectors, Φ from the forward's rational tail Φ(−|x|), the density from e^{−x²/2}.</summary>
    private struct GeluErfDerivative : IFloatVectorFunction
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static TV Invoke<TV>(TV x) where TV : struct, IVec<TV, float>
        {
            var h = VMath.NormalTail(TV.Abs(x));
            var e = VMath.ExpF(x * x * TV.Create(-0.5f)); // e^{−x²/2}, exactly 0 far out (so ±inf give ∞·0 = NaN, as PyTorch)
            var cdf = TV.ConditionalSelect(TV.LessThan(x, TV.Zero), h, TV.One - h);
            return TV.FusedMultiplyAdd(x, e * TV.Create((float)InvSqrt2Pi), cdf);
        }
    }
}

/// <summary>sigmoid_backward(grad, y) = grad·(1 − y)·y (PyTorch's order of operations).</summary>
public struct SigmoidBackwardOp<T> : IBinary<T>, IBandwidthBound where T : unmanaged, IFloatingPointIeee754<T>
{
    public bool Vectorized => true;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public T Invoke(T g, T y) => g * (T.One - y) * y;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public TV Invoke<TV>(TV g, TV y) where TV : struct, IVec<TV, T> => g * (TV.One - y) * y;
}

/// <summary>tanh_backward(grad, y) = grad·(1 − y²).</summary>
public struct TanhBackwardOp<T> : IBinary<T>, IBandwidthBound where T : unmanaged, IFloatingPointIeee754<T>
{
    public bool Vectorized => true;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public T Invoke(T g, T y) => g * (T.One - y * y);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public TV Invoke<TV>(TV g, TV y) where TV : struct, IVec<TV, T> => g * (TV.One - y * y);
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
    public TV Invoke<TV>(TV g, TV x) where TV : struct, IVec<TV, T>
    {
        // 1 − s as e^{−x}·s (precise where s → 1); x clamped to ±80 for the exp (NaN passes), sigmoid saturated there
        var xc = TV.MinNative(TV.Create(T.CreateTruncating(80)), TV.MaxNative(TV.Create(T.CreateTruncating(-80)), x));
        var (s, oneMinusS) = GeluBackwardOp<T>.SigmoidPair<TV>(xc);
        return g * GeluBackwardOp<T>.NaNAtInfinity(x, s * (TV.One + x * oneMinusS));
    }
}

/// <summary>threshold_backward(grad, x, threshold) = x ≤ threshold ? 0 : grad (relu's derivative with threshold 0).</summary>
public readonly struct ThresholdBackwardOp<T>(T threshold) : IBinary<T>, IBandwidthBound where T : unmanaged, INumber<T>
{
    public bool Vectorized => true;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public T Invoke(T g, T x) => x <= threshold ? T.Zero : g;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TV Invoke<TV>(TV g, TV x) where TV : struct, IVec<TV, T>
        => TV.AndNot(g, TV.LessThanOrEqual(x, TV.Create(threshold)));
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
