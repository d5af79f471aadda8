using System.Numerics;
using System.Runtime.CompilerServices;

namespace Flint.Kernels.Cpu;

/// <summary>Three-input elementwise functions; each input is either of the output's length or one broadcast element.</summary>
public enum TernaryFn { Lerp, Addcmul, Addcdiv }

public struct TernaryKernel(TernaryFn fn, double value = 1)
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Run<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, ReadOnlySpan<T> c, Span<T> z) where T : unmanaged, INumber<T>
    {
        int n = z.Length;
        int sa = a.Length == n ? 1 : 0, sb = b.Length == n ? 1 : 0, sc = c.Length == n ? 1 : 0;
        T v = T.CreateTruncating(value), half = T.One / (T.One + T.One);
        switch (fn)
        {
            case TernaryFn.Lerp:
                // PyTorch's two-sided form: exact at weight 0 and 1
                for (int i = 0; i < n; i++)
                {
                    T s = a[i * sa], e = b[i * sb], w = c[i * sc];
                    z[i] = T.Abs(w) < half ? s + w * (e - s) : e - (e - s) * (T.One - w);
                }
                break;
            case TernaryFn.Addcmul: for (int i = 0; i < n; i++) z[i] = a[i * sa] + v * b[i * sb] * c[i * sc]; break;
            case TernaryFn.Addcdiv: for (int i = 0; i < n; i++) z[i] = a[i * sa] + v * (b[i * sb] / c[i * sc]); break;
        }
    }

    public void Run(Tensor a, Tensor b, Tensor c, Tensor z)
    {
        switch (z.DType)
        {
            case DType.Float32: Run<float>(KernelDispatch.Data<float>(a), KernelDispatch.Data<float>(b), KernelDispatch.Data<float>(c), KernelDispatch.Data<float>(z)); break;
            case DType.Float64: Run<double>(KernelDispatch.Data<double>(a), KernelDispatch.Data<double>(b), KernelDispatch.Data<double>(c), KernelDispatch.Data<double>(z)); break;
            case DType.Int64: Run<long>(KernelDispatch.Data<long>(a), KernelDispatch.Data<long>(b), KernelDispatch.Data<long>(c), KernelDispatch.Data<long>(z)); break;
            case DType.Int32: Run<int>(KernelDispatch.Data<int>(a), KernelDispatch.Data<int>(b), KernelDispatch.Data<int>(c), KernelDispatch.Data<int>(z)); break;
            case DType.Int16: Run<short>(KernelDispatch.Data<short>(a), KernelDispatch.Data<short>(b), KernelDispatch.Data<short>(c), KernelDispatch.Data<short>(z)); break;
            case DType.Int8: Run<sbyte>(KernelDispatch.Data<sbyte>(a), KernelDispatch.Data<sbyte>(b), KernelDispatch.Data<sbyte>(c), KernelDispatch.Data<sbyte>(z)); break;
            case DType.UInt8: Run<byte>(KernelDispatch.Data<byte>(a), KernelDispatch.Data<byte>(b), KernelDispatch.Data<byte>(c), KernelDispatch.Data<byte>(z)); break;
            default: throw new NotSupportedException(z.DType.Name());
        }
    }
}

/// <summary>where(cond, a, b) for any element type (copied bytewise by element size).</summary>
public static class WhereKernel
{
    public static void Run(Tensor cond, Tensor a, Tensor b, Tensor z)
    {
        switch (z.DType.ElementSize())
        {
            case 1: Run<byte>(KernelDispatch.Data<bool>(cond), Bytes<byte>(a), Bytes<byte>(b), Bytes<byte>(z)); break;
            case 2: Run<short>(KernelDispatch.Data<bool>(cond), Bytes<short>(a), Bytes<short>(b), Bytes<short>(z)); break;
            case 4: Run<int>(KernelDispatch.Data<bool>(cond), Bytes<int>(a), Bytes<int>(b), Bytes<int>(z)); break;
            default: Run<long>(KernelDispatch.Data<bool>(cond), Bytes<long>(a), Bytes<long>(b), Bytes<long>(z)); break;
        }
    }

    private static Span<T> Bytes<T>(Tensor t) where T : unmanaged
        => System.Runtime.InteropServices.MemoryMarshal.Cast<byte, T>(t._storage.RawBytes()).Slice(t._offset, t._numel);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Run<T>(ReadOnlySpan<bool> c, ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> z) where T : unmanaged
    {
        int n = z.Length;
        int sc = c.Length == n ? 1 : 0, sa = a.Length == n ? 1 : 0, sb = b.Length == n ? 1 : 0;
        for (int i = 0; i < n; i++) z[i] = c[i * sc] ? a[i * sa] : b[i * sb];
    }
}
