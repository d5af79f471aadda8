using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;

namespace Flint.Kernels.Cpu;

/// <summary>Copies between arbitrary strided layouts of same-sized elements (the one general strided loop).</summary>
public static unsafe class StridedCopy
{
    /// <summary>dst[dstOffset + Σ i·dstStrides] = src[srcOffset + Σ i·srcStrides] for every index of sizes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Copy<T>(T* src, int srcOffset, ReadOnlySpan<int> srcStrides, T* dst, int dstOffset, ReadOnlySpan<int> dstStrides, ReadOnlySpan<int> sizes)
        where T : unmanaged
    {
        int nd = sizes.Length;
        int numel = 1;
        foreach (var s in sizes) numel *= s;
        if (numel == 0) return;
        if (nd == 0) { dst[dstOffset] = src[srcOffset]; return; }
        int inner = sizes[nd - 1], sIn = srcStrides[nd - 1], dIn = dstStrides[nd - 1];
        if (nd >= 2 && dIn == 1 && sIn > 1 && srcStrides[nd - 2] == 1 && inner >= 16 && sizes[nd - 2] >= 16)
        {
            CopyTransposedLastTwo(src, srcOffset, srcStrides, dst, dstOffset, dstStrides, sizes);
            return;
        }
        int outer = numel / inner;
        if ((long)numel * sizeof(T) >= ParallelMinBytes && outer >= 2 && CpuParallel.MaxThreads > 1)
        {
            // Large copies (cat, contiguous, clone of a strided gradient) run their rows on both cores.
            var job = new RowsJob<T>(src, srcOffset, srcStrides.ToArray(), dst, dstOffset, dstStrides.ToArray(), sizes.ToArray());
            CpuParallel.For(outer, job, Math.Max(1, (ParallelMinBytes / 2) / (inner * sizeof(T))));
            return;
        }
        Rows(src, srcOffset, srcStrides, dst, dstOffset, dstStrides, sizes, 0, outer);
    }

    /// <summary>Below this many bytes a copy runs on one thread (about where fork/join stops paying off).</summary>
    private const int ParallelMinBytes = 512 * 1024;

    private readonly struct RowsJob<T>(T* src, int srcOffset, int[] srcStrides, T* dst, int dstOffset, int[] dstStrides, int[] sizes)
        : IRangeJob where T : unmanaged
    {
        public void Run(int start, int end) => Rows(src, srcOffset, srcStrides, dst, dstOffset, dstStrides, sizes, start, end);
    }

    /// <summary>Copies rows [o0, o1) of the last dim, row o being the o-th index of the outer dims in row-major order.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Rows<T>(T* src, int srcOffset, ReadOnlySpan<int> srcStrides, T* dst, int dstOffset, ReadOnlySpan<int> dstStrides,
        ReadOnlySpan<int> sizes, int o0, int o1) where T : unmanaged
    {
        int nd = sizes.Length;
        int inner = sizes[nd - 1], sIn = srcStrides[nd - 1], dIn = dstStrides[nd - 1];
        Span<int> idx = stackalloc int[nd];
        idx.Clear();
        int so = srcOffset, dO = dstOffset;
        for (int dim = nd - 2, rem = o0; dim >= 0; dim--)
        {
            idx[dim] = rem % sizes[dim];
            rem /= sizes[dim];
            so += idx[dim] * srcStrides[dim]; dO += idx[dim] * dstStrides[dim];
        }
        for (int o = o0; o < o1; o++)
        {
            T* s = src + so; T* d = dst + dO;
            if (sIn == 1 && dIn == 1) new ReadOnlySpan<T>(s, inner).CopyTo(new Span<T>(d, inner));
            else if (sIn == 0) { T v = *s; for (int i = 0; i < inner; i++) d[(nint)i * dIn] = v; }
            else for (int i = 0; i < inner; i++) d[(nint)i * dIn] = s[(nint)i * sIn];
            Advance(idx, nd - 2, sizes, srcStrides, dstStrides, ref so, ref dO);
        }
    }

    /// <summary>Steps the outer multi-index (an odometer over dims last … 0) and both offsets with it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Advance(Span<int> idx, int last, ReadOnlySpan<int> sizes, ReadOnlySpan<int> srcStrides, ReadOnlySpan<int> dstStrides, ref int so, ref int dO)
    {
        for (int dim = last; dim >= 0; dim--)
        {
            idx[dim]++;
            so += srcStrides[dim]; dO += dstStrides[dim];
            if (idx[dim] < sizes[dim]) break;
            so -= srcStrides[dim] * sizes[dim]; dO -= dstStrides[dim] * sizes[dim];
            idx[dim] = 0;
        }
    }

    /// <summary>
    /// The source's last two dims are transposed relative to the destination (a .T being made contiguous, the most
    /// common strided copy in backward passes): copy in 32×32 tiles, so each tile's source cache lines are reused
    /// instead of one cache miss per element.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void CopyTransposedLastTwo<T>(T* src, int srcOffset, ReadOnlySpan<int> srcStrides, T* dst, int dstOffset, ReadOnlySpan<int> dstStrides, ReadOnlySpan<int> sizes)
        where T : unmanaged
    {
        const int Tile = 32;
        int nd = sizes.Length, rows = sizes[nd - 2], cols = sizes[nd - 1];
        nint sC = srcStrides[nd - 1], dR = dstStrides[nd - 2];
        int outer = 1;
        for (int d = 0; d < nd - 2; d++) outer *= sizes[d];
        Span<int> idx = stackalloc int[Math.Max(nd - 2, 1)];
        idx.Clear();
        int so = srcOffset, dO = dstOffset;
        for (int o = 0; o < outer; o++)
        {
            T* s = src + so; T* d = dst + dO;
            if (sizeof(T) == 4 && Avx.IsSupported)
                Transpose8x8Blocks((float*)s, sC, (float*)d, dR, rows, cols);
            else
            for (int i0 = 0; i0 < rows; i0 += Tile)
            {
                int i1 = Math.Min(rows, i0 + Tile);
                for (int j0 = 0; j0 < cols; j0 += Tile)
                {
                    int j1 = Math.Min(cols, j0 + Tile);
                    for (int i = i0; i < i1; i++)
                    {
                        T* drow = d + i * dR;
                        T* scol = s + i; // source row stride is 1
                        for (int j = j0; j < j1; j++) drow[j] = scol[j * sC];
                    }
                }
            }
            Advance(idx, nd - 3, sizes, srcStrides, dstStrides, ref so, ref dO);
        }
    }

    /// <summary>
    /// d[i, j] = s[i + j·sC] for 4-byte elements, in 8×8 blocks transposed in registers: each block reads 8 source
    /// runs of 8 and writes 8 destination runs of 8 (the element-by-element tile loop reads one source element per
    /// cache line, and at large power-of-two strides those lines all fall in one cache set). Edges go one by one.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Transpose8x8Blocks(float* s, nint sC, float* d, nint dR, int rows, int cols)
    {
        int r8 = rows & ~7, c8 = cols & ~7;
        for (int j0 = 0; j0 < c8; j0 += 8)
        {
            for (int i0 = 0; i0 < r8; i0 += 8)
            {
                // the 8 source runs are columns j0..j0+7 (rows i0..i0+7); transposed, they are destination rows
                float* sp = s + i0 + j0 * sC;
                GemmPackAvx2.Transpose8x8(sp, sp + sC, sp + 2 * sC, sp + 3 * sC, sp + 4 * sC, sp + 5 * sC, sp + 6 * sC, sp + 7 * sC,
                    d + i0 * dR + j0, dR);
            }
            for (int i = r8; i < rows; i++)
                for (int j = j0; j < j0 + 8; j++) d[i * dR + j] = s[i + j * sC];
        }
        for (int i = 0; i < rows; i++)
            for (int j = c8; j < cols; j++) d[i * dR + j] = s[i + j * sC];
    }

    /// <summary>Copies src's elements (any layout) into dst's layout; both must have the same dtype and shape.</summary>
    public static void Copy(Tensor src, Tensor dst)
    {
        switch (src.DType.ElementSize())
        {
            case 1: Run<byte>(src, dst); break;
            case 2: Run<short>(src, dst); break;
            case 4: Run<int>(src, dst); break;
            default: Run<long>(src, dst); break;
        }
    }

    private static void Run<T>(Tensor src, Tensor dst) where T : unmanaged
    {
        var ss = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, T>(src._storage.RawBytes());
        var ds = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, T>(dst._storage.RawBytes());
        fixed (T* s = ss) fixed (T* d = ds)
            Copy(s, src._offset, src._strides, d, dst._offset, dst._strides, dst._sizes);
    }
}
