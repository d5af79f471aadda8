using System.Numerics;
using System.Numerics.Tensors;

namespace Flint.Kernels.Cpu;

// Unary float kernels: TensorPrimitives is vectorized and as fast as hand-written loops for these.
public struct ExpK : IFloatUnaryKernel { public void Run<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Exp(x, y); }
public struct LogK : IFloatUnaryKernel { public void Run<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T> => TensorPrimitives.Log(x, y); }

public struct SubKernel : INumericBinaryKernel
{
    public void Run<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> z) where T : unmanaged, INumber<T> => Pointwise.Zip(a, b, z, new SubOp<T>());
}
