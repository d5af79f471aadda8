using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Flint.Kernels.Cpu;

/// <summary>
/// Fused layer norm over M contiguous rows of N elements (aten::native_layer_norm and its backward), in float for
/// float32 (and the half types, which the op casts) and in double for float64. Each row is read from memory once per
/// pass group: its statistics are computed while it sits in L1, and the normalized output (or the input gradient) is
/// written right after. Rows are split across cores above about 32K elements.
/// </summary>
public static unsafe class LayerNormKernels
{
    /// <summary>
    /// y = (x − mean)·rstd·w + b per row, with mean and rstd = 1/√(var + eps) (biased variance) written per row.
    /// w and b may be null (no affine).
    /// </summary>
    public static void Forward<T>(T* x, T* w, T* b, T* y, T* mean, T* rstd, int m, int n, T eps)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (m == 0) return;
        var job = new ForwardJob<T>(x, w, b, y, mean, rstd, n, eps);
        CpuParallel.For(m, job, Math.Max(1, CpuParallel.DefaultGrain / Math.Max(1, n)));
    }

    /// <summary>
    /// The gradients of <see cref="Forward{T}"/> given g = dL/dy and the saved mean/rstd:
    /// dx = rstd·(g·w − mean(g·w) − x̂·mean(g·w·x̂)) (x̂ = (x − mean)·rstd), dw = Σ_rows g·x̂, db = Σ_rows g.
    /// dx, dw and db may each be null (not needed); w null means no affine (w ≡ 1).
    /// Each core sums dw/db for its block of rows into its own slice of a scratch buffer; the slices are added at the end.
    /// </summary>
    public static void Backward<T>(T* g, T* x, T* mean, T* rstd, T* w, T* dx, T* dw, T* db, int m, int n)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        bool sums = dw != null || db != null;
        if (m == 0 || n == 0)
        {
            if (dw != null) new Span<T>(dw, n).Clear();
            if (db != null) new Span<T>(db, n).Clear();
            return;
        }
        int grainRows = Math.Max(1, CpuParallel.DefaultGrain / n);
        int parts = Math.Max(1, Math.Min(CpuParallel.MaxThreads, m / grainRows));
        // per part: [dw partial | db partial], n each; owned by this call until the parts are reduced below
        T* partial = sums ? Scratch<T>.Get(0, parts * 2 * n) : null;
        if (sums) new Span<T>(partial, parts * 2 * n).Clear();
        var job = new BackwardJob<T>(g, x, mean, rstd, w, dx, partial, m, n, parts);
        if (parts == 1) job.Run(0, 1);
        else CpuParallel.For(parts, job, 1);
        if (!sums) return;
        for (int k = 0; k < 2; k++)
        {
            T* dst = k == 0 ? dw : db;
            if (dst == null) continue;
            new ReadOnlySpan<T>(partial + k * n, n).CopyTo(new Span<T>(dst, n));
            for (int p = 1; p < parts; p++) AddTo(dst, partial + (p * 2 + k) * n, n);
        }
    }

    private readonly struct ForwardJob<T>(T* x, T* w, T* b, T* y, T* mean, T* rstd, int n, T eps) : IRangeJob
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        private readonly nint _x = (nint)x, _w = (nint)w, _b = (nint)b, _y = (nint)y, _mean = (nint)mean, _rstd = (nint)rstd;

        public void Run(int start, int end)
        {
            T* px = (T*)_x, pw = (T*)_w, pb = (T*)_b, py = (T*)_y, pm = (T*)_mean, pr = (T*)_rstd;
            for (int i = start; i < end; i++)
            {
                long o = (long)i * n;
                var (mu, rs) = RowStats(px + o, n, eps);
                pm[i] = mu; pr[i] = rs;
                NormalizeRow(px + o, pw, pb, py + o, n, mu, rs);
            }
        }
    }

    private readonly struct BackwardJob<T>(T* g, T* x, T* mean, T* rstd, T* w, T* dx, T* partial, int m, int n, int parts) : IRangeJob
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        private readonly nint _g = (nint)g, _x = (nint)x, _mean = (nint)mean, _rstd = (nint)rstd, _w = (nint)w, _dx = (nint)dx, _partial = (nint)partial;

        /// <summary>Runs parts [start, end): each part is one contiguous block of rows.</summary>
        public void Run(int start, int end)
        {
            T* pg = (T*)_g, px = (T*)_x, pm = (T*)_mean, pr = (T*)_rstd, pw = (T*)_w, pdx = (T*)_dx, pp = (T*)_partial;
            int per = (m + parts - 1) / parts;
            for (int part = start; part < end; part++)
            {
                int r0 = part * per, r1 = Math.Min(m, r0 + per);
                T* dwp = pp == null ? null : pp + part * 2 * n;
                for (int i = r0; i < r1; i++)
                {
                    long o = (long)i * n;
                    if (pdx != null) InputGradRow(pg + o, px + o, pw, pdx + o, n, pm[i], pr[i]);
                    if (dwp != null) AccumulateParamGrads(pg + o, px + o, dwp, dwp + n, n, pm[i], pr[i]);
                }
            }
        }
    }

    /// <summary>
    /// Mean and 1/√(biased var + eps) of one row, by the corrected two-pass method (Chan, Golub &amp; LeVeque) while the
    /// row is in cache: pass 1 sums x for a first mean μ₀; pass 2 sums d = x − μ₀ and d², then mean = μ₀ + Σd/n and
    /// var = (Σd² − (Σd)²/n)/n. The deviations are small and exact, so Σd repairs the rounding of the first sum —
    /// rows with a large offset keep an accurate mean in float32.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static (T mean, T rstd) RowStats<T>(T* p, int n, T eps) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int vc = Vector256<T>.Count, j = 0;
        T sum = T.Zero;
        if (Vector256.IsHardwareAccelerated && n >= 2 * vc)
        {
            var a0 = Vector256<T>.Zero; var a1 = Vector256<T>.Zero;
            for (; j <= n - 2 * vc; j += 2 * vc) { a0 += Vector256.Load(p + j); a1 += Vector256.Load(p + j + vc); }
            sum = Vector256.Sum(a0 + a1);
        }
        for (; j < n; j++) sum += p[j];
        T nn = T.CreateTruncating(n);
        T mu = sum / nn;

        j = 0;
        T sd = T.Zero, ss = T.Zero;
        if (Vector256.IsHardwareAccelerated && n >= 2 * vc)
        {
            var vm = Vector256.Create(mu);
            var c0 = Vector256<T>.Zero; var c1 = Vector256<T>.Zero;
            var a0 = Vector256<T>.Zero; var a1 = Vector256<T>.Zero;
            for (; j <= n - 2 * vc; j += 2 * vc)
            {
                var d0 = Vector256.Load(p + j) - vm; var d1 = Vector256.Load(p + j + vc) - vm;
                c0 += d0; c1 += d1;
                a0 += d0 * d0; a1 += d1 * d1;
            }
            sd = Vector256.Sum(c0 + c1);
            ss = Vector256.Sum(a0 + a1);
        }
        for (; j < n; j++) { T d = p[j] - mu; sd += d; ss += d * d; }
        T var = T.Max((ss - sd * sd / nn) / nn, T.Zero);
        return (mu + sd / nn, T.One / T.Sqrt(var + eps));
    }

    /// <summary>
    /// y = (x − mean)·rstd·w + b (w, b optional). Subtracting first keeps rows with a large mean accurate (x·rstd −
    /// mean·rstd would cancel two large products).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void NormalizeRow<T>(T* x, T* w, T* b, T* y, int n, T mu, T rs) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int vc = Vector256<T>.Count, j = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var vr = Vector256.Create(rs); var vm = Vector256.Create(mu);
            for (; j <= n - vc; j += vc)
            {
                var v = (Vector256.Load(x + j) - vm) * vr;
                if (w != null) v *= Vector256.Load(w + j);
                if (b != null) v += Vector256.Load(b + j);
                v.Store(y + j);
            }
        }
        for (; j < n; j++)
        {
            T v = (x[j] - mu) * rs;
            if (w != null) v *= w[j];
            if (b != null) v += b[j];
            y[j] = v;
        }
    }

    /// <summary>
    /// dx for one row: with s1 = Σ g·w and s2 = Σ g·w·(x − mean), dx = rstd·g·w + c1·(x − mean) + c0 where
    /// c1 = −rstd³·s2/n and c0 = −rstd·s1/n (the row formula expanded, so one pass sums and one writes; centring x
    /// first keeps rows with a large mean from cancelling).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void InputGradRow<T>(T* g, T* x, T* w, T* dx, int n, T mu, T rs) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int vc = Vector256<T>.Count, j = 0;
        T s1 = T.Zero, s2 = T.Zero;
        if (Vector256.IsHardwareAccelerated)
        {
            var vm = Vector256.Create(mu);
            var a1 = Vector256<T>.Zero; var a2 = Vector256<T>.Zero;
            for (; j <= n - vc; j += vc)
            {
                var gw = Vector256.Load(g + j);
                if (w != null) gw *= Vector256.Load(w + j);
                a1 += gw; a2 += gw * (Vector256.Load(x + j) - vm);
            }
            s1 = Vector256.Sum(a1); s2 = Vector256.Sum(a2);
        }
        for (; j < n; j++)
        {
            T gw = w != null ? g[j] * w[j] : g[j];
            s1 += gw; s2 += gw * (x[j] - mu);
        }
        T nn = T.CreateTruncating(n);
        T c1 = -rs * rs * rs * s2 / nn;
        T c0 = -rs * s1 / nn;
        j = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var vr = Vector256.Create(rs); var v1 = Vector256.Create(c1); var v0 = Vector256.Create(c0); var vm = Vector256.Create(mu);
            for (; j <= n - vc; j += vc)
            {
                var gw = Vector256.Load(g + j);
                if (w != null) gw *= Vector256.Load(w + j);
                (vr * gw + v1 * (Vector256.Load(x + j) - vm) + v0).Store(dx + j);
            }
        }
        for (; j < n; j++)
        {
            T gw = w != null ? g[j] * w[j] : g[j];
            dx[j] = rs * gw + c1 * (x[j] - mu) + c0;
        }
    }

    /// <summary>dw += g·(x − mean)·rstd, db += g over one row.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void AccumulateParamGrads<T>(T* g, T* x, T* dw, T* db, int n, T mu, T rs) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int vc = Vector256<T>.Count, j = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var vm = Vector256.Create(mu); var vr = Vector256.Create(rs);
            for (; j <= n - vc; j += vc)
            {
                var vg = Vector256.Load(g + j);
                (Vector256.Load(dw + j) + vg * ((Vector256.Load(x + j) - vm) * vr)).Store(dw + j);
                (Vector256.Load(db + j) + vg).Store(db + j);
            }
        }
        for (; j < n; j++)
        {
            dw[j] += g[j] * ((x[j] - mu) * rs);
            db[j] += g[j];
        }
    }

    private static void AddTo<T>(T* dst, T* src, int n) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int vc = Vector256<T>.Count, j = 0;
        if (Vector256.IsHardwareAccelerated)
            for (; j <= n - vc; j += vc) (Vector256.Load(dst + j) + Vector256.Load(src + j)).Store(dst + j);
        for (; j < n; j++) dst[j] += src[j];
    }
}
