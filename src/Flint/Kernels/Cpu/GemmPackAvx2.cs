using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Flint.Kernels.Cpu;

/// <summary>
/// Vectorised packing of a row-major float A panel (the common case: packing A is a transpose,
/// and done one element at a time it cost ~4% of a large sgemm). Eight k values of up to eight
/// rows are loaded, transposed 8×8 in registers, and each k column (MR floats) stored at its
/// place in the panel. For MR = 6 the 8-wide stores overlap the next column by two floats,
/// which that column's store then overwrites; the last one spills two floats past the panel,
/// into the next panel (written later) or into the pack buffer's slack.
/// </summary>
internal static unsafe class GemmPackAvx2
{
    public static bool Applies(int mr) => Avx.IsSupported && mr >= 5 && mr <= 8;

    /// <summary>Packs one full panel: mr rows (5..8) of row-major A, depth kc, into dst[p*mr + r].</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void PackAPanel(int mr, int kc, float* src, nint rsA, float* dst)
    {
        // Rows past mr repeat the last row: their values land in the overlap and are overwritten.
        float* r0 = src, r1 = src + rsA, r2 = src + 2 * rsA, r3 = src + 3 * rsA, r4 = src + 4 * rsA;
        float* r5 = mr > 5 ? src + 5 * rsA : r4;
        float* r6 = mr > 6 ? src + 6 * rsA : r5;
        float* r7 = mr > 7 ? src + 7 * rsA : r6;
        int p = 0;
        for (; p + 8 <= kc; p += 8)
        {
            var t0 = Avx.UnpackLow(Avx.LoadVector256(r0 + p), Avx.LoadVector256(r1 + p));
            var t1 = Avx.UnpackHigh(Avx.LoadVector256(r0 + p), Avx.LoadVector256(r1 + p));
            var t2 = Avx.UnpackLow(Avx.LoadVector256(r2 + p), Avx.LoadVector256(r3 + p));
            var t3 = Avx.UnpackHigh(Avx.LoadVector256(r2 + p), Avx.LoadVector256(r3 + p));
            var t4 = Avx.UnpackLow(Avx.LoadVector256(r4 + p), Avx.LoadVector256(r5 + p));
            var t5 = Avx.UnpackHigh(Avx.LoadVector256(r4 + p), Avx.LoadVector256(r5 + p));
            var t6 = Avx.UnpackLow(Avx.LoadVector256(r6 + p), Avx.LoadVector256(r7 + p));
            var t7 = Avx.UnpackHigh(Avx.LoadVector256(r6 + p), Avx.LoadVector256(r7 + p));
            // u_c holds column c (rows 0-3) in its low lane and column c+4 in its high lane.
            var u0 = Avx.Shuffle(t0, t2, 0x44); var u1 = Avx.Shuffle(t0, t2, 0xEE);
            var u2 = Avx.Shuffle(t1, t3, 0x44); var u3 = Avx.Shuffle(t1, t3, 0xEE);
            var u4 = Avx.Shuffle(t4, t6, 0x44); var u5 = Avx.Shuffle(t4, t6, 0xEE);
            var u6 = Avx.Shuffle(t5, t7, 0x44); var u7 = Avx.Shuffle(t5, t7, 0xEE);
            float* d = dst + p * mr;
            Avx.Store(d, Avx.Permute2x128(u0, u4, 0x20));
            Avx.Store(d + mr, Avx.Permute2x128(u1, u5, 0x20));
            Avx.Store(d + 2 * mr, Avx.Permute2x128(u2, u6, 0x20));
            Avx.Store(d + 3 * mr, Avx.Permute2x128(u3, u7, 0x20));
            Avx.Store(d + 4 * mr, Avx.Permute2x128(u0, u4, 0x31));
            Avx.Store(d + 5 * mr, Avx.Permute2x128(u1, u5, 0x31));
            Avx.Store(d + 6 * mr, Avx.Permute2x128(u2, u6, 0x31));
            Avx.Store(d + 7 * mr, Avx.Permute2x128(u3, u7, 0x31));
        }
        for (; p < kc; p++)
        {
            float* d = dst + p * mr;
            for (int r = 0; r < mr; r++) d[r] = src[r * rsA + p];
        }
    }
}
