using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Flint.Kernels.Cpu;

/// <summary>
/// Vectorised packing for the two float layouts whose packing is a transpose: row-major A
/// (A panels are k-major) and column-major B (x @ W^T, nn.Linear's forward). Element by element
/// these cost ~1 cycle per value, several percent of a large sgemm and up to half of a Linear-sized
/// one. Here 8 k values of 8 source lines are loaded, transposed 8×8 in registers and stored as
/// 8 k-rows of 8 values.
/// </summary>
internal static unsafe class GemmPackAvx2
{
    public static bool AppliesA(int mr) => Avx.IsSupported && mr >= 5 && mr <= 8;
    public static bool AppliesB(int nr) => Avx.IsSupported && nr % 8 == 0;

    /// <summary>
    /// One full A panel: mr rows (5..8) of row-major A, depth kc, into dst[p*mr + r]. For mr &lt; 8
    /// the 8-wide stores overlap the next k-row by 8-mr floats, which its own store then overwrites;
    /// the last one spills past the panel, into the next panel (packed later) or the buffer's slack.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void PackAPanel(int mr, int kc, float* src, nint rsA, float* dst)
    {
        // Rows past mr repeat the last row: their values land only in the overlap.
        float* r0 = src, r1 = src + rsA, r2 = src + 2 * rsA, r3 = src + 3 * rsA, r4 = src + 4 * rsA;
        float* r5 = mr > 5 ? src + 5 * rsA : r4;
        float* r6 = mr > 6 ? src + 6 * rsA : r5;
        float* r7 = mr > 7 ? src + 7 * rsA : r6;
        int p = 0;
        for (; p + 8 <= kc; p += 8)
            Transpose8x8(r0 + p, r1 + p, r2 + p, r3 + p, r4 + p, r5 + p, r6 + p, r7 + p, dst + p * mr, mr);
        for (; p < kc; p++)
            for (int r = 0; r < mr; r++) dst[p * mr + r] = src[r * rsA + p];
    }

    /// <summary>One full B panel of nr columns (multiple of 8) of column-major B (unit stride along k) into dst[p*nr + j].</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void PackBPanelColMajor(int nr, int kc, float* src, nint csB, float* dst)
    {
        for (int j = 0; j < nr; j += 8)
        {
            float* c0 = src + j * csB;
            int p = 0;
            for (; p + 8 <= kc; p += 8)
                Transpose8x8(c0 + p, c0 + csB + p, c0 + 2 * csB + p, c0 + 3 * csB + p,
                    c0 + 4 * csB + p, c0 + 5 * csB + p, c0 + 6 * csB + p, c0 + 7 * csB + p, dst + p * nr + j, nr);
            for (; p < kc; p++)
                for (int q = 0; q < 8; q++) dst[p * nr + j + q] = c0[q * csB + p];
        }
    }

    /// <summary>Loads 8 floats from each of 8 lines and stores column c of that 8×8 block at dst + c*stride.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Transpose8x8(float* l0, float* l1, float* l2, float* l3, float* l4, float* l5, float* l6, float* l7, float* dst, nint stride)
    {
        Vector256<float> x0 = Avx.LoadVector256(l0), x1 = Avx.LoadVector256(l1);
        Vector256<float> x2 = Avx.LoadVector256(l2), x3 = Avx.LoadVector256(l3);
        Vector256<float> x4 = Avx.LoadVector256(l4), x5 = Avx.LoadVector256(l5);
        Vector256<float> x6 = Avx.LoadVector256(l6), x7 = Avx.LoadVector256(l7);
        var t0 = Avx.UnpackLow(x0, x1); var t1 = Avx.UnpackHigh(x0, x1);
        var t2 = Avx.UnpackLow(x2, x3); var t3 = Avx.UnpackHigh(x2, x3);
        var t4 = Avx.UnpackLow(x4, x5); var t5 = Avx.UnpackHigh(x4, x5);
        var t6 = Avx.UnpackLow(x6, x7); var t7 = Avx.UnpackHigh(x6, x7);
        // u_c holds column c (lines 0-3) in its low lane and column c+4 in its high lane.
        var u0 = Avx.Shuffle(t0, t2, 0x44); var u1 = Avx.Shuffle(t0, t2, 0xEE);
        var u2 = Avx.Shuffle(t1, t3, 0x44); var u3 = Avx.Shuffle(t1, t3, 0xEE);
        var u4 = Avx.Shuffle(t4, t6, 0x44); var u5 = Avx.Shuffle(t4, t6, 0xEE);
        var u6 = Avx.Shuffle(t5, t7, 0x44); var u7 = Avx.Shuffle(t5, t7, 0xEE);
        Avx.Store(dst, Avx.Permute2x128(u0, u4, 0x20));
        Avx.Store(dst + stride, Avx.Permute2x128(u1, u5, 0x20));
        Avx.Store(dst + 2 * stride, Avx.Permute2x128(u2, u6, 0x20));
        Avx.Store(dst + 3 * stride, Avx.Permute2x128(u3, u7, 0x20));
        Avx.Store(dst + 4 * stride, Avx.Permute2x128(u0, u4, 0x31));
        Avx.Store(dst + 5 * stride, Avx.Permute2x128(u1, u5, 0x31));
        Avx.Store(dst + 6 * stride, Avx.Permute2x128(u2, u6, 0x31));
        Avx.Store(dst + 7 * stride, Avx.Permute2x128(u3, u7, 0x31));
    }
}
