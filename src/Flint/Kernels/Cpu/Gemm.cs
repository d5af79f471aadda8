using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;

namespace Flint.Kernels.Cpu;

/// <summary>
/// General matrix multiply: C = alpha * A@B + beta * C over strided matrices (element (i,j) of X
/// at X[i*rsX + j*csX], so transposed views need no copy). beta == 0 makes C write-only.
/// Tiny problems and vector × matrix go straight to <see cref="GemmSmall{T}"/>; everything else
/// runs the packed, register-tiled <see cref="GemmBlocked{T,K}"/> with the widest micro-kernel
/// the CPU has, split across threads above a work threshold.
/// </summary>
public static unsafe class Gemm
{
    static int s_threads = Environment.ProcessorCount;

    /// <summary>Threads a large GEMM may use (default: processor count).</summary>
    public static int Threads { get => s_threads; set => s_threads = Math.Max(1, value); }

    /// <summary>Test hook: pins the micro-kernel family (Auto = best supported).</summary>
    internal static GemmPath ForcePath { get; set; }
    /// <summary>Test hook: Auto, or always/never take the unpacked small path where it applies.</summary>
    internal static GemmSmallMode SmallMode { get; set; }

    /// <summary>Below this many multiply-adds one thread is faster than waking another.</summary>
    internal const long ParallelThreshold = 64L * 64 * 64;
    /// <summary>Up to this many multiply-adds the unpacked path beats packing.</summary>
    internal const long SmallThreshold = 24L * 24 * 24;

    public static void Sgemm(int m, int n, int k, float alpha, float* a, nint rsA, nint csA,
        float* b, nint rsB, nint csB, float beta, float* c, nint rsC, nint csC, float* bias = null, nint csBias = 0)
    {
        ResolveBias(m, n, k, alpha, ref beta, c, rsC, csC, ref bias, csBias);
        if (Trivial(m, n, k, alpha, beta, c, rsC, csC)) return;
        var args = new GemmArgs<float>(m, n, k, alpha, a, rsA, csA, b, rsB, csB, beta, c, rsC, csC, bias, csBias);
        if (TrySmall(in args)) return;
        switch (SelectPath())
        {
            case GemmPath.Avx512: GemmParallel<float, SgemmKernelAvx512>.Run(in args, Threads); break;
            case GemmPath.Avx2: GemmParallel<float, SgemmKernelAvx2>.Run(in args, Threads); break;
            default: GemmParallel<float, GemmKernelScalar<float>>.Run(in args, Threads); break;
        }
    }

    public static void Dgemm(int m, int n, int k, double alpha, double* a, nint rsA, nint csA,
        double* b, nint rsB, nint csB, double beta, double* c, nint rsC, nint csC, double* bias = null, nint csBias = 0)
    {
        ResolveBias(m, n, k, alpha, ref beta, c, rsC, csC, ref bias, csBias);
        if (Trivial(m, n, k, alpha, beta, c, rsC, csC)) return;
        var args = new GemmArgs<double>(m, n, k, alpha, a, rsA, csA, b, rsB, csB, beta, c, rsC, csC, bias, csBias);
        if (TrySmall(in args)) return;
        switch (SelectPath())
        {
            case GemmPath.Avx512: GemmParallel<double, DgemmKernelAvx512>.Run(in args, Threads); break;
            case GemmPath.Avx2: GemmParallel<double, DgemmKernelAvx2>.Run(in args, Threads); break;
            default: GemmParallel<double, GemmKernelScalar<double>>.Run(in args, Threads); break;
        }
    }

    internal static GemmPath SelectPath()
    {
        var p = ForcePath;
        if (p == GemmPath.Avx512 && !Avx512F.IsSupported) throw new PlatformNotSupportedException("AVX-512F");
        if (p == GemmPath.Avx2 && !(Avx2.IsSupported && Fma.IsSupported)) throw new PlatformNotSupportedException("AVX2+FMA");
        if (p != GemmPath.Auto) return p;
        if (Avx512F.IsSupported) return GemmPath.Avx512;
        if (Avx2.IsSupported && Fma.IsSupported) return GemmPath.Avx2;
        return GemmPath.Scalar;
    }

    /// <summary>
    /// A row bias (C = alpha·A@B + beta·bias[j]) stays for the packed drivers, which write it into each tile as they
    /// reach it. Where they do not run (tiny, empty or trivial problems) it is written into C up front and the GEMM
    /// accumulates onto it (beta 1). beta == 0 drops the bias, as it ignores C.
    /// </summary>
    static void ResolveBias<T>(int m, int n, int k, T alpha, ref T beta, T* c, nint rsC, nint csC, ref T* bias, nint csBias) where T : unmanaged, INumber<T>
    {
        if (bias == null) return;
        if (beta == T.Zero) { bias = null; return; }
        long work = (long)m * n * k;
        bool packed = k > 0 && alpha != T.Zero && !(SmallMode == GemmSmallMode.Always || work <= SmallThreshold || m == 1);
        if (packed) return;
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++) c[i * rsC + j * csC] = beta * bias[j * csBias];
        beta = T.One;
        bias = null;
    }

    /// <summary>Handles empty shapes, k == 0 and alpha == 0 (C = beta*C, never reading C when beta == 0).</summary>
    static bool Trivial<T>(int m, int n, int k, T alpha, T beta, T* c, nint rsC, nint csC) where T : unmanaged, INumber<T>
    {
        if (m < 0 || n < 0 || k < 0) throw new ArgumentOutOfRangeException(nameof(m), $"gemm sizes must be non-negative (m={m}, n={n}, k={k})");
        if (m == 0 || n == 0) return true;
        if (k != 0 && alpha != T.Zero) return false;
        if (beta == T.One) return true;
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
            {
                T* cij = c + i * rsC + j * csC;
                *cij = beta == T.Zero ? T.Zero : beta * *cij;
            }
        return true;
    }

    static bool TrySmall<T>(in GemmArgs<T> g) where T : unmanaged, INumber<T>
    {
        if (SmallMode == GemmSmallMode.Never) return false;
        if (!GemmSmall<T>.Supports(g.N, g.K, g.CsA, g.RsB, g.CsB, g.CsC)) return false;
        long work = (long)g.M * g.N * g.K;
        bool take = SmallMode == GemmSmallMode.Always || work <= SmallThreshold || g.M == 1;
        if (!take) return false;
        GemmParallel<T, GemmKernelScalar<T>>.RunSmall(in g, work >= ParallelThreshold ? Threads : 1);
        return true;
    }
}

internal enum GemmPath { Auto, Scalar, Avx2, Avx512 }
internal enum GemmSmallMode { Auto, Always, Never }
