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

}
