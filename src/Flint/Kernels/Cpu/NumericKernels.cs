using System.Numerics;
using System.Runtime.CompilerServices;

namespace Flint.Kernels.Cpu;

/// <summary>A kernel written once for every numeric element type (float, double and the integers).</summary>
public interface INumericBinaryKernel
{
    void Run<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> z) where T : unmanaged, INumber<T>;
}

/// <summary>A one-input kernel for every numeric element type (abs, neg, sign, clamp …).</summary>
public interface INumericUnaryKernel
{
    void Run<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, INumber<T>;
}

/// <summary>A kernel for the integer types only (bitwise ops); bool runs as uint8.</summary>
public interface IIntegerBinaryKernel
{
    void Run<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> z) where T : unmanaged, IBinaryInteger<T>;
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

/// <summary>A predicate of one value (isnan …): writes bools.</summary>
public interface IPredicateKernel
{
    void Run<T>(ReadOnlySpan<T> x, Span<bool> y) where T : unmanaged, INumber<T>;
}

/// <summary>A predicate of two values (comparisons): writes bools; a or b may be a single broadcast element.</summary>
public interface ICompareKernel
{
    void Run<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<bool> z) where T : unmanaged, INumber<T>;
}

/// <summary>Runs a generic kernel on contiguous tensors by their dtype. Inputs and output share one dtype.</summary>
public static class KernelDispatch
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Span<T> Data<T>(Tensor t) where T : unmanaged => ((Storage<T>)t._storage).Span.Slice(t._offset, t._numel);

    private static NotSupportedException Unsupported(DType t) => new($"kernel for {t.Name()} is computed through another dtype");

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
            default: throw Unsupported(z.DType);
        }
    }

    public static void Numeric<TK>(Tensor x, Tensor y, TK k) where TK : struct, INumericUnaryKernel
    {
        switch (y.DType)
        {
            case DType.Float32: k.Run<float>(Data<float>(x), Data<float>(y)); break;
            case DType.Float64: k.Run<double>(Data<double>(x), Data<double>(y)); break;
            case DType.Int64: k.Run<long>(Data<long>(x), Data<long>(y)); break;
            case DType.Int32: k.Run<int>(Data<int>(x), Data<int>(y)); break;
            case DType.Int16: k.Run<short>(Data<short>(x), Data<short>(y)); break;
            case DType.Int8: k.Run<sbyte>(Data<sbyte>(x), Data<sbyte>(y)); break;
            case DType.UInt8: k.Run<byte>(Data<byte>(x), Data<byte>(y)); break;
            default: throw Unsupported(y.DType);
        }
    }

    public static void Integer<TK>(Tensor a, Tensor b, Tensor z, TK k) where TK : struct, IIntegerBinaryKernel
    {
        switch (z.DType)
        {
            case DType.Int64: k.Run<long>(Data<long>(a), Data<long>(b), Data<long>(z)); break;
            case DType.Int32: k.Run<int>(Data<int>(a), Data<int>(b), Data<int>(z)); break;
            case DType.Int16: k.Run<short>(Data<short>(a), Data<short>(b), Data<short>(z)); break;
            case DType.Int8: k.Run<sbyte>(Data<sbyte>(a), Data<sbyte>(b), Data<sbyte>(z)); break;
            case DType.UInt8: k.Run<byte>(Data<byte>(a), Data<byte>(b), Data<byte>(z)); break;
            default: throw Unsupported(z.DType);
        }
    }

    /// <summary>Float unary kernels run chunk by chunk, split over cores above the grain size.</summary>
    public static void Float<TK>(Tensor x, Tensor y, TK k) where TK : struct, IFloatUnaryKernel
    {
        switch (y.DType)
        {
            case DType.Float32: SpanParallel.Run<float, TK>(Data<float>(x), Data<float>(y), k); break;
            case DType.Float64: SpanParallel.Run<double, TK>(Data<double>(x), Data<double>(y), k); break;
            default: throw Unsupported(y.DType);
        }
    }

    public static void Float<TK>(Tensor a, Tensor b, Tensor z, TK k) where TK : struct, IFloatBinaryKernel
    {
        switch (z.DType)
        {
            case DType.Float32: k.Run<float>(Data<float>(a), Data<float>(b), Data<float>(z)); break;
            case DType.Float64: k.Run<double>(Data<double>(a), Data<double>(b), Data<double>(z)); break;
            default: throw Unsupported(z.DType);
        }
    }

    /// <summary>x in its compute dtype, y bool.</summary>
    public static void Predicate<TK>(Tensor x, Tensor y, TK k) where TK : struct, IPredicateKernel
    {
        var o = Data<bool>(y);
        switch (x.DType)
        {
            case DType.Float32: k.Run<float>(Data<float>(x), o); break;
            case DType.Float64: k.Run<double>(Data<double>(x), o); break;
            case DType.Int64: k.Run<long>(Data<long>(x), o); break;
            case DType.Int32: k.Run<int>(Data<int>(x), o); break;
            case DType.Int16: k.Run<short>(Data<short>(x), o); break;
            case DType.Int8: k.Run<sbyte>(Data<sbyte>(x), o); break;
            case DType.UInt8: k.Run<byte>(Data<byte>(x), o); break;
            default: throw Unsupported(x.DType);
        }
    }

    /// <summary>a and b in one compute dtype, z bool.</summary>
    public static void Compare<TK>(Tensor a, Tensor b, Tensor z, TK k) where TK : struct, ICompareKernel
    {
        var o = Data<bool>(z);
        switch (a.DType)
        {
            case DType.Float32: k.Run<float>(Data<float>(a), Data<float>(b), o); break;
            case DType.Float64: k.Run<double>(Data<double>(a), Data<double>(b), o); break;
            case DType.Int64: k.Run<long>(Data<long>(a), Data<long>(b), o); break;
            case DType.Int32: k.Run<int>(Data<int>(a), Data<int>(b), o); break;
            case DType.Int16: k.Run<short>(Data<short>(a), Data<short>(b), o); break;
            case DType.Int8: k.Run<sbyte>(Data<sbyte>(a), Data<sbyte>(b), o); break;
            case DType.UInt8: k.Run<byte>(Data<byte>(a), Data<byte>(b), o); break;
            default: throw Unsupported(a.DType);
        }
    }
}

/// <summary>Runs a span kernel (TensorPrimitives-backed) over chunks, split over cores above the grain size.</summary>
public static unsafe class SpanParallel
{
    public static void Run<T, TK>(ReadOnlySpan<T> x, Span<T> y, TK k) where T : unmanaged, IFloatingPointIeee754<T> where TK : struct, IFloatUnaryKernel
    {
        if (y.Length < CpuParallel.DefaultGrain * 2) { k.Run(x, y); return; }
        fixed (T* px = x) fixed (T* py = y)
            CpuParallel.For(y.Length, new Job<T, TK> { X = px, Y = py, K = k });
    }

    private struct Job<T, TK> : IRangeJob where T : unmanaged, IFloatingPointIeee754<T> where TK : struct, IFloatUnaryKernel
    {
        public T* X, Y; public TK K;
        public void Run(int s, int e) => K.Run(new ReadOnlySpan<T>(X + s, e - s), new Span<T>(Y + s, e - s));
    }
}
