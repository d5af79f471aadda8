using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Flint.Kernels.Cpu;

/// <summary>
/// 6×8 double micro-kernel for AVX2+FMA: same register budget as the float 6×16 kernel
/// (12 ymm accumulators, 2 B vectors, 1 broadcast).
/// </summary>
internal unsafe struct DgemmKernelAvx2 : IGemmMicroKernel<double>
{
    public static int MR => 6;
    public static int NR => 8;
    public static int MC => 72;
    public static int KC => 256;
    public static int NC => 4096;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run(int kc, double* a, double* b, double* c, nint rsC, double alpha, double beta)
    {
        Vector256<double> c00 = default, c01 = default, c10 = default, c11 = default;
        Vector256<double> c20 = default, c21 = default, c30 = default, c31 = default;
        Vector256<double> c40 = default, c41 = default, c50 = default, c51 = default;
        for (int r = 0; r < 6; r++) { Sse.Prefetch0(c + r * rsC); Sse.Prefetch0(c + r * rsC + 7); }

        for (int p = 0; p < kc; p++)
        {
            Vector256<double> b0 = Avx.LoadAlignedVector256(b), b1 = Avx.LoadAlignedVector256(b + 4);
            Vector256<double> x = Avx.BroadcastScalarToVector256(a);
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
            a += 6; b += 8;
        }

        Store(c, alpha, beta, c00, c01);
        Store(c + rsC, alpha, beta, c10, c11);
        Store(c + 2 * rsC, alpha, beta, c20, c21);
        Store(c + 3 * rsC, alpha, beta, c30, c31);
        Store(c + 4 * rsC, alpha, beta, c40, c41);
        Store(c + 5 * rsC, alpha, beta, c50, c51);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void Store(double* c, double alpha, double beta, Vector256<double> v0, Vector256<double> v1)
    {
        if (beta == 0)
        {
            if (alpha != 1) { var va = Vector256.Create(alpha); v0 *= va; v1 *= va; }
        }
        else if (beta == 1 && alpha == 1)
        {
            v0 += Avx.LoadVector256(c); v1 += Avx.LoadVector256(c + 4);
        }
        else
        {
            var va = Vector256.Create(alpha); var vb = Vector256.Create(beta);
            v0 = Fma.MultiplyAdd(Avx.LoadVector256(c), vb, v0 * va);
            v1 = Fma.MultiplyAdd(Avx.LoadVector256(c + 4), vb, v1 * va);
        }
        Avx.Store(c, v0); Avx.Store(c + 4, v1);
    }
}
