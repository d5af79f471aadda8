using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Flint.Kernels.Cpu;

public struct AddOp<T> : IBinary<T> where T : unmanaged, INumber<T>
{
    public bool Vectorized => true;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public T Invoke(T a, T b) => a + b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public Vector256<T> Invoke(Vector256<T> a, Vector256<T> b) => a + b;
}

/// <summary>a + alpha·b (PyTorch's add with alpha; sub is alpha = −1).</summary>
public struct AddScaledOp<T>(T alpha) : IBinary<T> where T : unmanaged, INumber<T>
{
    private readonly T _alpha = alpha;
    public bool Vectorized => true;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public T Invoke(T a, T b) => a + _alpha * b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public Vector256<T> Invoke(Vector256<T> a, Vector256<T> b) => a + Vector256.Create(_alpha) * b;
}

public struct SubOp<T> : IBinary<T> where T : unmanaged, INumber<T>
{
    public bool Vectorized => true;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public T Invoke(T a, T b) => a - b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public Vector256<T> Invoke(Vector256<T> a, Vector256<T> b) => a - b;
}

public struct MulOp<T> : IBinary<T> where T : unmanaged, INumber<T>
{
    public bool Vectorized => true;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public T Invoke(T a, T b) => a * b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public Vector256<T> Invoke(Vector256<T> a, Vector256<T> b) => a * b;
}

/// <summary>True division (float and double only: integer inputs are promoted before).</summary>
public struct DivOp<T> : IBinary<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public bool Vectorized => true;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public T Invoke(T a, T b) => a / b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public Vector256<T> Invoke(Vector256<T> a, Vector256<T> b) => a / b;
}

public struct AddKernel : INumericBinaryKernel
{
    public double Alpha;
    public void Run<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> z) where T : unmanaged, INumber<T>
    {
        if (Alpha == 1) Pointwise.Zip(a, b, z, new AddOp<T>());
        else Pointwise.Zip(a, b, z, new AddScaledOp<T>(Conv.FromDouble<T>(Alpha)));
    }
}

public struct MulKernel : INumericBinaryKernel
{
    public void Run<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> z) where T : unmanaged, INumber<T> => Pointwise.Zip(a, b, z, new MulOp<T>());
}

public struct DivKernel : IFloatBinaryKernel
{
    public void Run<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> z) where T : unmanaged, IFloatingPointIeee754<T> => Pointwise.Zip(a, b, z, new DivOp<T>());
}
