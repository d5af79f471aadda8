using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;

namespace Flint.Kernels.Cpu;

/// <summary>The floating unary functions, one switch per chunk (not per element) in <see cref="FloatFnKernel"/>.</summary>
public enum FloatFn
{
    Exp, Exp2, Expm1, Log, Log2, Log10, Log1p, Sqrt, Rsqrt, Reciprocal,
    Sin, Cos, Tan, Asin, Acos, Atan, Sinh, Cosh, Tanh, Asinh, Acosh, Atanh, Sigmoid,
    Erf, Erfc, Erfinv, Lgamma, Digamma, Polygamma, Floor, Ceil, Trunc, Round, RoundDecimals, Frac, Logit, LogitEps,
}

/// <summary>
/// Floating unary kernels: TensorPrimitives where it has the function (vectorized and as fast as hand-written
/// loops), scalar loops over <see cref="SpecialFunctions"/> otherwise. P is the function's parameter
/// (round's decimals, logit's eps, polygamma's n).
/// </summary>
public struct FloatFnKernel(FloatFn fn, double p = 0) : IFloatUnaryKernel
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Run<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T>
    {
        switch (fn)
        {
            case FloatFn.Exp: TensorPrimitives.Exp(x, y); break;
            case FloatFn.Exp2: TensorPrimitives.Exp2(x, y); break;
            case FloatFn.Expm1: TensorPrimitives.ExpM1(x, y); break;
            case FloatFn.Log: TensorPrimitives.Log(x, y); break;
            case FloatFn.Log2: TensorPrimitives.Log2(x, y); break;
            case FloatFn.Log10: TensorPrimitives.Log10(x, y); break;
            case FloatFn.Log1p: for (int i = 0; i < y.Length; i++) y[i] = T.CreateTruncating(Log1p(double.CreateTruncating(x[i]))); break;
            case FloatFn.Sqrt: TensorPrimitives.Sqrt(x, y); break;
            case FloatFn.Rsqrt: TensorPrimitives.ReciprocalSqrt(x, y); break;
            case FloatFn.Reciprocal: TensorPrimitives.Reciprocal(x, y); break;
            case FloatFn.Sin: TensorPrimitives.Sin(x, y); break;
            case FloatFn.Cos: TensorPrimitives.Cos(x, y); break;
            case FloatFn.Tan: TensorPrimitives.Tan(x, y); break;
            case FloatFn.Asin: TensorPrimitives.Asin(x, y); break;
            case FloatFn.Acos: TensorPrimitives.Acos(x, y); break;
            case FloatFn.Atan: TensorPrimitives.Atan(x, y); break;
            case FloatFn.Sinh: TensorPrimitives.Sinh(x, y); break;
            case FloatFn.Cosh: TensorPrimitives.Cosh(x, y); break;
            case FloatFn.Tanh: TensorPrimitives.Tanh(x, y); break;
            case FloatFn.Asinh: TensorPrimitives.Asinh(x, y); break;
            case FloatFn.Acosh: TensorPrimitives.Acosh(x, y); break;
            case FloatFn.Atanh: TensorPrimitives.Atanh(x, y); break;
            case FloatFn.Sigmoid: Pointwise.MapChunk(x, y, new SigmoidOp<T>()); break;
            case FloatFn.Erf: Pointwise.MapChunk(x, y, new ErfOp<T>()); break;
            case FloatFn.Erfc: for (int i = 0; i < y.Length; i++) y[i] = T.CreateTruncating(SpecialFunctions.Erfc(double.CreateTruncating(x[i]))); break;
            case FloatFn.Erfinv: for (int i = 0; i < y.Length; i++) y[i] = T.CreateTruncating(SpecialFunctions.ErfInv(double.CreateTruncating(x[i]))); break;
            case FloatFn.Lgamma: for (int i = 0; i < y.Length; i++) y[i] = T.CreateTruncating(SpecialFunctions.Lgamma(double.CreateTruncating(x[i]))); break;
            case FloatFn.Digamma: for (int i = 0; i < y.Length; i++) y[i] = T.CreateTruncating(SpecialFunctions.Digamma(double.CreateTruncating(x[i]))); break;
            case FloatFn.Polygamma: for (int i = 0; i < y.Length; i++) y[i] = T.CreateTruncating(SpecialFunctions.Polygamma((int)p, double.CreateTruncating(x[i]))); break;
            case FloatFn.Floor: TensorPrimitives.Floor(x, y); break;
            case FloatFn.Ceil: TensorPrimitives.Ceiling(x, y); break;
            case FloatFn.Trunc: TensorPrimitives.Truncate(x, y); break;
            case FloatFn.Round: TensorPrimitives.Round(x, y); break; // half to even, as std::nearbyint
            case FloatFn.RoundDecimals:
            {
                // PyTorch: decimals > 0 → nearbyint(x·10ᵈ)/10ᵈ; decimals < 0 → nearbyint(x/10⁻ᵈ)·10⁻ᵈ, in the tensor's dtype.
                bool neg = p < 0;
                T ten = T.CreateTruncating(Math.Pow(10, Math.Abs(p)));
                for (int i = 0; i < y.Length; i++)
                    y[i] = neg ? T.Round(x[i] / ten) * ten : T.Round(x[i] * ten) / ten;
                break;
            }
            case FloatFn.Frac: for (int i = 0; i < y.Length; i++) y[i] = x[i] - T.Truncate(x[i]); break;
            case FloatFn.Logit: for (int i = 0; i < y.Length; i++) { var v = x[i]; y[i] = T.Log(v / (T.One - v)); } break;
            case FloatFn.LogitEps:
            {
                T lo = T.CreateTruncating(p), hi = T.One - lo;
                for (int i = 0; i < y.Length; i++) { var v = T.Clamp(x[i], lo, hi); y[i] = T.IsNaN(x[i]) ? x[i] : T.Log(v / (T.One - v)); }
                break;
            }
        }
    }

    /// <summary>log(1+x) accurate near 0 (the Goldberg trick), as C's log1p.</summary>
    public static double Log1p(double x)
    {
        double u = 1 + x;
        if (u == 1) return x;
        if (double.IsPositiveInfinity(u)) return u;
        return Math.Log(u) * x / (u - 1);
    }
}

/// <summary>Keep-dtype unary kernels for every numeric type: abs, neg, sign, square, clamp, copy (floor of ints).</summary>
public enum NumericFn { Abs, Neg, Sign, Identity, Clamp, Relu }

public struct NumericFnKernel(NumericFn fn, double lo = double.NegativeInfinity, double hi = double.PositiveInfinity) : INumericUnaryKernel
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Run<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, INumber<T>
    {
        switch (fn)
        {
            case NumericFn.Abs:
                if (typeof(T) == typeof(byte)) x.CopyTo(y);
                else if (typeof(T) == typeof(float) || typeof(T) == typeof(double)) TensorPrimitives.Abs(x, y);
                else for (int i = 0; i < y.Length; i++) y[i] = x[i] < T.Zero ? T.Zero - x[i] : x[i] == T.Zero ? T.Zero : x[i]; // wraps like C++ at MinValue
                break;
            case NumericFn.Neg:
                if (typeof(T) == typeof(float) || typeof(T) == typeof(double)) TensorPrimitives.Negate(x, y);
                else for (int i = 0; i < y.Length; i++) y[i] = T.Zero - x[i];
                break;
            case NumericFn.Sign:
                // (0 < v) − (v < 0), as PyTorch's kernel: zero for ±0 and for NaN
                for (int i = 0; i < y.Length; i++) { var v = x[i]; y[i] = v > T.Zero ? T.One : v < T.Zero ? T.Zero - T.One : T.Zero; }
                break;
            case NumericFn.Identity: x.CopyTo(y); break;
            case NumericFn.Clamp: Pointwise.Map(x, y, new ClampOp<T>(lo, hi)); break;
            case NumericFn.Relu: Pointwise.Map(x, y, new ClampOp<T>(0, double.PositiveInfinity)); break;
        }
    }
}
