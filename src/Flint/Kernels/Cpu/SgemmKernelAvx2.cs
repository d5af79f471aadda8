using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Flint.Kernels.Cpu;

/// <summary>
/// 6×16 float micro-kernel for AVX2+FMA (Haswell, Zen 1–5 without AVX-512).
/// 12 ymm accumulators + 2 B vectors + 1 broadcast = 15 of the 16 ymm registers, and 12
/// independent FMAs per k step cover the 2 FMA pipes × 4-cycle latency (needs ≥ 8 in flight).
/// Per k step: 2 aligned loads of B, 6 broadcasts of A, 12 FMAs.
/// </summary>
internal unsafe struct SgemmKernelAvx2 : IGemmMicroKernel<float>
{
    public static int MR => 6;
    public static int NR => 16;
    // Blocking for Zen 2/3 (32 KiB L1d, 512 KiB L2): the 16×256 B panel is 16 KiB (half of L1),
    // the 144×256 A block 144 KiB of L2. Measured flat within noise for MC 96–240, KC 192–512.
    public static int MC => 144;
    public static int KC => 256;
    public static int NC => 4096;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run(int kc, float* a, float* b, float* c, nint rsC, float alpha, float beta)
    {
        Vector256<float> c00 = default, c01 = default, c10 = default, c11 = default;
        Vector256<float> c20 = default, c21 = default, c30 = default, c31 = default;
        Vector256<float> c40 = default, c41 = default, c50 = default, c51 = default;

        // Pull the C tile toward L1 while the k loop runs (it is read only at the end).
        for (int r = 0; r < 6; r++) { Sse.Prefetch0(c + r * rsC); Sse.Prefetch0(c + r * rsC + 15); }

        // Unrolled by 2: halves the loop overhead without spilling accumulators.
        int p = 0;
        for (; p + 2 <= kc; p += 2)
        {
            Vector256<float> b0 = Avx.LoadAlignedVector256(b), b1 = Avx.LoadAlignedVector256(b + 8);
            Vector256<float> x = Avx.BroadcastScalarToVector256(a);
            c00 = Fma.MultiplyAdd(x, b0, c00); c01 = Fma.MultiplyAdd(x, b1, c01);
            x = Avx.BroadcastScalarToVector256(a + 1);
            c10 = Fma.MultiplyAdd(x, b0, c10); c11 = Fma.MultiplyAdd(x, b1, c11);
            x = Avx.BroadcastScalarToVector256(a + 2);
            c20 = Fma.MultiplyAdd(x, b0, c20); c21 = Fma.MultiplyAdd(x, b1, c21);
            x = Avx.BroadcastScalarToVector256(a + 3);
            c30 = Fma.MultiplyAdd(x, b0, c30); c31 = Fma.MultiplyAdd(x, b1, c31);
            x = Avx.BroadcastScalarToVector256(a + 4);
            c40 = Fma.MultiplyAdd(x, b0, c40); c41 = Fma.MultiplyAdd(x, b1, c41);
            x = Avx.BroadcastScalarToVector256(a + 5);
            c50 = Fma.MultiplyAdd(x, b0, c50); c51 = Fma.MultiplyAdd(x, b1, c51);

            b0 = Avx.LoadAlignedVector256(b + 16); b1 = Avx.LoadAlignedVector256(b + 24);
            x = Avx.BroadcastScalarToVector256(a + 6);
            c00 = Fma.MultiplyAdd(x, b0, c00); c01 = Fma.MultiplyAdd(x, b1, c01);
            x = Avx.BroadcastScalarToVector256(a + 7);
            c10 = Fma.MultiplyAdd(x, b0, c10); c11 = Fma.MultiplyAdd(x, b1, c11);
            x = Avx.BroadcastScalarToVector256(a + 8);
            c20 = Fma.MultiplyAdd(x, b0, c20); c21 = Fma.MultiplyAdd(x, b1, c21);
            x = Avx.BroadcastScalarToVector256(a + 9);
            c30 = Fma.MultiplyAdd(x, b0, c30); c31 = Fma.MultiplyAdd(x, b1, c31);
            x = Avx.BroadcastScalarToVector256(a + 10);
            c40 = Fma.MultiplyAdd(x, b0, c40); c41 = Fma.MultiplyAdd(x, b1, c41);
            x = Avx.BroadcastScalarToVector256(a + 11);
            c50 = Fma.MultiplyAdd(x, b0, c50); c51 = Fma.MultiplyAdd(x, b1, c51);
            a += 12; b += 32;
        }
        if (p < kc)
        {
            Vector256<float> b0 = Avx.LoadAlignedVector256(b), b1 = Avx.LoadAlignedVector256(b + 8);
            Vector256<float> x = Avx.BroadcastScalarToVector256(a);
            c00 = Fma.MultiplyAdd(x, b0, c00); c01 = Fma.MultiplyAdd(x, b1, c01);
            x = Avx.BroadcastScalarToVector256(a + 1);
            c10 = Fma.MultiplyAdd(x, b0, c10); c11 = Fma.MultiplyAdd(x, b1, c11);
            x = Avx.BroadcastScalarToVector256(a + 2);
            c20 = Fma.MultiplyAdd(x, b0, c20); c21 = Fma.MultiplyAdd(x, b1, c21);
            x = Avx.BroadcastScalarToVector256(a + 3);
            c30 = Fma.MultiplyAdd(x, b0, c30); c31 = Fma.MultiplyAdd(x, b1, c31);
            x = Avx.BroadcastScalarToVector256(a + 4);
            c40 = Fma.MultiplyAdd(x, b0, c40); c41 = Fma.MultiplyAdd(x, b1, c41);
            x = Avx.BroadcastScalarToVector256(a + 5);
            c50 = Fma.MultiplyAdd(x, b0, c50); c51 = Fma.MultiplyAdd(x, b1, c51);
        }

        Store(c, alpha, beta, c00, c01);
        Store(c + rsC, alpha, beta, c10, c11);
        Store(c + 2 * rsC, alpha, beta, c20, c21);
        Store(c + 3 * rsC, alpha, beta, c30, c31);
        Store(c + 4 * rsC, alpha, beta, c40, c41);
        Store(c + 5 * rsC, alpha, beta, c50, c51);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void Store(float* c, float alpha, float beta, Vector256<float> v0, Vector256<float> v1)
    {
        if (beta == 0f)
        {
            // Write-only: C may hold NaN garbage that must not leak in.
            if (alpha != 1f) { var va = Vector256.Create(alpha); v0 *= va; v1 *= va; }
        }
        else if (beta == 1f && alpha == 1f)
        {
            // The common case for every k block after the first: plain accumulate.
            v0 += Avx.LoadVector256(c); v1 += Avx.LoadVector256(c + 8);
        }
        else
        {
            var va = Vector256.Create(alpha); var vb = Vector256.Create(beta);
            v0 = Fma.MultiplyAdd(Avx.LoadVector256(c), vb, v0 * va);
            v1 = Fma.MultiplyAdd(Avx.LoadVector256(c + 8), vb, v1 * va);
        }
        Avx.Store(c, v0); Avx.Store(c + 8, v1);
    }
}
