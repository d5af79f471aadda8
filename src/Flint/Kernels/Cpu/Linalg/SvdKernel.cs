namespace Flint.Kernels.Cpu.Linalg;

/// <summary>
/// Singular value decomposition by one-sided Jacobi (Hestenes): plane rotations of pairs of columns until every
/// pair is orthogonal to working precision; the column norms are then the singular values, the normalized columns
/// the left singular vectors, and the accumulated rotations the right ones. It computes small singular values to
/// high relative accuracy. Columns are kept as contiguous rows (the transpose), so each dot product and rotation
/// runs over contiguous memory. Left vectors a rank-deficient or full_matrices result needs beyond the computed
/// ones are completed to an orthonormal basis by Gram–Schmidt on the standard basis.
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
        if (m < n)
        {
            // Aᵀ = V·S·Uᵀ: decompose the transpose and swap the roles of U and V.
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
        var g = new double[n * m];   // columns of A as rows
        var w = new double[n * n];   // rows of Vᵀ
        for (int i = 0; i < m; i++) for (int j = 0; j < n; j++) g[j * m + i] = a[(nint)i * n + j];
        for (int i = 0; i < n; i++) w[i * n + i] = 1;
        fixed (double* gp = g, wp = w)
        {
            if (!Orthogonalize(gp, wp, m, n)) return 1;
            var norms = new double[n];
            var order = new int[n];
            for (int j = 0; j < n; j++) { norms[j] = Math.Sqrt(RowOps.Dot(gp + (nint)j * m, gp + (nint)j * m, m)); order[j] = j; }
            Array.Sort(order, (x, y) => norms[y].CompareTo(norms[x]));
            for (int j = 0; j < n; j++) s[j] = norms[order[j]];
            if (vt is not null)
                for (int j = 0; j < vr; j++)
                    if (j < n) new Span<double>(wp + (nint)order[j] * n, n).CopyTo(new Span<double>(vt + (nint)j * n, n));
            if (u is not null) FillU(gp, m, n, order, s, u, uc);
        }
        return 0;
    }

    /// <summary>Cyclic sweeps over all column pairs; false if they do not settle within MaxSweeps.</summary>
    static bool Orthogonalize(double* g, double* w, int m, int n)
    {
        double tol = Math.Max(m, 1) * 2.220446049250313e-16;
        for (int sweep = 0; sweep < MaxSweeps; sweep++)
        {
            bool rotated = false;
            for (int p = 0; p < n - 1; p++)
            {
                double* gp = g + (nint)p * m;
                for (int q = p + 1; q < n; q++)
                {
                    double* gq = g + (nint)q * m;
                    double alpha = RowOps.Dot(gp, gp, m), beta = RowOps.Dot(gq, gq, m), gamma = RowOps.Dot(gp, gq, m);
                    if (alpha == 0 || beta == 0 || Math.Abs(gamma) <= tol * Math.Sqrt(alpha * beta)) continue;
                    if (double.IsNaN(gamma)) return false;
                    rotated = true;
                    double zeta = (beta - alpha) / (2 * gamma);
                    double t = Math.CopySign(1.0, zeta) / (Math.Abs(zeta) + Math.Sqrt(1 + zeta * zeta));
                    double c = 1 / Math.Sqrt(1 + t * t), sn = c * t;
                    RowOps.Rotate(gp, gq, m, c, sn);
                    RowOps.Rotate(w + (nint)p * n, w + (nint)q * n, n, c, sn);
                }
            }
            if (!rotated) return true;
        }
        return false;
    }

    /// <summary>U's columns: the normalized columns where the singular value is nonzero, then a completion.</summary>
    static void FillU(double* g, int m, int n, int[] order, double* s, double* u, int uc)
    {
        var ut = new double[uc * m]; // columns of U as rows
        var have = new bool[uc];
        for (int j = 0; j < Math.Min(n, uc); j++)
        {
            if (!(s[j] > 0)) continue;
            double* src = g + (nint)order[j] * m;
            for (int i = 0; i < m; i++) ut[j * m + i] = src[i] / s[j];
            have[j] = true;
        }
        fixed (double* utp = ut)
        {
            int candidate = 0;
            for (int j = 0; j < uc; j++)
            {
                if (have[j]) continue;
                while (true)
                {
                    double* row = utp + (nint)j * m;
                    new Span<double>(row, m).Clear();
                    row[candidate++ % m] = 1;
                    for (int pass = 0; pass < 2; pass++)
                        for (int o = 0; o < uc; o++)
                            if (have[o]) RowOps.Axpy(-RowOps.Dot(utp + (nint)o * m, row, m), utp + (nint)o * m, row, m);
                    double nrm = Math.Sqrt(RowOps.Dot(row, row, m));
                    if (nrm > 0.25 || candidate > 2 * m) { RowOps.Scale(row, m, 1 / nrm); break; }
                }
                have[j] = true;
            }
        }
        for (int j = 0; j < uc; j++) for (int i = 0; i < m; i++) u[(nint)i * uc + j] = ut[j * m + i];
    }
}
