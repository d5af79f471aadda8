using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Flint.Kernels.Cpu;

/// <summary>
/// 8×32 float micro-kernel for AVX-512F (Zen 4/5, Intel server parts): 16 zmm accumulators,
/// 2 B vectors and 1 broadcast use 19 of the 32 zmm registers; 16 independent FMAs per k step
/// keep two 512-bit FMA pipes busy, with 10 loads per 16 FMAs.
/// </summary>
internal unsafe struct SgemmKernelAvx512 : IGemmMicroKernel<float>
{
    public static int MR => 8;
    public static int NR => 32;
    public static int MC => 128;
    public static int KC => 256;
    public static int NC => 4096;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run(int kc, float* a, float* b, float* c, nint rsC, float alpha, float beta)
    {
        Vector512<float> c00 = default, c01 = default;
        Vector512<float> c10 = default, c11 = default;
        Vector512<float> c20 = default, c21 = default;
        Vector512<float> c30 = default, c31 = default;
        Vector512<float> c40 = default, c41 = default;
        Vector512<float> c50 = default, c51 = default;
        Vector512<float> c60 = default, c61 = default;
        Vector512<float> c70 = default, c71 = default;
        for (int r = 0; r < 8; r++) { Sse.Prefetch0(c + r * rsC); Sse.Prefetch0(c + r * rsC + 31); }

        for (int p = 0; p < kc; p++)
        {
            Vector512<float> b0 = Vector512.LoadAligned(b), b1 = Vector512.LoadAligned(b + 16);
            Vector512<float> x;
            x = Vector512.Create(a[0]);
            c00 = Vector512.FusedMultiplyAdd(x, b0, c00); c01 = Vector512.FusedMultiplyAdd(x, b1, c01);
            x = Vector512.Create(a[1]);
            c10 = Vector512.FusedMultiplyAdd(x, b0, c10); c11 = Vector512.FusedMultiplyAdd(x, b1, c11);
            x = Vector512.Create(a[2]);
            c20 = Vector512.FusedMultiplyAdd(x, b0, c20); c21 = Vector512.FusedMultiplyAdd(x, b1, c21);
            x = Vector512.Create(a[3]);
            c30 = Vector512.FusedMultiplyAdd(x, b0, c30); c31 = Vector512.FusedMultiplyAdd(x, b1, c31);
            x = Vector512.Create(a[4]);
            c40 = Vector512.FusedMultiplyAdd(x, b0, c40); c41 = Vector512.FusedMultiplyAdd(x, b1, c41);
            x = Vector512.Create(a[5]);
            c50 = Vector512.FusedMultiplyAdd(x, b0, c50); c51 = Vector512.FusedMultiplyAdd(x, b1, c51);
            x = Vector512.Create(a[6]);
            c60 = Vector512.FusedMultiplyAdd(x, b0, c60); c61 = Vector512.FusedMultiplyAdd(x, b1, c61);
            x = Vector512.Create(a[7]);
            c70 = Vector512.FusedMultiplyAdd(x, b0, c70); c71 = Vector512.FusedMultiplyAdd(x, b1, c71);
            a += 8; b += 32;
        }

        Store(c + 0 * rsC, alpha, beta, c00, c01);
        Store(c + 1 * rsC, alpha, beta, c10, c11);
        Store(c + 2 * rsC, alpha, beta, c20, c21);
        Store(c + 3 * rsC, alpha, beta, c30, c31);
        Store(c + 4 * rsC, alpha, beta, c40, c41);
        Store(c + 5 * rsC, alpha, beta, c50, c51);
        Store(c + 6 * rsC, alpha, beta, c60, c61);
        Store(c + 7 * rsC, alpha, beta, c70, c71);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void Store(float* c, float alpha, float beta, Vector512<float> v0, Vector512<float> v1)
    {
        if (beta == 0)
        {
            if (alpha != 1) { var va = Vector512.Create(alpha); v0 *= va; v1 *= va; }
        }
        else if (beta == 1 && alpha == 1)
        {
            v0 += Vector512.Load(c); v1 += Vector512.Load(c + 16);
        }
        else
        {
            var va = Vector512.Create(alpha); var vb = Vector512.Create(beta);
            v0 = Vector512.FusedMultiplyAdd(Vector512.Load(c), vb, v0 * va);
            v1 = Vector512.FusedMultiplyAdd(Vector512.Load(c + 16), vb, v1 * va);
        }
        Vector512.Store(v0, c); Vector512.Store(v1, c + 16);
    }
}
