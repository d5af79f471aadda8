namespace Flint.NN;

public static partial class Init
{
    /// <summary>
    /// Normal(mean, std) truncated to [a, b], by PyTorch's inverse-CDF method: uniform in [2·Φ(a)−1, 2·Φ(b)−1],
    /// erfinv, scale and shift, clamp — the same draws in the same order.
    /// </summary>
    public static Tensor TruncNormal_(Tensor tensor, double mean = 0, double std = 1, double a = -2, double b = 2)
    {
        static double NormCdf(double x) => (1.0 + SpecialFunctions.Erf(x / Math.Sqrt(2.0))) / 2.0;
        double l = NormCdf((a - mean) / std), u = NormCdf((b - mean) / std);
        using (Torch.NoGrad())
        {
            var v = UniformValues(tensor._sizes, tensor.DType, 2 * l - 1, 2 * u - 1);
            if (v.DType != tensor.DType) v = v.CastRaw(tensor.DType);
            v = (v.Erfinv() * (std * Math.Sqrt(2.0)) + mean).Clamp(a, b);
            return Write(tensor, v);
        }
    }

    /// <summary>
    /// A (semi-)orthogonal matrix from the QR decomposition of a normal draw (rows × cols, transposed when rows &lt;
    /// cols), with Q's columns signed by R's diagonal so the result is unique, times gain. Tensors of more than two
    /// dims are flattened past dim 0.
    /// </summary>
    public static Tensor Orthogonal_(Tensor tensor, double gain = 1)
    {
        if (tensor.Dim < 2) throw new ArgumentException("Only tensors with 2 or more dimensions are supported");
        if (tensor._numel == 0) return tensor;
        int rows = tensor._sizes[0], cols = tensor._numel / rows;
        var flat = NormalValues([rows, cols], tensor.DType, 0, 1).CastRaw(DType.Float64).ContiguousRaw().RawSpan<double>().ToArray();
        bool transpose = rows < cols;
        int m = transpose ? cols : rows, n = transpose ? rows : cols; // m ≥ n
        var A = new double[m * n];
        for (int i = 0; i < rows; i++)
            for (int j = 0; j < cols; j++)
                if (transpose) A[j * n + i] = flat[i * cols + j]; else A[i * n + j] = flat[i * cols + j];
        var (q, rDiag) = HouseholderQr(A, m, n);
        for (int j = 0; j < n; j++)
        {
            double s = Math.Sign(rDiag[j]);
            for (int i = 0; i < m; i++) q[i * n + j] *= s;
        }
        var outv = new double[rows * cols];
        for (int i = 0; i < rows; i++)
            for (int j = 0; j < cols; j++)
                outv[i * cols + j] = gain * (transpose ? q[j * n + i] : q[i * n + j]);
        return Write(tensor, Torch.FromArray(outv, ShapeUtil.ToLong(tensor._sizes)));
    }

    /// <summary>Thin QR of an m×n (m ≥ n) row-major matrix by Householder reflections: Q (m×n) and R's diagonal.
    /// Same convention as LAPACK's geqrf/orgqr (R's diagonal may be negative).</summary>
    internal static (double[] Q, double[] RDiag) HouseholderQr(double[] a, int m, int n)
    {
        var r = (double[])a.Clone();
        var vs = new double[n][];
        var taus = new double[n];
        for (int k = 0; k < n; k++)
        {
            double norm = 0;
            for (int i = k; i < m; i++) norm += r[i * n + k] * r[i * n + k];
            norm = Math.Sqrt(norm);
            double alpha = r[k * n + k];
            var v = new double[m - k];
            if (norm == 0) { vs[k] = v; taus[k] = 0; continue; }
            double beta = alpha >= 0 ? -norm : norm;        // LAPACK: beta = -sign(alpha)·norm
            double tau = (beta - alpha) / beta;
            double scale = 1 / (alpha - beta);
            v[0] = 1;
            for (int i = k + 1; i < m; i++) v[i - k] = r[i * n + k] * scale;
            vs[k] = v; taus[k] = tau;
            // apply H = I − tau·v·vᵀ to the trailing columns
            for (int j = k; j < n; j++)
            {
                double s = 0;
                for (int i = k; i < m; i++) s += v[i - k] * r[i * n + j];
                s *= tau;
                for (int i = k; i < m; i++) r[i * n + j] -= s * v[i - k];
            }
        }
        var rDiag = new double[n];
        for (int k = 0; k < n; k++) rDiag[k] = r[k * n + k];
        // Q = H0·H1·…·H(n−1) applied to the first n columns of the identity, back to front
        var q = new double[m * n];
        for (int j = 0; j < n; j++) q[j * n + j] = 1;
        for (int k = n - 1; k >= 0; k--)
        {
            var v = vs[k]; double tau = taus[k];
            if (tau == 0) continue;
            for (int j = 0; j < n; j++)
            {
                double s = 0;
                for (int i = k; i < m; i++) s += v[i - k] * q[i * n + j];
                s *= tau;
                for (int i = k; i < m; i++) q[i * n + j] -= s * v[i - k];
            }
        }
        return (q, rDiag);
    }
}
