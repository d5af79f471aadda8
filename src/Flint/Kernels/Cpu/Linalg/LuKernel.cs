namespace Flint.Kernels.Cpu.Linalg;

/// <summary>
/// LU factorization with partial pivoting (LAPACK's getrf) of a row-major m×n matrix, in place: L (unit lower,
/// below the diagonal) and U (upper) packed together, and piv[j] = the row swapped with row j at step j (0-based).
/// Blocked right-looking: a panel of <see cref="Block"/> columns is factored by rank-1 steps, the block row of U to
/// its right by a triangular solve, and the trailing matrix is updated by one GEMM.
/// </summary>
internal static unsafe class LuKernel
{
    public const int Block = 64;

    /// <summary>Factors in place; returns 0, or the 1-based index of the first exactly zero pivot (LAPACK's info).</summary>
    public static int Factor(double* a, int m, int n, int lda, int* piv)
    {
        int k = Math.Min(m, n), info = 0;
        for (int j0 = 0; j0 < k; j0 += Block)
        {
            int jb = Math.Min(Block, k - j0), j1 = j0 + jb;
            for (int j = j0; j < j1; j++)
            {
                int p = j;
                double best = Math.Abs(a[(nint)j * lda + j]);
                for (int i = j + 1; i < m; i++)
                {
                    double v = Math.Abs(a[(nint)i * lda + j]);
                    if (v > best || double.IsNaN(v) && !double.IsNaN(best)) { best = v; p = i; }
                }
                piv[j] = p;
                if (p != j) RowOps.Swap(a + (nint)j * lda, a + (nint)p * lda, n);
                double pivot = a[(nint)j * lda + j];
                if (pivot == 0) { if (info == 0) info = j + 1; continue; }
                double inv = 1.0 / pivot;
                double* rowJ = a + (nint)j * lda;
                for (int i = j + 1; i < m; i++)
                {
                    double* rowI = a + (nint)i * lda;
                    double l = rowI[j] *= inv;
                    RowOps.Axpy(-l, rowJ + j + 1, rowI + j + 1, j1 - j - 1);
                }
            }
            if (j1 >= n) continue;
            // U12 = L11⁻¹·A12, then A22 -= L21·U12
            TriangularSolve.Left(a + (nint)j0 * lda + j0, lda, 1, jb, a + (nint)j0 * lda + j1, n - j1, lda, lower: true, unit: true);
            if (j1 < m)
                Gemm.Dgemm(m - j1, n - j1, jb, -1.0, a + (nint)j1 * lda + j0, lda, 1, a + (nint)j0 * lda + j1, lda, 1,
                    1.0, a + (nint)j1 * lda + j1, lda, 1);
        }
        return info;
    }

    /// <summary>
    /// Solves A·X = B (adjoint false) or Aᵀ·X = B (adjoint true) in place for the n×k row-major B, from A's packed
    /// factors (A = P·L·U, P the product of the recorded swaps).
    /// </summary>
    public static void Solve(double* lu, int n, int ldlu, int* piv, double* b, int k, int ldb, bool adjoint)
    {
        if (!adjoint)
        {
            for (int j = 0; j < n; j++) if (piv[j] != j) RowOps.Swap(b + (nint)j * ldb, b + (nint)piv[j] * ldb, k);
            TriangularSolve.Left(lu, ldlu, 1, n, b, k, ldb, lower: true, unit: true);
            TriangularSolve.Left(lu, ldlu, 1, n, b, k, ldb, lower: false, unit: false);
        }
        else
        {
            // Aᵀ = Uᵀ·Lᵀ·Pᵀ: Uᵀ is lower and Lᵀ upper; read them through swapped strides.
            TriangularSolve.Left(lu, 1, ldlu, n, b, k, ldb, lower: true, unit: false);
            TriangularSolve.Left(lu, 1, ldlu, n, b, k, ldb, lower: false, unit: true);
            for (int j = n - 1; j >= 0; j--) if (piv[j] != j) RowOps.Swap(b + (nint)j * ldb, b + (nint)piv[j] * ldb, k);
        }
    }
}
