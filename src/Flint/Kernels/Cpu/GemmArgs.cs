using System.Numerics;

namespace Flint.Kernels.Cpu;

/// <summary>One GEMM problem, C = alpha*A@B + beta*C, as a value so sub-problems are cheap to cut.</summary>
internal readonly unsafe struct GemmArgs<T>(int m, int n, int k, T alpha, T* a, nint rsA, nint csA,
    T* b, nint rsB, nint csB, T beta, T* c, nint rsC, nint csC) where T : unmanaged, INumber<T>
{
    public readonly int M = m, N = n, K = k;
    public readonly T Alpha = alpha, Beta = beta;
    public readonly T* A = a, B = b, C = c;
    public readonly nint RsA = rsA, CsA = csA, RsB = rsB, CsB = csB, RsC = rsC, CsC = csC;

    /// <summary>Rows [i0, i1) of C.</summary>
    public GemmArgs<T> Rows(int i0, int i1) => new(i1 - i0, N, K, Alpha, A + i0 * RsA, RsA, CsA, B, RsB, CsB, Beta, C + i0 * RsC, RsC, CsC);
    /// <summary>Columns [j0, j1) of C.</summary>
    public GemmArgs<T> Cols(int j0, int j1) => new(M, j1 - j0, K, Alpha, A, RsA, CsA, B + j0 * CsB, RsB, CsB, Beta, C + j0 * CsC, RsC, CsC);
}
