using System.Runtime.CompilerServices;

namespace Flint.Kernels.Cpu;

/// <summary>A kernel body written once, generic in the element type; <see cref="Typed.Run"/> picks T from a dtype.</summary>
public interface ITypedKernel
{
    void Run<T>() where T : unmanaged;
}

public static class Typed
{
    public static void Run<K>(DType dtype, ref K k) where K : struct, ITypedKernel
    {
        switch (dtype)
        {
            case DType.Float32: k.Run<float>(); break;
            case DType.Float64: k.Run<double>(); break;
            case DType.Int64: k.Run<long>(); break;
            case DType.Int32: k.Run<int>(); break;
            case DType.Int16: k.Run<short>(); break;
            case DType.Int8: k.Run<sbyte>(); break;
            case DType.UInt8: k.Run<byte>(); break;
            case DType.Bool: k.Run<bool>(); break;
            case DType.Float16: k.Run<Half>(); break;
            case DType.BFloat16: k.Run<BFloat16>(); break;
        }
    }

    /// <summary>Runs a copy-only kernel by element size (bits are moved, never interpreted).</summary>
    public static void RunBits<K>(DType dtype, ref K k) where K : struct, ITypedKernel
    {
        switch (dtype.ElementSize())
        {
            case 1: k.Run<byte>(); break;
            case 2: k.Run<short>(); break;
            case 4: k.Run<int>(); break;
            default: k.Run<long>(); break;
        }
    }

    /// <summary>The storage of a tensor reinterpreted as T (same element size).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Span<T> Bits<T>(Tensor t) where T : unmanaged
        => System.Runtime.InteropServices.MemoryMarshal.Cast<byte, T>(t._storage.RawBytes());
}

/// <summary>How scatter combines a source element with the destination.</summary>
public enum ScatterMode : byte { Copy, Add, Multiply }

/// <summary>Gather/scatter along one dim, with PyTorch's bounds errors.</summary>
public static class IndexKernels
{
    internal static Exception OutOfBounds(long j, int size, int dim)
        => new IndexOutOfRangeException($"index {j} is out of bounds for dimension {dim} with size {size}");

    /// <summary>out[i…] = self[i… with dim replaced by index[i…]]; out has index's shape (contiguous).</summary>
    public static void Gather(Tensor self, int dim, Tensor index, long[] idx, Tensor output)
    {
        var k = new GatherK { Self = self, Dim = dim, Index = index, Idx = idx, Out = output };
        Typed.RunBits(self.DType, ref k);
    }

    private struct GatherK : ITypedKernel
    {
        public Tensor Self, Index, Out; public int Dim; public long[] Idx;
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Run<T>() where T : unmanaged
        {
            var s = Typed.Bits<T>(Self); var o = Typed.Bits<T>(Out);
            var st = (int[])Self._strides.Clone();
            int ds = Self.Dim == 0 ? 0 : st[Dim], n = Self.Dim == 0 ? 1 : Self._sizes[Dim];
            if (Self.Dim > 0) st[Dim] = 0;
            var selfStrides = Self.Dim == 0 ? new int[Index.Dim] : st;
            // Outer dims through the walker; the last dim in a tight loop.
            int nd = Index.Dim, inner = nd == 0 ? 1 : Index._sizes[nd - 1];
            int sIn = nd == 0 ? 0 : selfStrides[nd - 1], oIn = nd == 0 ? 0 : Out._strides[nd - 1];
            var w = new StridedWalker(nd == 0 ? [] : Index._sizes[..^1], (selfStrides, Self._offset), (Out._strides, Out._offset));
            var off = w.Offsets;
            int i = 0;
            for (int r = 0; r < w.Count && inner > 0; r++)
            {
                int so = off[0], oo = off[1];
                for (int c = 0; c < inner; c++, i++)
                {
                    long j = Idx[i];
                    if ((ulong)j >= (ulong)n) throw OutOfBounds(j, n, Dim);
                    o[oo + c * oIn] = s[so + c * sIn + (int)j * ds];
                }
                w.Next();
            }
        }
    }

    /// <summary>self[i… with dim replaced by index[i…]] (op)= src[i…], over index's shape. self is written in place.</summary>
    public static void Scatter(Tensor self, int dim, Tensor index, long[] idx, Tensor src, ScatterMode mode)
    {
        if (src.DType != self.DType) src = src.CastRaw(self.DType);
        var k = new ScatterK { Self = self, Dim = dim, Index = index, Idx = idx, Src = src, Mode = mode };
        if (mode == ScatterMode.Copy) Typed.RunBits(self.DType, ref k); else Typed.Run(self.DType, ref k);
        self._storage.Version++;
    }

    private struct ScatterK : ITypedKernel
    {
        public Tensor Self, Index, Src; public int Dim; public long[] Idx; public ScatterMode Mode;
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Run<T>() where T : unmanaged
        {
            var s = Typed.Bits<T>(Self); var src = Typed.Bits<T>(Src);
            var st = (int[])Self._strides.Clone();
            int ds = Self.Dim == 0 ? 0 : st[Dim], n = Self.Dim == 0 ? 1 : Self._sizes[Dim];
            if (Self.Dim > 0) st[Dim] = 0;
            var srcStrides = Src.Dim == 0 ? new int[Index.Dim] : Src._strides;
            var selfStrides = Self.Dim == 0 ? new int[Index.Dim] : st;
            int nd = Index.Dim, inner = nd == 0 ? 1 : Index._sizes[nd - 1];
            int sIn = nd == 0 ? 0 : selfStrides[nd - 1], srcIn = nd == 0 ? 0 : srcStrides[nd - 1];
            var w = new StridedWalker(nd == 0 ? [] : Index._sizes[..^1], (selfStrides, Self._offset), (srcStrides, Src._offset));
            var off = w.Offsets;
            int i = 0;
            var mode = Mode;
            for (int r = 0; r < w.Count && inner > 0; r++)
            {
                int so = off[0], ro = off[1];
                for (int c = 0; c < inner; c++, i++)
                {
                    long j = Idx[i];
                    if ((ulong)j >= (ulong)n) throw OutOfBounds(j, n, Dim);
                    int at = so + c * sIn + (int)j * ds;
                    var v = src[ro + c * srcIn];
                    s[at] = mode switch { ScatterMode.Add => Elem.Add(s[at], v), ScatterMode.Multiply => Elem.Mul(s[at], v), _ => v };
                }
                w.Next();
            }
        }
    }
}
