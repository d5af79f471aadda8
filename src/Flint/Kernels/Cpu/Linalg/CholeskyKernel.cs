namespace Flint.Kernels.Cpu.Linalg;

/// <summary>
/// Cholesky factorization A = L·Lᵀ (LAPACK's potrf, lower) of a row-major n×n matrix, in place, reading only the
/// lower triangle and zeroing the upper one. Blocked right-looking: the diagonal block is factored by dot products,
/// the panel below it by substitution row by row, and the trailing matrix is updated by one GEMM.
/// </summary>
internal static unsafe class CholeskyKernel
{
    public const int Block = 64;

    /// <summary>Returns 0, or the order of the first leading minor that is not positive-definite (LAPACK's info).</summary>
    public static int Factor(double* a, int n, int lda)
    {
        for (int j0 = 0; j0 < n; j0 += Block)
        {
            int j1 = Math.Min(n, j0 + Block), jb = j1 - j0;
            for (int j = j0; j < j1; j++)
            {
                double* rowJ = a + (nint)j * lda;
                double d = rowJ[j] - RowOps.Dot(rowJ + j0, rowJ + j0, j - j0);
                if (!(d > 0)) return j + 1; // NaN fails too
                double ljj = rowJ[j] = Math.Sqrt(d);
                for (int i = j + 1; i < j1; i++)
                {
                    double* rowI = a + (nint)i * lda;
                    rowI[j] = (rowI[j] - RowOps.Dot(rowI + j0, rowJ + j0, j - j0)) / ljj;
                }
            }
            if (j1 == n) break;
            // L21 = A21·L11⁻ᵀ: each row x solves L11·x = a (forward substitution)
            for (int i = j1; i < n; i++)
            {
                double* rowI = a + (nint)i * lda;
                for (int j = j0; j < j1; j++)
                {
                    double* rowJ = a + (nint)j * lda;
                    rowI[j] = (rowI[j] - RowOps.Dot(rowI + j0, rowJ + j0, j - j0)) / rowJ[j];
                }
            }
            // A22 -= L21·L21ᵀ (the whole block: its upper part is ignored and zeroed at the end)
            double* l21 = a + (nint)j1 * lda + j0;
            Gemm.Dgemm(n - j1, n - j1, jb, -1.0, l21, lda, 1, l21, 1, lda, 1.0, a + (nint)j1 * lda + j1, lda, 1);
        }
        for (int i = 0; i < n; i++) new Span<double>(a + (nint)i * lda + i + 1, n - i - 1).Clear();
        return 0;
    }
}
