namespace Flint.Kernels.Cpu.Linalg;

/// <summary>
/// Eigenvalues (ascending) and orthonormal eigenvectors of a symmetric n×n matrix: Householder reduction to
/// tridiagonal form with the transformations accumulated, then the implicit QL iteration with Wilkinson-style
/// shifts on the tridiagonal matrix (the EISPACK tred2/tql2 scheme). The QL rotations act on pairs of basis
/// vectors, which are kept as rows so that each rotation runs over contiguous memory.
/// </summary>
internal static unsafe class EighKernel
{
    /// <summary>a: the full symmetric matrix (row-major, read only). w: n eigenvalues; v: n×n, eigenvectors as columns.
    /// Returns 0, or a positive code if the iteration did not converge.</summary>
    public static int Decompose(double* a, int n, double* w, double* v)
    {
        if (n == 0) return 0;
        var z = new double[n * n];
        var d = new double[n];
        var e = new double[n];
        for (int i = 0; i < n * n; i++) z[i] = a[i];
        fixed (double* zp = z, dp = d, ep = e)
        {
            Tridiagonalize(zp, n, dp, ep);
            var zt = new double[n * n]; // basis vectors as rows
            for (int r = 0; r < n; r++) for (int c = 0; c < n; c++) zt[c * n + r] = zp[r * n + c];
            fixed (double* ztp = zt)
            {
                int info = Ql(ztp, n, dp, ep);
                if (info != 0) return info;
                var order = new int[n];
                for (int i = 0; i < n; i++) order[i] = i;
                Array.Sort(d, order);
                for (int j = 0; j < n; j++)
                {
                    w[j] = d[j];
                    double* src = ztp + (nint)order[j] * n;
                    for (int r = 0; r < n; r++) v[(nint)r * n + j] = src[r];
                }
            }
        }
        return 0;
    }

    /// <summary>Householder tridiagonalization (from the last row up); on return z holds the accumulated transform,
    /// d the diagonal and e the sub-diagonal (e[i] couples i−1 and i).</summary>
    static void Tridiagonalize(double* z, int n, double* d, double* e)
    {
        for (int j = 0; j < n; j++) d[j] = z[(n - 1) * n + j];
        for (int i = n - 1; i > 0; i--)
        {
            double scale = 0, h = 0;
            for (int k = 0; k < i; k++) scale += Math.Abs(d[k]);
            if (scale == 0)
            {
                e[i] = d[i - 1];
                for (int j = 0; j < i; j++) { d[j] = z[(i - 1) * n + j]; z[i * n + j] = 0; z[j * n + i] = 0; }
            }
            else
            {
                for (int k = 0; k < i; k++) { d[k] /= scale; h += d[k] * d[k]; }
                double f = d[i - 1], g = Math.Sqrt(h);
                if (f > 0) g = -g;
                e[i] = scale * g;
                h -= f * g;
                d[i - 1] = f - g;
                for (int j = 0; j < i; j++) e[j] = 0;
                for (int j = 0; j < i; j++)
                {
                    f = d[j];
                    z[j * n + i] = f;
                    g = e[j] + z[j * n + j] * f;
                    for (int k = j + 1; k <= i - 1; k++) { g += z[k * n + j] * d[k]; e[k] += z[k * n + j] * f; }
                    e[j] = g;
                }
                f = 0;
                for (int j = 0; j < i; j++) { e[j] /= h; f += e[j] * d[j]; }
                double hh = f / (h + h);
                for (int j = 0; j < i; j++) e[j] -= hh * d[j];
                for (int j = 0; j < i; j++)
                {
                    f = d[j]; g = e[j];
                    for (int k = j; k <= i - 1; k++) z[k * n + j] -= f * e[k] + g * d[k];
                    d[j] = z[(i - 1) * n + j];
                    z[i * n + j] = 0;
                }
            }
            d[i] = h;
        }
        for (int i = 0; i < n - 1; i++)
        {
            z[(n - 1) * n + i] = z[i * n + i];
            z[i * n + i] = 1;
            double h = d[i + 1];
            if (h != 0)
            {
                for (int k = 0; k <= i; k++) d[k] = z[k * n + i + 1] / h;
                for (int j = 0; j <= i; j++)
                {
                    double g = 0;
                    for (int k = 0; k <= i; k++) g += z[k * n + i + 1] * z[k * n + j];
                    for (int k = 0; k <= i; k++) z[k * n + j] -= g * d[k];
                }
            }
            for (int k = 0; k <= i; k++) z[k * n + i + 1] = 0;
        }
        for (int j = 0; j < n; j++) { d[j] = z[(n - 1) * n + j]; z[(n - 1) * n + j] = 0; }
        z[(n - 1) * n + n - 1] = 1;
        e[0] = 0;
    }

    /// <summary>Implicit QL on the tridiagonal (d, e), rotating the rows of zt along; d ends as the eigenvalues.</summary>
    static int Ql(double* zt, int n, double* d, double* e)
    {
        for (int i = 1; i < n; i++) e[i - 1] = e[i];
        e[n - 1] = 0;
        double f = 0, tst1 = 0, eps = Math.Pow(2, -52);
        for (int l = 0; l < n; l++)
        {
            tst1 = Math.Max(tst1, Math.Abs(d[l]) + Math.Abs(e[l]));
            int m = l;
            while (m < n - 1 && Math.Abs(e[m]) > eps * tst1) m++;
            if (m > l)
            {
                int iter = 0;
                do
                {
                    if (++iter > 60) return l + 1;
                    double g = d[l];
                    double p = (d[l + 1] - g) / (2 * e[l]);
                    double r = Hypot(p, 1);
                    if (p < 0) r = -r;
                    d[l] = e[l] / (p + r);
                    d[l + 1] = e[l] * (p + r);
                    double dl1 = d[l + 1], h = g - d[l];
                    for (int i = l + 2; i < n; i++) d[i] -= h;
                    f += h;
                    p = d[m];
                    double c = 1, c2 = 1, c3 = 1, el1 = e[l + 1], s = 0, s2 = 0;
                    for (int i = m - 1; i >= l; i--)
                    {
                        c3 = c2; c2 = c; s2 = s;
                        g = c * e[i]; h = c * p;
                        r = Hypot(p, e[i]);
                        e[i + 1] = s * r;
                        s = e[i] / r; c = p / r;
                        p = c * d[i] - s * g;
                        d[i + 1] = h + s * (c * g + s * d[i]);
                        RowOps.Rotate(zt + (nint)i * n, zt + (nint)(i + 1) * n, n, c, s);
                    }
                    p = -s * s2 * c3 * el1 * e[l] / dl1;
                    e[l] = s * p;
                    d[l] = c * p;
                } while (Math.Abs(e[l]) > eps * tst1);
            }
            d[l] += f;
            e[l] = 0;
        }
        return 0;
    }

    static double Hypot(double a, double b)
    {
        a = Math.Abs(a); b = Math.Abs(b);
        if (a < b) (a, b) = (b, a);
        if (a == 0) return 0;
        double r = b / a;
        return a * Math.Sqrt(1 + r * r);
    }
}
