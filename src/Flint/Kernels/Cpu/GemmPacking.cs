using System.Runtime.CompilerServices;

namespace Flint.Kernels.Cpu;

/// <summary>
/// Copies blocks of A and B into the micro-panel layout the micro-kernels stream through:
/// contiguous, aligned, and zero-padded to whole MR / NR so edge tiles need no special kernel.
/// Any strides are accepted; unit-stride cases get a direct copy (this is what makes
/// transposed views free: the transpose happens here, once per block).
/// </summary>
internal static unsafe class GemmPacking<T> where T : unmanaged
{
    /// <summary>
    /// Packs rows [0,mc) × depth [0,kc) of A into ceil(mc/MR) panels; panel q starts at
    /// dst + q*MR*kc and holds element (q*MR + r, p) at [p*MR + r].
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void PackA(int mr, int mc, int kc, T* a, nint rsA, nint csA, T* dst)
    {
        int i0 = 0;
        if (rsA == 1 && mc >= mr)
        {
            // Column-major A (a transposed row-major matrix, as in every weight gradient): walk the block one k at a
            // time, reading its mc values in one sequential run and handing MR of them to each panel. Panel by panel
            // instead, each step would jump a whole row of the source, and rows a power of two apart share a few
            // cache sets: the block would not stay in L1 between panels.
            int full = mc / mr;
            PackColumns(mr * sizeof(T), full, kc, (byte*)a, csA * sizeof(T), (byte*)dst, (nint)mr * kc * sizeof(T));
            i0 = full * mr;
            dst += (nint)full * mr * kc;
        }
        for (; i0 < mc; i0 += mr)
        {
            int rows = Math.Min(mr, mc - i0);
            T* src = a + i0 * rsA;
            if (csA == 1 && rows == mr && typeof(T) == typeof(float) && GemmPackAvx2.AppliesA(mr))
                GemmPackAvx2.PackAPanel(mr, kc, (float*)src, rsA, (float*)dst);
            else if (csA == 1)
            {
                // Row-major A: each row is read sequentially and scattered into a small (L1) panel.
                for (int r = 0; r < rows; r++)
                {
                    T* s = src + r * rsA; T* d = dst + r;
                    for (int p = 0; p < kc; p++) d[p * mr] = s[p];
                }
            }
            else
            {
                for (int r = 0; r < rows; r++)
                {
                    T* s = src + r * rsA; T* d = dst + r;
                    for (int p = 0; p < kc; p++) d[p * mr] = s[p * csA];
                }
            }
            if (rows < mr)
                for (int p = 0; p < kc; p++)
                    for (int r = rows; r < mr; r++) dst[p * mr + r] = default;
            dst += mr * kc;
        }
    }

    /// <summary>
    /// For each p in [0, kc): copies the `panels` runs of `bytes` bytes that lie back to back at src + p*srcStride, run q
    /// to dst + q*panelStride + p*bytes. The micro-panel widths get copies of constant size, which the JIT turns into a
    /// few vector moves (a call to memmove per run cost a third of the GEMM).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void PackColumns(int bytes, int panels, int kc, byte* src, nint srcStride, byte* dst, nint panelStride)
    {
        switch (bytes)
        {
            case 16: PackColumns<Bytes16>(panels, kc, src, srcStride, dst, panelStride); break;
            case 24: PackColumns<Bytes24>(panels, kc, src, srcStride, dst, panelStride); break;
            case 32: PackColumns<Bytes32>(panels, kc, src, srcStride, dst, panelStride); break;
            case 48: PackColumns<Bytes48>(panels, kc, src, srcStride, dst, panelStride); break;
            case 64: PackColumns<Bytes64>(panels, kc, src, srcStride, dst, panelStride); break;
            default:
                for (int p = 0; p < kc; p++)
                    for (int q = 0; q < panels; q++)
                        Unsafe.CopyBlockUnaligned(dst + q * panelStride + p * bytes, src + p * srcStride + q * bytes, (uint)bytes);
                break;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static void PackColumns<TRun>(int panels, int kc, byte* src, nint srcStride, byte* dst, nint panelStride) where TRun : unmanaged
    {
        int bytes = sizeof(TRun);
        for (int p = 0; p < kc; p++)
        {
            byte* s = src + p * srcStride, d = dst + p * bytes;
            for (int q = 0; q < panels; q++) Unsafe.WriteUnaligned(d + q * panelStride, Unsafe.ReadUnaligned<TRun>(s + q * bytes));
        }
    }

    [InlineArray(16)] struct Bytes16 { byte _b; }
    [InlineArray(24)] struct Bytes24 { byte _b; }
    [InlineArray(32)] struct Bytes32 { byte _b; }
    [InlineArray(48)] struct Bytes48 { byte _b; }
    [InlineArray(64)] struct Bytes64 { byte _b; }

    /// <summary>
    /// Packs depth [0,kc) × columns [0,nc) of B into ceil(nc/NR) panels; panel q starts at
    /// dst + q*NR*kc and holds element (p, q*NR + j) at [p*NR + j].
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void PackB(int nr, int nc, int kc, T* b, nint rsB, nint csB, T* dst)
    {
        for (int j0 = 0; j0 < nc; j0 += nr)
        {
            int cols = Math.Min(nr, nc - j0);
            T* src = b + j0 * csB;
            if (csB == 1 && cols == nr)
            {
                // Row-major B: all full panels at once, walking each row of B sequentially
                // (one pass per row streams better than 64 bytes from every row per panel).
                int full = (nc - j0) / nr;
                uint bytes = (uint)(nr * sizeof(T));
                nint panel = (nint)nr * kc;
                for (int p = 0; p < kc; p++)
                {
                    T* s = src + p * rsB; T* d = dst + p * nr;
                    for (int q = 0; q < full; q++) Unsafe.CopyBlockUnaligned(d + q * panel, s + q * nr, bytes);
                }
                j0 += (full - 1) * nr;
                dst += (full - 1) * panel;
            }
            else if (rsB == 1 && cols == nr && typeof(T) == typeof(float) && GemmPackAvx2.AppliesB(nr))
                GemmPackAvx2.PackBPanelColMajor(nr, kc, (float*)src, csB, (float*)dst);
            else if (rsB == 1)
            {
                // Column-major B (x @ W^T with row-major W, i.e. nn.Linear): read each column along k.
                for (int j = 0; j < cols; j++)
                {
                    T* s = src + j * csB; T* d = dst + j;
                    for (int p = 0; p < kc; p++) d[p * nr] = s[p];
                }
            }
            else
            {
                for (int p = 0; p < kc; p++)
                {
                    T* s = src + p * rsB; T* d = dst + p * nr;
                    for (int j = 0; j < cols; j++) d[j] = s[j * csB];
                }
            }
            if (cols < nr)
                for (int p = 0; p < kc; p++)
                    for (int j = cols; j < nr; j++) dst[p * nr + j] = default;
            dst += nr * kc;
        }
    }
}
