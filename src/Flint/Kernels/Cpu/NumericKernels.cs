using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Flint.Kernels.Cpu;

/// <summary>A kernel written once for every numeric element type (float, double and the integers).</summary>
public interface INumericBinaryKernel
{
    void Run<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> z) where T : unmanaged, INumber<T>;
}

/// <summary>A kernel for float and double (transcendental functions); float16/bfloat16 compute through float.</summary>
public interface IFloatUnaryKernel
{
    void Run<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T>;
}

public interface IFloatBinaryKernel
{
    void Run<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> z) where T : unmanaged, IFloatingPointIeee754<T>;
}

/// <summary>Runs a generic kernel on contiguous tensors by their dtype. Inputs and output share one dtype.</summary>
public static class KernelDispatch
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Span<T> Data<T>(Tensor t) where T : unmanaged => ((Storage<T>)t._storage).Span.Slice(t._offset, t._numel);

    public static void Numeric<TK>(Tensor a, Tensor b, Tensor z, TK k) where TK : struct, INumericBinaryKernel
    {
        switch (z.DType)
        {
            case DType.Float32: k.Run<float>(Data<float>(a), Data<float>(b), Data<float>(z)); break;
            case DType.Float64: k.Run<double>(Data<double>(a), Data<double>(b), Data<double>(z)); break;
            case DType.Int64: k.Run<long>(Data<long>(a), Data<long>(b), Data<long>(z)); break;
            case DType.Int32: k.Run<int>(Data<int>(a), Data<int>(b), Data<int>(z)); break;
            case DType.Int16: k.Run<short>(Data<short>(a), Data<short>(b), Data<short>(z)); break;
            case DType.Int8: k.Run<sbyte>(Data<sbyte>(a), Data<sbyte>(b), Data<sbyte>(z)); break;
            case DType.UInt8: k.Run<byte>(Data<byte>(a), Data<byte>(b), Data<byte>(z)); break;
            default: throw new NotSupportedException($"kernel for {z.DType.Name()} is computed through another dtype");
        }
    }

    public static void Float<TK>(Tensor x, Tensor y, TK k) where TK : struct, IFloatUnaryKernel
    {
        switch (y.DType)
        {
            case DType.Float32: k.Run<float>(Data<float>(x), Data<float>(y)); break;
            case DType.Float64: k.Run<double>(Data<double>(x), Data<double>(y)); break;
            default: throw new NotSupportedException($"kernel for {y.DType.Name()} is computed through float32");
        }
    }

    public static void Float<TK>(Tensor a, Tensor b, Tensor z, TK k) where TK : struct, IFloatBinaryKernel
    {
        switch (z.DType)
        {
            case DType.Float32: k.Run<float>(Data<float>(a), Data<float>(b), Data<float>(z)); break;
            case DType.Float64: k.Run<double>(Data<double>(a), Data<double>(b), Data<double>(z)); break;
            default: throw new NotSupportedException($"kernel for {z.DType.Name()} is computed through float32");
        }
    }
}
