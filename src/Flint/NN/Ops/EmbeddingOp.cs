namespace Flint.NN;

/// <summary>
/// aten::embedding(weight, indices): rows of weight picked by indices (any shape) → indices.shape + [dim]. The
/// gradient scatters back into a zero weight gradient, skipping padding_idx, optionally divided by each index's
/// frequency in the batch (scale_grad_by_freq).
/// </summary>
internal sealed class EmbeddingOp(long paddingIdx, bool scaleGradByFreq) : Op
{
    public override string Name => "embedding";
    public override OpKind Kind => OpKind.Extern;
    public override string FormatAttributes() => $"padding_idx={paddingIdx}, scale_grad_by_freq={(scaleGradByFreq ? "True" : "False")}";

    private static int[] OutShape(Tensor w, Tensor idx)
    {
        var s = new int[idx.Dim + 1];
        idx._sizes.CopyTo(s, 0);
        s[^1] = w._sizes[1];
        return s;
    }

    public override TensorMeta[] Meta(Tensor[] x) => [new(OutShape(x[0], x[1]), x[0].DType)];

    public override Tensor[] Forward(Tensor[] x)
    {
        var w = x[0]; var idx = x[1].CastRaw(DType.Int64).ContiguousRaw().RawSpan<long>();
        int rows = w._sizes[0], dim = w._sizes[1];
        var wc = w.ContiguousRaw();
        var y = Tensor.Empty(OutShape(w, x[1]), w.DType);
        int es = w.DType.ElementSize();
        var src = wc._storage.RawBytes().Slice(wc._offset * es);
        var dst = y._storage.RawBytes();
        int rowBytes = dim * es;
        for (int i = 0; i < idx.Length; i++)
        {
            long r = idx[i];
            if (r < 0 || r >= rows) throw new IndexOutOfRangeException("index out of range in self");
            src.Slice((int)r * rowBytes, rowBytes).CopyTo(dst.Slice(i * rowBytes, rowBytes));
        }
        return [y];
    }

    public override Tensor?[] Backward(BackwardContext ctx)
    {
        if (!ctx.NeedsInputGrad(0)) return [null, null];
        var idx = ctx.Input(1).Reshape(-1);
        var sizes = ctx.InputSizes(0);
        var g = ctx.Grad().Reshape(-1, sizes[1]);
        var flat = idx.CastRaw(DType.Int64).ContiguousRaw().RawSpan<long>();
        double[]? scale = null;
        if (paddingIdx >= 0 || scaleGradByFreq)
        {
            scale = new double[flat.Length];
            var counts = new Dictionary<long, int>();
            if (scaleGradByFreq) foreach (var v in flat) counts[v] = counts.GetValueOrDefault(v) + 1;
            for (int i = 0; i < flat.Length; i++)
                scale[i] = flat[i] == paddingIdx ? 0 : scaleGradByFreq ? 1.0 / counts[flat[i]] : 1;
        }
        if (scale is not null) g = g * Torch.FromArray(scale, scale.Length, 1).To(g.DType);
        var gw = Torch.Zeros(ShapeUtil.ToLong(sizes), ctx.InputDType(0)).IndexAdd(0, idx.To(DType.Int64), g);
        return [gw, null];
    }
}
