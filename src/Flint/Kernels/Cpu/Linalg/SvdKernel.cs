namespace Flint.Kernels.Cpu.Linalg;

/// <summary>
/// Singular value decomposition by one-sided Jacobi (Hestenes) on the triangular factor of a column-pivoted QR
/// decomposition (the preconditioning of Drmač and Veselić): A·P = Q·R, and the columns of X = Rᵀ are rotated in pairs until every pair
/// is orthogonal to working precision. Then X·J = V·Σ gives A = (Q·J)·Σ·(P·V)ᵀ: the singular values are the final column
/// norms, the right singular vectors the normalized columns, and the left ones Q·J (one GEMM). Rᵀ is close to
/// diagonal after the QR, so the sweeps converge in a few passes. Columns are kept as contiguous rows, so each dot
/// product and rotation runs over contiguous memory, and the column norms are carried through the rotations
/// (recomputed at each sweep's start). Right vectors of zero singular values, and the left vectors beyond n when
/// full_matrices, are completed to orthonormal bases.
/// </summary>
internal static unsafe class SvdKernel
{
    const int MaxSweeps = 80;

    /// <summary>
    /// a: m×n row-major (read only). s: min(m,n) values, descending. u: m×uc (uc = min(m,n) or m), vt: vr×n
    /// (vr = min(m,n) or n), both row-major; null when not wanted. Returns 0, or a positive code if not converged.
    /// </summary>
    public static int Decompose(double* a, int m, int n, double* s, double* u, int uc, double* vt, int vr)
    {
        if (m < n) return DecomposeTransposed(a, m, n, s, u, uc, vt, vr);
        if (n == 0) { IdentityColumns(u, m, uc); return 0; }
        var w = new double[m * n];
        var tau = new double[n];
        var x = new double[n * n];   // rows: the columns of Rᵀ, i.e. the rows of R
        var j = new double[n * n];   // rows: the columns of J
        fixed (double* wp = w, tp = tau, xp = x, jp = j)
        {
            new Span<double>(a, m * n).CopyTo(w);
            var perm = new int[n];
            QrKernel.Factor(wp, m, n, n, tp, perm);
            for (int r = 0; r < n; r++) for (int c = r; c < n; c++) xp[r * n + c] = wp[r * n + c];
            for (int i = 0; i < n; i++) jp[i * n + i] = 1;
            if (!Orthogonalize(xp, jp, n, n)) return 1;

            var norms = new double[n];
            var order = new int[n];
            for (int c = 0; c < n; c++) { norms[c] = Math.Sqrt(RowOps.Dot(xp + (nint)c * n, xp + (nint)c * n, n)); order[c] = c; }
            Array.Sort(order, (p, q) => norms[q].CompareTo(norms[p]));
            for (int c = 0; c < n; c++) s[c] = norms[order[c]];
            if (vt is not null) FillVt(xp, n, order, s, perm, vt);
            if (u is not null)
            {
                // U = Q·J (columns reordered); beyond n (full_matrices), Q's own further columns complete it.
                var q = new double[m * uc];
                fixed (double* qp = q)
                {
                    QrKernel.FormQ(wp, m, n, n, tp, qp, uc);
                    var js = new double[n * n]; // J's columns in singular-value order, as a row-major matrix
                    for (int c = 0; c < n; c++) for (int r = 0; r < n; r++) js[r * n + c] = jp[(nint)order[c] * n + r];
                    fixed (double* jsp = js)
                        Gemm.Dgemm(m, n, n, 1.0, qp, uc, 1, jsp, n, 1, 0.0, u, uc, 1);
                    for (int r = 0; r < m; r++) for (int c = n; c < uc; c++) u[(nint)r * uc + c] = qp[r * uc + c];
                }
            }
        }
        return 0;
    }

    /// <summary>Aᵀ = V·S·Uᵀ: decompose the transpose and swap the roles of U and V.</summary>
    static int DecomposeTransposed(double* a, int m, int n, double* s, double* u, int uc, double* vt, int vr)
    {
        var at = new double[n * m];
        for (int i = 0; i < m; i++) for (int j = 0; j < n; j++) at[j * m + i] = a[(nint)i * n + j];
        var u2 = vt is null ? null : new double[n * vr];
        var vt2 = u is null ? null : new double[uc * m];
        int info;
        fixed (double* atp = at, u2p = u2, vt2p = vt2) info = Decompose(atp, n, m, s, u2p, vr, vt2p, uc);
        if (info != 0) return info;
        if (vt is not null) for (int i = 0; i < n; i++) for (int j = 0; j < vr; j++) vt[(nint)j * n + i] = u2![i * vr + j];
        if (u is not null) for (int i = 0; i < uc; i++) for (int j = 0; j < m; j++) u[(nint)j * uc + i] = vt2![i * m + j];
        return 0;
    }

    /// <summary>Rows per block of the sweep order: two blocks of X's and J's rows stay in the L2 cache.</summary>
    const int PairBlock = 32;

    /// <summary>
    /// Sweeps over all pairs of the n rows (length len) of g, rotating w's rows alike; false if they do not settle
    /// within MaxSweeps. Pairs are visited block against block (every pair once per sweep, as the cyclic order
    /// does), so the rows one block pair touches are reused from cache instead of streamed n times per sweep.
    /// </summary>
    static bool Orthogonalize(double* g, double* w, int len, int n)
    {
        double tol = Math.Max(len, 1) * 2.220446049250313e-16;
        var norm2 = new double[n];
        for (int sweep = 0; sweep < MaxSweeps; sweep++)
        {
            for (int p = 0; p < n; p++) norm2[p] = RowOps.Dot(g + (nint)p * len, g + (nint)p * len, len);
            bool rotated = false;
            for (int b0 = 0; b0 < n; b0 += PairBlock)
                for (int c0 = b0; c0 < n; c0 += PairBlock)
                {
                    int b1 = Math.Min(n, b0 + PairBlock), c1 = Math.Min(n, c0 + PairBlock);
                    for (int p = b0; p < b1; p++)
                        for (int q = Math.Max(c0, p + 1); q < c1; q++)
                        {
                            int r = Rotate(g, w, len, n, p, q, norm2, tol);
                            if (r < 0) return false;
                            if (r > 0) rotated = true;
                        }
                }
            if (!rotated) return true;
        }
        return false;
    }

    /// <summary>Orthogonalizes rows p and q if they are not yet: 1 if rotated, 0 if not, −1 on a non-finite value.</summary>
    static int Rotate(double* g, double* w, int len, int n, int p, int q, double[] norm2, double tol)
    {
        double alpha = norm2[p], beta = norm2[q];
        if (alpha == 0 || beta == 0) return 0;
        double* gp = g + (nint)p * len, gq = g + (nint)q * len;
        double gamma = RowOps.Dot(gp, gq, len);
        if (Math.Abs(gamma) <= tol * Math.Sqrt(alpha * beta)) return 0;
        if (!double.IsFinite(gamma)) return -1;
        double zeta = (beta - alpha) / (2 * gamma);
        double t = Math.CopySign(1.0, zeta) / (Math.Abs(zeta) + Math.Sqrt(1 + zeta * zeta));
        double c = 1 / Math.Sqrt(1 + t * t), sn = c * t;
        RowOps.Rotate(gp, gq, len, c, sn);
        RowOps.Rotate(w + (nint)p * n, w + (nint)q * n, n, c, sn);
        norm2[p] = alpha - t * gamma; // |c·a_p − s·a_q|² for this rotation's t
        norm2[q] = beta + t * gamma;
        return 1;
    }

    /// <summary>
    /// Vh's rows: the normalized final columns where the singular value is nonzero, with the QR's column pivoting
    /// undone (A = Q·R·Pᵀ, so element i of a column belongs to A's column perm[i]), then a completion.
    /// </summary>
    static void FillVt(double* x, int n, int[] order, double* s, int[] perm, double* vt)
    {
        var have = new bool[n];
        for (int r = 0; r < n; r++)
        {
            if (!(s[r] > 0)) continue;
            double* src = x + (nint)order[r] * n;
            for (int i = 0; i < n; i++) vt[(nint)r * n + perm[i]] = src[i] / s[r];
            have[r] = true;
        }
        Complete(vt, n, n, have);
    }

    /// <summary>U of a matrix without columns: the identity's first uc columns.</summary>
    static void IdentityColumns(double* u, int m, int uc)
    {
        if (u is null) return;
        new Span<double>(u, m * uc).Clear();
        for (int i = 0; i < Math.Min(m, uc); i++) u[(nint)i * uc + i] = 1;
    }

    /// <summary>
    /// Fills the rows of rows (count × len) not marked in have with unit vectors orthogonal to all others:
    /// Gram–Schmidt, twice, of the standard basis vectors in turn, keeping those that stay long enough.
    /// </summary>
    static void Complete(double* rows, int count, int len, bool[] have)
    {
        int candidate = 0;
        for (int j = 0; j < count; j++)
        {
            if (have[j]) continue;
            double* row = rows + (nint)j * len;
            while (true)
            {
                new Span<double>(row, len).Clear();
                row[candidate++ % len] = 1;
                for (int pass = 0; pass < 2; pass++)
                    for (int o = 0; o < count; o++)
                        if (have[o]) RowOps.Axpy(-RowOps.Dot(rows + (nint)o * len, row, len), rows + (nint)o * len, row, len);
                double nrm = Math.Sqrt(RowOps.Dot(row, row, len));
                if (nrm > 0.25 || candidate > 2 * len) { RowOps.Scale(row, len, 1 / nrm); break; }
            }
            have[j] = true;
        }
    }
}
