using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
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
        Span<int> idx = stackalloc int[nd];
        idx.Clear();
        int outer = numel / inner;
        int so = srcOffset, dO = dstOffset;
        for (int o = 0; o < outer; o++)
        {
            T* s = src + so; T* d = dst + dO;
            if (sIn == 1 && dIn == 1) new ReadOnlySpan<T>(s, inner).CopyTo(new Span<T>(d, inner));
            else if (sIn == 0) { T v = *s; for (int i = 0; i < inner; i++) d[(nint)i * dIn] = v; }
            else for (int i = 0; i < inner; i++) d[(nint)i * dIn] = s[(nint)i * sIn];
            // advance the outer multi-index (odometer over dims nd-2 … 0)
            for (int dim = nd - 2; dim >= 0; dim--)
            {
                idx[dim]++;
                so += srcStrides[dim]; dO += dstStrides[dim];
                if (idx[dim] < sizes[dim]) break;
                so -= srcStrides[dim] * sizes[dim]; dO -= dstStrides[dim] * sizes[dim];
                idx[dim] = 0;
            }
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
            for (int dim = nd - 3; dim >= 0; dim--)
            {
                idx[dim]++;
                so += srcStrides[dim]; dO += dstStrides[dim];
                if (idx[dim] < sizes[dim]) break;
                so -= srcStrides[dim] * sizes[dim]; dO -= dstStrides[dim] * sizes[dim];
                idx[dim] = 0;
            }
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
                float* sp = s + i0 + j0 * sC;
                // v_k holds source column j0+k, rows i0..i0+7
                var v0 = Avx.LoadVector256(sp); var v1 = Avx.LoadVector256(sp + sC);
                var v2 = Avx.LoadVector256(sp + 2 * sC); var v3 = Avx.LoadVector256(sp + 3 * sC);
                var v4 = Avx.LoadVector256(sp + 4 * sC); var v5 = Avx.LoadVector256(sp + 5 * sC);
                var v6 = Avx.LoadVector256(sp + 6 * sC); var v7 = Avx.LoadVector256(sp + 7 * sC);
                var t0 = Avx.UnpackLow(v0, v1); var t1 = Avx.UnpackHigh(v0, v1);
                var t2 = Avx.UnpackLow(v2, v3); var t3 = Avx.UnpackHigh(v2, v3);
                var t4 = Avx.UnpackLow(v4, v5); var t5 = Avx.UnpackHigh(v4, v5);
                var t6 = Avx.UnpackLow(v6, v7); var t7 = Avx.UnpackHigh(v6, v7);
                var u0 = Avx.Shuffle(t0, t2, 0x44); var u1 = Avx.Shuffle(t0, t2, 0xEE);
                var u2 = Avx.Shuffle(t1, t3, 0x44); var u3 = Avx.Shuffle(t1, t3, 0xEE);
                var u4 = Avx.Shuffle(t4, t6, 0x44); var u5 = Avx.Shuffle(t4, t6, 0xEE);
                var u6 = Avx.Shuffle(t5, t7, 0x44); var u7 = Avx.Shuffle(t5, t7, 0xEE);
                float* dp = d + i0 * dR + j0;
                Avx.Store(dp, Avx.Permute2x128(u0, u4, 0x20));
                Avx.Store(dp + dR, Avx.Permute2x128(u1, u5, 0x20));
                Avx.Store(dp + 2 * dR, Avx.Permute2x128(u2, u6, 0x20));
                Avx.Store(dp + 3 * dR, Avx.Permute2x128(u3, u7, 0x20));
                Avx.Store(dp + 4 * dR, Avx.Permute2x128(u0, u4, 0x31));
                Avx.Store(dp + 5 * dR, Avx.Permute2x128(u1, u5, 0x31));
                Avx.Store(dp + 6 * dR, Avx.Permute2x128(u2, u6, 0x31));
                Avx.Store(dp + 7 * dR, Avx.Permute2x128(u3, u7, 0x31));
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
