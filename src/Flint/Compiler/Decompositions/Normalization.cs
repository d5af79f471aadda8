namespace Flint.Compiler.Decompositions;

// native_layer_norm and its backward, as the mean/variance/rsqrt formulas the fused kernels compute (bfloat16 in
// float32). Batch norm is no op of its own: F.BatchNorm is written with ops (its running-statistics updates are
// in-place copy_ ops, visible to a recording mode), so it decomposes through mean and var.
public static partial class DecompositionTable
{
    private static void AddNormalization(Dictionary<string, Decomposition> t)
    {
        t["native_layer_norm"] = LayerNorm;
        t["native_layer_norm_backward"] = LayerNormBackward;
    }

    private static Tensor? Optional(Tensor?[] x, int i) => x.Length > i ? x[i] : null;

    /// <summary>The trailing k dims of an n-dim tensor, and the leading n − k.</summary>
    private static (int[] Normalized, int[] Leading) SplitDims(int n, int k)
    {
        var normalized = new int[k];
        for (int i = 0; i < k; i++) normalized[i] = n - k + i;
        var leading = new int[n - k];
        for (int i = 0; i < leading.Length; i++) leading[i] = i;
        return (normalized, leading);
    }

    /// <summary>(y, mean, rstd): mean and biased variance over the normalized dims, rstd = 1/√(var + eps),
    /// y = (x − mean)·rstd·w + b.</summary>
    private static Tensor[] LayerNorm(Op op, Tensor?[] inputs)
    {
        var ln = (NativeLayerNormOp)op;
        Tensor x0 = inputs[0]!; Tensor? w = Optional(inputs, 1), b = Optional(inputs, 2);
        ln.Check(x0, w, b);
        var ct = ComputeType(x0.DType);
        var x = x0.To(ct);
        var (dims, _) = SplitDims(x.Dim, ln.NormalizedShape.Length);
        var mean = x.Mean(dims, keepdim: true);
        var d = x - mean;
        var rstd = ((d * d).Mean(dims, keepdim: true) + ln.Eps).Rsqrt();
        var y = d * rstd;
        if (w is not null) y = y * w.To(ct);
        if (b is not null) y = y + b.To(ct);
        return [y.To(x0.DType), mean.To(x0.DType), rstd.To(x0.DType)];
    }

    /// <summary>Inputs (grad, x, mean, rstd, weight?): with x̂ = (x − mean)·rstd and ĝ = g·w,
    /// dx = rstd·(ĝ − mean(ĝ) − x̂·mean(ĝ·x̂)); dw = Σ g·x̂ and db = Σ g over the leading dims.</summary>
    private static Tensor[] LayerNormBackward(Op op, Tensor?[] inputs)
    {
        var lb = (NativeLayerNormBackwardOp)op;
        var rt = inputs[1]!.DType;
        var ct = ComputeType(rt);
        Tensor g = inputs[0]!.To(ct), x = inputs[1]!.To(ct), mean = inputs[2]!.To(ct), rstd = inputs[3]!.To(ct);
        var w = Optional(inputs, 4)?.To(ct);
        var (dims, lead) = SplitDims(x.Dim, lb.NormalizedShape.Length);
        var xhat = (x - mean) * rstd;
        var gw = w is null ? g : g * w;
        var dx = rstd * (gw - gw.Mean(dims, keepdim: true) - xhat * (gw * xhat).Mean(dims, keepdim: true));
        if (!lb.ParamGrads) return [dx.To(rt)];
        var dw = lead.Length == 0 ? g * xhat : (g * xhat).Sum(lead);
        var db = lead.Length == 0 ? g : g.Sum(lead);
        return [dx.To(rt), dw.To(rt), db.To(rt)];
    }
}
