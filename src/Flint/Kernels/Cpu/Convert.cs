using System.Runtime.CompilerServices;

namespace Flint.Kernels.Cpu;

/// <summary>Element conversions between dtypes, with C++'s rules (float → int truncates toward zero, then wraps).</summary>
public static class Conv
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double ToDouble<T>(T v) where T : unmanaged
    {
        if (typeof(T) == typeof(float)) return (float)(object)v;
        if (typeof(T) == typeof(double)) return (double)(object)v;
        if (typeof(T) == typeof(long)) return (long)(object)v;
        if (typeof(T) == typeof(int)) return (int)(object)v;
        if (typeof(T) == typeof(short)) return (short)(object)v;
        if (typeof(T) == typeof(sbyte)) return (sbyte)(object)v;
        if (typeof(T) == typeof(byte)) return (byte)(object)v;
        if (typeof(T) == typeof(bool)) return (bool)(object)v ? 1 : 0;
        if (typeof(T) == typeof(Half)) return (double)(Half)(object)v;
        if (typeof(T) == typeof(BFloat16)) return (float)(BFloat16)(object)v;
        throw new NotSupportedException(typeof(T).Name);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static long ToInt64<T>(T v) where T : unmanaged
    {
        if (typeof(T) == typeof(long)) return (long)(object)v;
        if (typeof(T) == typeof(int)) return (int)(object)v;
        if (typeof(T) == typeof(short)) return (short)(object)v;
        if (typeof(T) == typeof(sbyte)) return (sbyte)(object)v;
        if (typeof(T) == typeof(byte)) return (byte)(object)v;
        if (typeof(T) == typeof(bool)) return (bool)(object)v ? 1 : 0;
        double d = ToDouble(v);
        return double.IsNaN(d) ? long.MinValue : d >= 9.2233720368547758e18 ? long.MinValue : d <= -9.2233720368547758e18 ? long.MinValue : (long)d;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T FromDouble<T>(double d) where T : unmanaged
    {
        if (typeof(T) == typeof(float)) return (T)(object)(float)d;
        if (typeof(T) == typeof(double)) return (T)(object)d;
        if (typeof(T) == typeof(Half)) return (T)(object)(Half)d;
        if (typeof(T) == typeof(BFloat16)) return (T)(object)(BFloat16)(float)d;
        if (typeof(T) == typeof(bool)) return (T)(object)(d != 0);
        long l = double.IsNaN(d) || Math.Abs(d) >= 9.2233720368547758e18 ? long.MinValue : (long)d;
        return FromInt64<T>(l);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T FromInt64<T>(long l) where T : unmanaged
    {
        if (typeof(T) == typeof(long)) return (T)(object)l;
        if (typeof(T) == typeof(int)) return (T)(object)unchecked((int)l);
        if (typeof(T) == typeof(short)) return (T)(object)unchecked((short)l);
        if (typeof(T) == typeof(sbyte)) return (T)(object)unchecked((sbyte)l);
        if (typeof(T) == typeof(byte)) return (T)(object)unchecked((byte)l);
        if (typeof(T) == typeof(bool)) return (T)(object)(l != 0);
        return FromDouble<T>(l);
    }

    public static bool IsIntegralType<T>() => typeof(T) == typeof(long) || typeof(T) == typeof(int) || typeof(T) == typeof(short)
        || typeof(T) == typeof(sbyte) || typeof(T) == typeof(byte) || typeof(T) == typeof(bool);

    /// <summary>Converts contiguous src into contiguous dst (same numel, any two dtypes).</summary>
    public static void Cast(Tensor src, Tensor dst)
    {
        if (src._numel == 0) return; // an empty view may sit past its storage's end (a column of an empty nonzero)
        switch (src.DType)
        {
            case DType.Float32: Cast1<float>(src, dst); break;
            case DType.Float64: Cast1<double>(src, dst); break;
            case DType.Int64: Cast1<long>(src, dst); break;
            case DType.Int32: Cast1<int>(src, dst); break;
            case DType.Int16: Cast1<short>(src, dst); break;
            case DType.Int8: Cast1<sbyte>(src, dst); break;
            case DType.UInt8: Cast1<byte>(src, dst); break;
            case DType.Bool: Cast1<bool>(src, dst); break;
            case DType.Float16: Cast1<Half>(src, dst); break;
            case DType.BFloat16: Cast1<BFloat16>(src, dst); break;
        }
    }

    private static void Cast1<TS>(Tensor src, Tensor dst) where TS : unmanaged
    {
        var s = src.StorageSpan<TS>().Slice(src._offset, src._numel);
        switch (dst.DType)
        {
            case DType.Float32: Loop(s, dst.StorageSpan<float>().Slice(dst._offset, dst._numel)); break;
            case DType.Float64: Loop(s, dst.StorageSpan<double>().Slice(dst._offset, dst._numel)); break;
            case DType.Int64: Loop(s, dst.StorageSpan<long>().Slice(dst._offset, dst._numel)); break;
            case DType.Int32: Loop(s, dst.StorageSpan<int>().Slice(dst._offset, dst._numel)); break;
            case DType.Int16: Loop(s, dst.StorageSpan<short>().Slice(dst._offset, dst._numel)); break;
            case DType.Int8: Loop(s, dst.StorageSpan<sbyte>().Slice(dst._offset, dst._numel)); break;
            case DType.UInt8: Loop(s, dst.StorageSpan<byte>().Slice(dst._offset, dst._numel)); break;
            case DType.Bool: Loop(s, dst.StorageSpan<bool>().Slice(dst._offset, dst._numel)); break;
            case DType.Float16: Loop(s, dst.StorageSpan<Half>().Slice(dst._offset, dst._numel)); break;
            case DType.BFloat16: Loop(s, dst.StorageSpan<BFloat16>().Slice(dst._offset, dst._numel)); break;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Loop<TS, TD>(ReadOnlySpan<TS> s, Span<TD> d) where TS : unmanaged where TD : unmanaged
    {
        if (typeof(TS) == typeof(float) && typeof(TD) == typeof(double))
        {
            System.Numerics.Tensors.TensorPrimitives.ConvertChecked<float, double>(
                System.Runtime.InteropServices.MemoryMarshal.Cast<TS, float>(s), System.Runtime.InteropServices.MemoryMarshal.Cast<TD, double>(d));
            return;
        }
        if (typeof(TS) == typeof(double) && typeof(TD) == typeof(float))
        {
            System.Numerics.Tensors.TensorPrimitives.ConvertTruncating<double, float>(
                System.Runtime.InteropServices.MemoryMarshal.Cast<TS, double>(s), System.Runtime.InteropServices.MemoryMarshal.Cast<TD, float>(d));
            return;
        }
        if (IsIntegralType<TS>() && IsIntegralType<TD>())
            for (int i = 0; i < s.Length; i++) d[i] = FromInt64<TD>(ToInt64(s[i]));
        else
            for (int i = 0; i < s.Length; i++) d[i] = FromDouble<TD>(ToDouble(s[i]));
    }
}
