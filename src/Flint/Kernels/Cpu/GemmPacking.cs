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
        for (int i0 = 0; i0 < mc; i0 += mr)
        {
            int rows = Math.Min(mr, mc - i0);
            T* src = a + i0 * rsA;
            if (rsA == 1 && rows == mr)
            {
                // Column-major A (e.g. a transposed row-major matrix): MR contiguous values per p.
                nuint bytes = (nuint)(mr * sizeof(T));
                for (int p = 0; p < kc; p++)
                    Unsafe.CopyBlockUnaligned(dst + p * mr, src + p * csA, (uint)bytes);
            }
            else if (csA == 1 && rows == mr && typeof(T) == typeof(float) && GemmPackAvx2.AppliesA(mr))
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
