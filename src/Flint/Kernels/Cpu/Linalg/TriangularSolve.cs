namespace Flint.Kernels.Cpu.Linalg;

/// <summary>
/// Solves T·X = B in place for a triangular n×n T (element (i, j) at t[i·rs + j·cs], so T may be a transposed view)
/// and B an n×k row-major block (row stride ldb). Blocked: each diagonal block of <see cref="Block"/> rows is solved
/// by substitution, and its effect on the rows still to solve is one GEMM, which carries almost all the flops.
/// </summary>
internal static unsafe class TriangularSolve
{
    public const int Block = 64;

    public static void Left(double* t, nint rs, nint cs, int n, double* b, int k, int ldb, bool lower, bool unit)
    {
        if (n == 0 || k == 0) return;
        if (lower) Forward(t, rs, cs, n, b, k, ldb, unit);
        else Backward(t, rs, cs, n, b, k, ldb, unit);
    }

    static void Forward(double* t, nint rs, nint cs, int n, double* b, int k, int ldb, bool unit)
    {
        for (int j0 = 0; j0 < n; j0 += Block)
        {
            int j1 = Math.Min(n, j0 + Block);
            for (int r = j0; r < j1; r++)
            {
                double* br = b + (nint)r * ldb;
                for (int c = j0; c < r; c++) RowOps.Axpy(-t[r * rs + c * cs], b + (nint)c * ldb, br, k);
                if (!unit) RowOps.Scale(br, k, 1.0 / t[r * rs + r * cs]);
            }
            if (j1 < n)
                Gemm.Dgemm(n - j1, k, j1 - j0, -1.0, t + j1 * rs + j0 * cs, rs, cs, b + (nint)j0 * ldb, ldb, 1,
                    1.0, b + (nint)j1 * ldb, ldb, 1);
        }
    }

    static void Backward(double* t, nint rs, nint cs, int n, double* b, int k, int ldb, bool unit)
    {
        for (int j1 = n; j1 > 0; j1 -= Block)
        {
            int j0 = Math.Max(0, j1 - Block);
            for (int r = j1 - 1; r >= j0; r--)
            {
                double* br = b + (nint)r * ldb;
                for (int c = r + 1; c < j1; c++) RowOps.Axpy(-t[r * rs + c * cs], b + (nint)c * ldb, br, k);
                if (!unit) RowOps.Scale(br, k, 1.0 / t[r * rs + r * cs]);
            }
            if (j0 > 0)
                Gemm.Dgemm(j0, k, j1 - j0, -1.0, t + j0 * cs, rs, cs, b + (nint)j0 * ldb, ldb, 1,
                    1.0, b, ldb, 1);
        }
    }
}
