using System.Runtime.CompilerServices;

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
        var ss = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, T>(src._storage.AsBytes());
        var ds = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, T>(dst._storage.AsBytes());
        fixed (T* s = ss) fixed (T* d = ds)
            Copy(s, src._offset, src._strides, d, dst._offset, dst._strides, dst._sizes);
    }
}
