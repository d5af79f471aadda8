namespace Flint.Kernels.Cpu.Linalg;

/// <summary>
/// Householder QR (LAPACK's geqrf / orgqr conventions) of a row-major m×n matrix. <see cref="Factor"/> leaves R in
/// the upper triangle and the reflectors' vectors below it (v = [1, a[j+1.., j]]), with H_j = I − tau_j·v·vᵀ and
/// A = H_0·…·H_{k−1}·R; R's diagonal has the sign LAPACK gives it (−sign of the pivot). Each reflector is applied
/// to the trailing rows as a sum of rows (w = vᵀ·C) and a rank-1 update, both over contiguous rows.
/// </summary>
internal static unsafe class QrKernel
{
    /// <summary>
    /// Factors in place. With perm (length n), columns are pivoted as LAPACK's geqp3 does (A·P = Q·R, the column of
    /// largest remaining norm first, so |R|'s diagonal decreases); perm[j] is the original index of column j.
    /// </summary>
    public static void Factor(double* a, int m, int n, int lda, double* tau, int[]? perm = null)
    {
        int k = Math.Min(m, n);
        var w = new double[Math.Max(n, 1)];
        double[]? norm2 = null, orig = null;
        if (perm is not null)
        {
            norm2 = new double[n]; orig = new double[n];
            for (int c = 0; c < n; c++) perm[c] = c;
            for (int i = 0; i < m; i++) for (int c = 0; c < n; c++) { double v = a[(nint)i * lda + c]; norm2[c] += v * v; }
            norm2.AsSpan().CopyTo(orig);
        }
        fixed (double* wp = w)
            for (int j = 0; j < k; j++)
            {
                if (perm is not null) Pivot(a, m, n, lda, j, perm, norm2!, orig!);
                double alpha = a[(nint)j * lda + j], xnorm = 0;
                for (int i = j + 1; i < m; i++) { double v = a[(nint)i * lda + j]; xnorm += v * v; }
                if (xnorm == 0) { tau[j] = 0; continue; }
                double beta = -Math.CopySign(Math.Sqrt(alpha * alpha + xnorm), alpha);
                tau[j] = (beta - alpha) / beta;
                double s = 1.0 / (alpha - beta);
                for (int i = j + 1; i < m; i++) a[(nint)i * lda + j] *= s;
                a[(nint)j * lda + j] = beta;
                Reflect(a, m, lda, j, j + 1, n, tau[j], a, lda, wp);
                if (norm2 is not null)
                    for (int c = j + 1; c < n; c++) { double r = a[(nint)j * lda + c]; norm2[c] -= r * r; }
            }
    }

    /// <summary>Brings the remaining column of largest norm to position j (norms downdated, recomputed where
    /// the downdate has cancelled most of the original value).</summary>
    static void Pivot(double* a, int m, int n, int lda, int j, int[] perm, double[] norm2, double[] orig)
    {
        for (int c = j; c < n; c++)
            if (norm2[c] <= 1e-6 * orig[c])
            {
                double t = 0;
                for (int i = j; i < m; i++) { double v = a[(nint)i * lda + c]; t += v * v; }
                norm2[c] = t; orig[c] = t;
            }
        int p = j;
        for (int c = j + 1; c < n; c++) if (norm2[c] > norm2[p]) p = c;
        if (p == j) return;
        for (int i = 0; i < m; i++) (a[(nint)i * lda + j], a[(nint)i * lda + p]) = (a[(nint)i * lda + p], a[(nint)i * lda + j]);
        (perm[j], perm[p]) = (perm[p], perm[j]);
        (norm2[j], norm2[p]) = (norm2[p], norm2[j]);
        (orig[j], orig[p]) = (orig[p], orig[j]);
    }

    /// <summary>
    /// Applies H_j (its vector in column j of v below row j) to rows j..m−1, columns c0..c1−1 of c:
    /// C ← C − tau·v·(vᵀ·C).
    /// </summary>
    static void Reflect(double* v, int m, int ldv, int j, int c0, int c1, double tau, double* c, int ldc, double* w)
    {
        int len = c1 - c0;
        if (len <= 0 || tau == 0) return;
        new Span<double>(w, len).Clear();
        RowOps.Axpy(1.0, c + (nint)j * ldc + c0, w, len);
        for (int i = j + 1; i < m; i++) RowOps.Axpy(v[(nint)i * ldv + j], c + (nint)i * ldc + c0, w, len);
        RowOps.Axpy(-tau, w, c + (nint)j * ldc + c0, len);
        for (int i = j + 1; i < m; i++) RowOps.Axpy(-tau * v[(nint)i * ldv + j], w, c + (nint)i * ldc + c0, len);
    }

    /// <summary>Q's first qc columns (m×qc, row-major) from the factored a and tau: H_0·…·H_{k−1}·I[:, :qc].</summary>
    public static void FormQ(double* a, int m, int n, int lda, double* tau, double* q, int qc)
    {
        int k = Math.Min(m, n);
        new Span<double>(q, m * qc).Clear();
        for (int i = 0; i < Math.Min(m, qc); i++) q[(nint)i * qc + i] = 1;
        var w = new double[Math.Max(qc, 1)];
        fixed (double* wp = w)
            for (int j = k - 1; j >= 0; j--) Reflect(a, m, lda, j, j, qc, tau[j], q, qc, wp);
    }
}
