using System.Runtime.CompilerServices;

namespace Flint.Kernels.Cpu;

/// <summary>Element arithmetic written once for every dtype (the JIT folds the type tests away).</summary>
public static class Elem
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Add<T>(T a, T b) where T : unmanaged
    {
        if (typeof(T) == typeof(float)) return (T)(object)((float)(object)a + (float)(object)b);
        if (typeof(T) == typeof(double)) return (T)(object)((double)(object)a + (double)(object)b);
        if (typeof(T) == typeof(long)) return (T)(object)((long)(object)a + (long)(object)b);
        if (typeof(T) == typeof(int)) return (T)(object)((int)(object)a + (int)(object)b);
        if (typeof(T) == typeof(short)) return (T)(object)(short)((short)(object)a + (short)(object)b);
        if (typeof(T) == typeof(sbyte)) return (T)(object)(sbyte)((sbyte)(object)a + (sbyte)(object)b);
        if (typeof(T) == typeof(byte)) return (T)(object)(byte)((byte)(object)a + (byte)(object)b);
        if (typeof(T) == typeof(bool)) return (T)(object)((bool)(object)a | (bool)(object)b);
        if (typeof(T) == typeof(Half)) return (T)(object)(Half)((float)(Half)(object)a + (float)(Half)(object)b);
        if (typeof(T) == typeof(BFloat16)) return (T)(object)(BFloat16)((float)(BFloat16)(object)a + (float)(BFloat16)(object)b);
        throw new NotSupportedException(typeof(T).Name);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Mul<T>(T a, T b) where T : unmanaged
    {
        if (typeof(T) == typeof(float)) return (T)(object)((float)(object)a * (float)(object)b);
        if (typeof(T) == typeof(double)) return (T)(object)((double)(object)a * (double)(object)b);
        if (typeof(T) == typeof(long)) return (T)(object)((long)(object)a * (long)(object)b);
        if (typeof(T) == typeof(int)) return (T)(object)((int)(object)a * (int)(object)b);
        if (typeof(T) == typeof(short)) return (T)(object)(short)((short)(object)a * (short)(object)b);
        if (typeof(T) == typeof(sbyte)) return (T)(object)(sbyte)((sbyte)(object)a * (sbyte)(object)b);
        if (typeof(T) == typeof(byte)) return (T)(object)(byte)((byte)(object)a * (byte)(object)b);
        if (typeof(T) == typeof(bool)) return (T)(object)((bool)(object)a & (bool)(object)b);
        return Conv.FromDouble<T>(Conv.ToDouble(a) * Conv.ToDouble(b));
    }

    /// <summary>Whether a value is non-zero (nonzero, masks).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool IsNonZero<T>(T v) where T : unmanaged
    {
        if (typeof(T) == typeof(bool)) return (bool)(object)v;
        if (typeof(T) == typeof(float)) return (float)(object)v != 0;
        if (typeof(T) == typeof(double)) return (double)(object)v != 0;
        if (typeof(T) == typeof(Half)) return (float)(Half)(object)v != 0;
        if (typeof(T) == typeof(BFloat16)) return (float)(BFloat16)(object)v != 0;
        return Conv.ToInt64(v) != 0;
    }
}

/// <summary>
/// Walks every multi-index of a shape, keeping the element offsets of up to three strided layouts in step
/// (the odometer the strided kernels share).
/// </summary>
public sealed class StridedWalker
{
    private readonly int[] _sizes, _idx;
    private readonly int[][] _strides;
    public readonly int[] Offsets;
    public readonly int Count;

    public StridedWalker(int[] sizes, params (int[] strides, int offset)[] layouts)
    {
        _sizes = sizes; _idx = new int[sizes.Length];
        _strides = new int[layouts.Length][];
        Offsets = new int[layouts.Length];
        for (int k = 0; k < layouts.Length; k++) { _strides[k] = layouts[k].strides; Offsets[k] = layouts[k].offset; }
        Count = ShapeUtil.Numel(sizes);
    }

    /// <summary>The current multi-index (valid between calls to Next).</summary>
    public ReadOnlySpan<int> Index => _idx;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Next()
    {
        for (int d = _sizes.Length - 1; d >= 0; d--)
        {
            _idx[d]++;
            for (int k = 0; k < Offsets.Length; k++) Offsets[k] += _strides[k][d];
            if (_idx[d] < _sizes[d]) return;
            for (int k = 0; k < Offsets.Length; k++) Offsets[k] -= _strides[k][d] * _sizes[d];
            _idx[d] = 0;
        }
    }
}

/// <summary>dst += src over a strided destination that may overlap itself (views of unfold/as_strided gradients).</summary>
public static class StridedAccumulate
{
    /// <summary>Adds src (any dtype, broadcastable) into dst's elements, one element at a time in index order.</summary>
    public static void AddInto(Tensor src, Tensor dst)
    {
        if (src.DType != dst.DType) src = src.CastRaw(dst.DType);
        if (!ShapeUtil.SameShape(src._sizes, dst._sizes)) src = src.ExpandRaw(dst._sizes);
        switch (dst.DType)
        {
            case DType.Float32: Run<float>(src, dst); break;
            case DType.Float64: Run<double>(src, dst); break;
            case DType.Int64: Run<long>(src, dst); break;
            case DType.Int32: Run<int>(src, dst); break;
            case DType.Int16: Run<short>(src, dst); break;
            case DType.Int8: Run<sbyte>(src, dst); break;
            case DType.UInt8: Run<byte>(src, dst); break;
            case DType.Bool: Run<bool>(src, dst); break;
            case DType.Float16: Run<Half>(src, dst); break;
            case DType.BFloat16: Run<BFloat16>(src, dst); break;
        }
        dst._storage.Version++;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Run<T>(Tensor src, Tensor dst) where T : unmanaged
    {
        var s = src.StorageSpan<T>(); var d = dst.StorageSpan<T>();
        int nd = dst.Dim, inner = nd == 0 ? 1 : dst._sizes[nd - 1];
        int sIn = nd == 0 ? 0 : src._strides[nd - 1], dIn = nd == 0 ? 0 : dst._strides[nd - 1];
        var w = new StridedWalker(nd == 0 ? [] : dst._sizes[..^1], (src._strides, src._offset), (dst._strides, dst._offset));
        var off = w.Offsets;
        for (int r = 0; r < w.Count && inner > 0; r++)
        {
            int so = off[0], dO = off[1];
            for (int c = 0; c < inner; c++)
            {
                int at = dO + c * dIn;
                d[at] = Elem.Add(d[at], s[so + c * sIn]);
            }
            w.Next();
        }
    }
}
