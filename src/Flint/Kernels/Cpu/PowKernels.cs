using System.Numerics;
using System.Runtime.CompilerServices;

namespace Flint.Kernels.Cpu;

/// <summary>
/// x^e for a scalar exponent with PyTorch's CPU specializations (pow_tensor_scalar_kernel): 0.5 → sqrt, −0.5 → 1/sqrt,
/// −1 → 1/x, 2 → x·x, 3 → x·x·x, −2 → 1/(x·x); any other exponent calls pow per element. (0 and 1 are a fill and a
/// copy, decided before the kernel, also as PyTorch.) The results match PyTorch's bit for bit where it specializes:
/// sqrt(−0) = −0 and sqrt(−inf) = NaN, not C pow's +0 and +inf.
/// </summary>
public readonly struct PowScalarKernel(double exponent) : IFloatUnaryKernel
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Run<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var kind = exponent switch
        {
            0.5 => PowKind.Sqrt, -0.5 => PowKind.Rsqrt, -1 => PowKind.Reciprocal, 2 => PowKind.Square, 3 => PowKind.Cube,
            -2 => PowKind.InvSquare, _ => PowKind.General,
        };
        if (kind == PowKind.General) Pointwise.MapChunk(x, y, new PowGeneralOp<T>(T.CreateTruncating(exponent)));
        else Pointwise.MapChunk(x, y, new PowSpecialOp<T>(kind));
    }
}

public enum PowKind { Sqrt, Rsqrt, Reciprocal, Square, Cube, InvSquare, General }

public readonly struct PowSpecialOp<T>(PowKind kind) : IUnary<T>, IBandwidthBound where T : unmanaged, IFloatingPointIeee754<T>
{
    public bool Vectorized => true;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public T Invoke(T x) => kind switch
    {
        PowKind.Sqrt => T.Sqrt(x),
        PowKind.Rsqrt => T.One / T.Sqrt(x),
        PowKind.Reciprocal => T.One / x,
        PowKind.Square => x * x,
        PowKind.Cube => x * x * x,
        _ => T.One / (x * x),
    };
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TV Invoke<TV>(TV x) where TV : struct, IVec<TV, T> => kind switch
    {
        PowKind.Sqrt => TV.Sqrt(x),
        PowKind.Rsqrt => TV.One / TV.Sqrt(x),
        PowKind.Reciprocal => TV.One / x,
        PowKind.Square => x * x,
        PowKind.Cube => x * x * x,
        _ => TV.One / (x * x),
    };
}

/// <summary>pow per element (C's pow semantics for the special values); no vector form.</summary>
public readonly struct PowGeneralOp<T>(T exponent) : IUnary<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public bool Vectorized => false;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public T Invoke(T x) => T.Pow(x, exponent);
    public TV Invoke<TV>(TV x) where TV : struct, IVec<TV, T> => x;
}
