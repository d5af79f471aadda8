using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;

namespace Flint.Kernels.Cpu;

public struct AddOp<T> : IBinary<T>, IBandwidthBound where T : unmanaged, INumber<T>
{
    public bool Vectorized => true;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public T Invoke(T a, T b) => a + b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public TV Invoke<TV>(TV a, TV b) where TV : struct, IVec<TV, T> => a + b;
}

/// <summary>a + alpha·b (PyTorch's add with alpha; sub is alpha = −1).</summary>
public struct AddScaledOp<T>(T alpha) : IBinary<T>, IBandwidthBound where T : unmanaged, INumber<T>
{
    private readonly T _alpha = alpha;
    public bool Vectorized => true;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public T Invoke(T a, T b) => a + _alpha * b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public TV Invoke<TV>(TV a, TV b) where TV : struct, IVec<TV, T> => a + TV.Create(_alpha) * b;
}

public struct SubOp<T> : IBinary<T>, IBandwidthBound where T : unmanaged, INumber<T>
{
    public bool Vectorized => true;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public T Invoke(T a, T b) => a - b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public TV Invoke<TV>(TV a, TV b) where TV : struct, IVec<TV, T> => a - b;
}

public struct MulOp<T> : IBinary<T>, IBandwidthBound where T : unmanaged, INumber<T>
{
    public bool Vectorized => true;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public T Invoke(T a, T b) => a * b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public TV Invoke<TV>(TV a, TV b) where TV : struct, IVec<TV, T> => a * b;
}

/// <summary>True division (float and double only: integer inputs are promoted before).</summary>
public struct DivOp<T> : IBinary<T>, IBandwidthBound where T : unmanaged, IFloatingPointIeee754<T>
{
    public bool Vectorized => true;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public T Invoke(T a, T b) => a / b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public TV Invoke<TV>(TV a, TV b) where TV : struct, IVec<TV, T> => a / b;
}

/// <summary>maximum/minimum propagate NaN; fmax/fmin prefer the number (IEEE maxNum).</summary>
public struct MaxMinOp<T>(bool max, bool number) : IBinary<T>, IBandwidthBound where T : unmanaged, INumber<T>
{
    public bool Vectorized => true;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public T Invoke(T a, T b)
    {
        if (number) return max ? T.MaxNumber(a, b) : T.MinNumber(a, b);
        if (T.IsNaN(a)) return a;
        if (T.IsNaN(b)) return b;
        return max ? (a > b ? a : b) : (a < b ? a : b);
    }
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TV Invoke<TV>(TV a, TV b) where TV : struct, IVec<TV, T>
        => number ? (max ? TV.MaxNumber(a, b) : TV.MinNumber(a, b)) : (max ? TV.Max(a, b) : TV.Min(a, b));
}

/// <summary>The integer-or-float binary functions that have no vector form here; C++'s semantics per element type.</summary>
public enum ScalarBinaryFn { DivTrunc, DivFloor, Remainder, Fmod, Pow }

public readonly struct ScalarBinaryOp<T>(ScalarBinaryFn fn) : IBinary<T> where T : unmanaged, INumber<T>
{
    public bool Vectorized => false;
    public TV Invoke<TV>(TV a, TV b) where TV : struct, IVec<TV, T> => a;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public T Invoke(T a, T b)
    {
        bool isFloat = typeof(T) == typeof(float) || typeof(T) == typeof(double);
        if (!isFloat && fn != ScalarBinaryFn.Pow && b == T.Zero) throw new DivideByZeroException("ZeroDivisionError");
        switch (fn)
        {
            case ScalarBinaryFn.DivTrunc: return isFloat ? T.CreateTruncating(Math.Truncate(double.CreateTruncating(a / b))) : a / b;
            case ScalarBinaryFn.DivFloor:
                if (isFloat) return T.CreateTruncating(FloorDivide(double.CreateTruncating(a), double.CreateTruncating(b)));
                {
                    var q = a / b;
                    if (a % b != T.Zero && (a < T.Zero) != (b < T.Zero)) q -= T.One;
                    return q;
                }
            case ScalarBinaryFn.Remainder:
            {
                var m = a % b;
                if (m != T.Zero && (b < T.Zero) != (m < T.Zero)) m += b;
                return m;
            }
            case ScalarBinaryFn.Fmod: return a % b;
            default:
                if (isFloat) return T.CreateTruncating(Math.Pow(double.CreateTruncating(a), double.CreateTruncating(b)));
                return IntPow(a, b);
        }
    }

    /// <summary>PyTorch's div_floor for floats: floor of the true quotient, computed from fmod to stay exact.</summary>
    public static double FloorDivide(double a, double b)
    {
        if (b == 0) return a / b;
        double mod = a % b;
        double div = (a - mod) / b;
        if (mod != 0 && (b < 0) != (mod < 0)) div -= 1;
        double floordiv;
        if (div != 0)
        {
            floordiv = Math.Floor(div);
            if (div - floordiv > 0.5) floordiv += 1;
        }
        else floordiv = Math.CopySign(0, a / b);
        return floordiv;
    }

    private static T IntPow(T a, T b)
    {
        if (b < T.Zero)
        {
            if (a == T.One) return T.One;
            if (a == T.Zero - T.One) return long.CreateTruncating(b) % 2 == 0 ? T.One : a;
            return T.Zero;
        }
        T result = T.One;
        long e = long.CreateTruncating(b);
        while (e > 0)
        {
            if ((e & 1) != 0) result *= a;
            a *= a;
            e >>= 1;
        }
        return result;
    }
}

/// <summary>Floating binary functions: atan2, hypot, pow, with TensorPrimitives when both sides are full spans.</summary>
public enum FloatBinaryFn { Atan2, Hypot, Pow }

public struct FloatBinaryKernel(FloatBinaryFn fn) : IFloatBinaryKernel
{
    public void Run<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> z) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (a.Length == z.Length && b.Length == z.Length && z.Length > 1)
        {
            switch (fn)
            {
                case FloatBinaryFn.Atan2: TensorPrimitives.Atan2(a, b, z); return;
                case FloatBinaryFn.Hypot: TensorPrimitives.Hypot(a, b, z); return;
            }
        }
        bool aS = a.Length == 1 && z.Length > 1, bS = b.Length == 1 && z.Length > 1;
        for (int i = 0; i < z.Length; i++)
        {
            T x = a[aS ? 0 : i], y = b[bS ? 0 : i];
            z[i] = fn switch
            {
                FloatBinaryFn.Atan2 => T.Atan2(x, y),
                FloatBinaryFn.Hypot => T.Hypot(x, y),
                _ => T.Pow(x, y),
            };
        }
    }
}

/// <summary>The numeric binary ops, by name; one switch per call.</summary>
public enum NumericBinaryFn { Add, Sub, Mul, Maximum, Minimum, Fmax, Fmin, DivTrunc, DivFloor, Remainder, Fmod, Pow }

public struct NumericBinaryKernel(NumericBinaryFn fn, double alpha = 1) : INumericBinaryKernel
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Run<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> z) where T : unmanaged, INumber<T>
    {
        switch (fn)
        {
            case NumericBinaryFn.Add:
                if (alpha == 1) Pointwise.Zip(a, b, z, new AddOp<T>());
                else Pointwise.Zip(a, b, z, new AddScaledOp<T>(Conv.FromDouble<T>(alpha)));
                break;
            case NumericBinaryFn.Sub: Pointwise.Zip(a, b, z, new SubOp<T>()); break;
            case NumericBinaryFn.Mul: Pointwise.Zip(a, b, z, new MulOp<T>()); break;
            case NumericBinaryFn.Maximum: Pointwise.Zip(a, b, z, new MaxMinOp<T>(true, false)); break;
            case NumericBinaryFn.Minimum: Pointwise.Zip(a, b, z, new MaxMinOp<T>(false, false)); break;
            case NumericBinaryFn.Fmax: Pointwise.Zip(a, b, z, new MaxMinOp<T>(true, true)); break;
            case NumericBinaryFn.Fmin: Pointwise.Zip(a, b, z, new MaxMinOp<T>(false, true)); break;
            case NumericBinaryFn.DivTrunc: Pointwise.Zip(a, b, z, new ScalarBinaryOp<T>(ScalarBinaryFn.DivTrunc)); break;
            case NumericBinaryFn.DivFloor: Pointwise.Zip(a, b, z, new ScalarBinaryOp<T>(ScalarBinaryFn.DivFloor)); break;
            case NumericBinaryFn.Remainder: Pointwise.Zip(a, b, z, new ScalarBinaryOp<T>(ScalarBinaryFn.Remainder)); break;
            case NumericBinaryFn.Fmod: Pointwise.Zip(a, b, z, new ScalarBinaryOp<T>(ScalarBinaryFn.Fmod)); break;
            case NumericBinaryFn.Pow: Pointwise.Zip(a, b, z, new ScalarBinaryOp<T>(ScalarBinaryFn.Pow)); break;
        }
    }
}

public struct DivKernel : IFloatBinaryKernel
{
    public void Run<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> z) where T : unmanaged, IFloatingPointIeee754<T> => Pointwise.Zip(a, b, z, new DivOp<T>());
}

public enum BitwiseFn { And, Or, Xor }

public struct BitwiseOp<T>(BitwiseFn fn) : IBinary<T>, IBandwidthBound where T : unmanaged, IBinaryInteger<T>
{
    public bool Vectorized => true;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public T Invoke(T a, T b) => fn == BitwiseFn.And ? a & b : fn == BitwiseFn.Or ? a | b : a ^ b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TV Invoke<TV>(TV a, TV b) where TV : struct, IVec<TV, T> => fn == BitwiseFn.And ? a & b : fn == BitwiseFn.Or ? a | b : a ^ b;
}

public struct BitwiseKernel(BitwiseFn fn) : IIntegerBinaryKernel
{
    public void Run<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> z) where T : unmanaged, IBinaryInteger<T> => Pointwise.Zip(a, b, z, new BitwiseOp<T>(fn));
}

/// <summary>Comparisons and logical ops: two values of one compute dtype → bool.</summary>
public enum CompareFn { Eq, Ne, Lt, Le, Gt, Ge, LogicalAnd, LogicalOr, LogicalXor, IsClose, IsCloseEqualNan }

public struct CompareKernel(CompareFn fn, double rtol = 0, double atol = 0) : ICompareKernel
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Run<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<bool> z) where T : unmanaged, INumber<T>
    {
        bool aS = a.Length == 1 && z.Length != 1, bS = b.Length == 1 && z.Length != 1;
        switch (fn)
        {
            case CompareFn.Eq: for (int i = 0; i < z.Length; i++) z[i] = a[aS ? 0 : i] == b[bS ? 0 : i]; break;
            case CompareFn.Ne: for (int i = 0; i < z.Length; i++) z[i] = a[aS ? 0 : i] != b[bS ? 0 : i]; break;
            case CompareFn.Lt: for (int i = 0; i < z.Length; i++) z[i] = a[aS ? 0 : i] < b[bS ? 0 : i]; break;
            case CompareFn.Le: for (int i = 0; i < z.Length; i++) z[i] = a[aS ? 0 : i] <= b[bS ? 0 : i]; break;
            case CompareFn.Gt: for (int i = 0; i < z.Length; i++) z[i] = a[aS ? 0 : i] > b[bS ? 0 : i]; break;
            case CompareFn.Ge: for (int i = 0; i < z.Length; i++) z[i] = a[aS ? 0 : i] >= b[bS ? 0 : i]; break;
            case CompareFn.LogicalAnd: for (int i = 0; i < z.Length; i++) z[i] = a[aS ? 0 : i] != T.Zero && b[bS ? 0 : i] != T.Zero; break;
            case CompareFn.LogicalOr: for (int i = 0; i < z.Length; i++) z[i] = a[aS ? 0 : i] != T.Zero || b[bS ? 0 : i] != T.Zero; break;
            case CompareFn.LogicalXor: for (int i = 0; i < z.Length; i++) z[i] = (a[aS ? 0 : i] != T.Zero) != (b[bS ? 0 : i] != T.Zero); break;
            default:
            {
                bool equalNan = fn == CompareFn.IsCloseEqualNan;
                for (int i = 0; i < z.Length; i++)
                {
                    double x = double.CreateTruncating(a[aS ? 0 : i]), y = double.CreateTruncating(b[bS ? 0 : i]);
                    // |x − y| ≤ atol + rtol·|y|, exact equality for infinities, NaN equal to NaN when asked
                    z[i] = x == y || (equalNan && double.IsNaN(x) && double.IsNaN(y))
                        || (double.IsFinite(x) && double.IsFinite(y) && Math.Abs(x - y) <= atol + rtol * Math.Abs(y));
                }
                break;
            }
        }
    }
}

/// <summary>isnan, isinf, isposinf, isneginf, isfinite; nonzero (for logical_not / bool casts).</summary>
public enum PredicateFn { IsNan, IsInf, IsPosInf, IsNegInf, IsFinite, IsZero }

public struct PredicateKernel(PredicateFn fn) : IPredicateKernel
{
    public void Run<T>(ReadOnlySpan<T> x, Span<bool> y) where T : unmanaged, INumber<T>
    {
        switch (fn)
        {
            case PredicateFn.IsNan: for (int i = 0; i < y.Length; i++) y[i] = T.IsNaN(x[i]); break;
            case PredicateFn.IsInf: for (int i = 0; i < y.Length; i++) y[i] = T.IsInfinity(x[i]); break;
            case PredicateFn.IsPosInf: for (int i = 0; i < y.Length; i++) y[i] = T.IsPositiveInfinity(x[i]); break;
            case PredicateFn.IsNegInf: for (int i = 0; i < y.Length; i++) y[i] = T.IsNegativeInfinity(x[i]); break;
            case PredicateFn.IsFinite: for (int i = 0; i < y.Length; i++) y[i] = T.IsFinite(x[i]); break;
            case PredicateFn.IsZero: for (int i = 0; i < y.Length; i++) y[i] = x[i] == T.Zero; break;
        }
    }
}
