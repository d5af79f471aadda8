using System.Numerics;

namespace Flint.Kernels.Cpu;

/// <summary>
/// One GEMM problem, C = alpha*A@B + beta*C, as a value. With a row bias, C's old contents are not read:
/// C = alpha*A@B + beta*bias[j] (nn.Linear's addmm), the bias written into each tile just before its first product.
/// </summary>
internal readonly unsafe struct GemmArgs<T>(int m, int n, int k, T alpha, T* a, nint rsA, nint csA,
    T* b, nint rsB, nint csB, T beta, T* c, nint rsC, nint csC, T* bias = null, nint csBias = 0) where T : unmanaged, INumber<T>
{
    /// <summary>Row bias (null: none); element j at Bias[j*CsBias].</summary>
    public readonly T* Bias = bias;
    public readonly nint CsBias = csBias;
    public readonly int M = m, N = n, K = k;
    public readonly T Alpha = alpha, Beta = beta;
    public readonly T* A = a, B = b, C = c;
    public readonly nint RsA = rsA, CsA = csA, RsB = rsB, CsB = csB, RsC = rsC, CsC = csC;

}
