namespace Flint.NN;

/// <summary>torch.nn.utils: gradient clipping.</summary>
public static partial class Utils
{
    /// <summary>
    /// Scales the gradients of the parameters in place so that their total p-norm (all gradients seen as one vector)
    /// is at most maxNorm; returns that total norm as a 0-dim tensor (PyTorch's clip_grad_norm_). normType may be
    /// double.PositiveInfinity for the max-abs norm.
    /// </summary>
    public static Tensor ClipGradNorm_(IEnumerable<Tensor> parameters, double maxNorm, double normType = 2.0, bool errorIfNonfinite = false)
    {
        var grads = new List<Tensor>();
        foreach (var p in parameters) if (p.Grad is { } g) grads.Add(g);
        if (grads.Count == 0) return Torch.ScalarTensor(0.0, DType.Float32);
        double total = 0;
        bool inf = double.IsPositiveInfinity(normType);
        foreach (var g in grads)
        {
            double n = Norm(g, normType);
            // PyTorch takes the norm of each gradient in its dtype, then the norm of the stacked norms.
            if (g.DType == DType.Float32) n = (float)n;
            total = inf ? Math.Max(total, n) : total + Math.Pow(n, normType);
        }
        if (!inf) total = Math.Pow(total, 1.0 / normType);
        var dt = grads[0].DType;
        if (dt == DType.Float32) total = (float)total;
        if (errorIfNonfinite && !double.IsFinite(total))
            throw new InvalidOperationException($"The total norm of order {PyFormat.Float(normType)} for gradients from `parameters` is non-finite, so it cannot be clipped. To disable this error and scale the gradients by the non-finite norm anyway, set `error_if_nonfinite=False`");
        double coef = maxNorm / (total + 1e-6);
        if (dt == DType.Float32) coef = (float)coef;
        if (coef < 1.0)
            using (Torch.NoGrad())
                foreach (var g in grads) Scale(g, coef);
        return Torch.ScalarTensor(total, dt.IsFloatingPoint() ? dt : DType.Float32);
    }

    public static Tensor ClipGradNorm_(Tensor parameter, double maxNorm, double normType = 2.0, bool errorIfNonfinite = false)
        => ClipGradNorm_([parameter], maxNorm, normType, errorIfNonfinite);

    /// <summary>Clamps every gradient element into [−clipValue, clipValue] in place (PyTorch's clip_grad_value_).</summary>
    public static void ClipGradValue_(IEnumerable<Tensor> parameters, double clipValue)
    {
        foreach (var p in parameters)
        {
            if (p.Grad is not { } g) continue;
            var work = g.IsContiguous() ? g : g.ContiguousRaw();
            switch (g.DType)
            {
                case DType.Float32:
                    {
                        var s = work.StorageSpan<float>().Slice(work._offset, work._numel);
                        float c = (float)clipValue;
                        for (int i = 0; i < s.Length; i++) s[i] = s[i] > c ? c : s[i] < -c ? -c : s[i];
                        break;
                    }
                case DType.Float64:
                    {
                        var s = work.StorageSpan<double>().Slice(work._offset, work._numel);
                        for (int i = 0; i < s.Length; i++) s[i] = s[i] > clipValue ? clipValue : s[i] < -clipValue ? -clipValue : s[i];
                        break;
                    }
                default: throw new NotSupportedException($"clip_grad_value_ on {g.DType.Name()} gradients");
            }
            if (!ReferenceEquals(work, g)) g.CopyFromRaw(work); else g._storage.Version++;
        }
    }

    private static double Norm(Tensor g, double p)
    {
        var d = g.Detach().CastRaw(DType.Float64).ContiguousRaw();
        var s = d.StorageSpan<double>().Slice(d._offset, d._numel);
        if (double.IsPositiveInfinity(p)) { double m = 0; foreach (var v in s) m = Math.Max(m, Math.Abs(v)); return m; }
        if (p == 2) { double acc = 0; foreach (var v in s) acc += v * v; return Math.Sqrt(acc); }
        if (p == 1) { double acc = 0; foreach (var v in s) acc += Math.Abs(v); return acc; }
        if (p == 0) { double c = 0; foreach (var v in s) if (v != 0) c++; return c; }
        double a = 0; foreach (var v in s) a += Math.Pow(Math.Abs(v), p);
        return Math.Pow(a, 1.0 / p);
    }

    private static void Scale(Tensor g, double coef)
    {
        var work = g.IsContiguous() ? g : g.ContiguousRaw();
        if (g.DType == DType.Float32) { var s = work.StorageSpan<float>().Slice(work._offset, work._numel); float c = (float)coef; for (int i = 0; i < s.Length; i++) s[i] *= c; }
        else if (g.DType == DType.Float64) { var s = work.StorageSpan<double>().Slice(work._offset, work._numel); for (int i = 0; i < s.Length; i++) s[i] *= coef; }
        else throw new NotSupportedException($"clip_grad_norm_ on {g.DType.Name()} gradients");
        if (!ReferenceEquals(work, g)) g.CopyFromRaw(work); else g._storage.Version++;
    }
}
