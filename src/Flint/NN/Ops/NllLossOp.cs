namespace Flint.NN;

/// <summary>
/// aten::nll_loss_nd: -weight[t]·input[i, t] per element (class dim 1, or 0 for a 1-D input), reduced by none, mean
/// (divided by the total weight of non-ignored targets) or sum. The gradient is a constant sparse pattern times the
/// incoming gradient, so it is written as one multiplication.
/// </summary>
internal sealed class NllLossOp(Reduction reduction, long ignoreIndex, bool hasWeight) : Op
{
    public Reduction Reduction { get; } = reduction;
    public long IgnoreIndex { get; } = ignoreIndex;
    public bool HasWeight => hasWeight;
    public override string Name => "nll_loss_nd";
    public override Graphs.SchemaCall? Bind(Tensor?[] x) => Graphs.OpRegistry.Call("aten::nll_loss_nd", x[0], x[1], x.Length > 2 ? x[2] : null, (long)Reduction, IgnoreIndex);
    public override OpKind Kind => OpKind.Composite;
    public override string FormatAttributes() => $"reduction={(int)Reduction}, ignore_index={IgnoreIndex}";

    public override string BackwardName => "NllLossBackward0";

    private static int[] OutShape(Tensor input)
    {
        if (input.Dim == 1) return [];
        var s = new List<int> { input._sizes[0] };
        for (int d = 2; d < input.Dim; d++) s.Add(input._sizes[d]);
        return s.ToArray();
    }

    public override TensorMeta[] Meta(Tensor[] x) => [new(Reduction == Reduction.None ? OutShape(x[0]) : [], x[0].DType)];

    /// <summary>The per-element coefficients c[i, class, …] with loss = Σ c·input (before reduction), and the total
    /// weight used by mean.</summary>
    private (Tensor Coef, double TotalWeight) Coefficients(Tensor input, Tensor target, Tensor? weight)
    {
        int C = input.Dim == 1 ? input._sizes[0] : input._sizes[1];
        int N = input.Dim == 1 ? 1 : input._sizes[0];
        int inner = 1; for (int d = 2; d < input.Dim; d++) inner *= input._sizes[d];
        var t = target.CastRaw(DType.Int64).ContiguousRaw();
        var tv = KernelDispatch.Data<long>(t);
        double[]? w = weight?.CastRaw(DType.Float64).ContiguousRaw().RawSpan<double>().ToArray();
        var coef = new double[input._numel];
        double total = 0;
        for (int n = 0; n < N; n++)
            for (int j = 0; j < inner; j++)
            {
                long c = tv[n * inner + j];
                if (c == IgnoreIndex) continue;
                if (c < 0 || c >= C) throw new IndexOutOfRangeException($"Target {c} is out of bounds.");
                double wc = w is null ? 1 : w[c];
                coef[(n * C + c) * inner + j] = -wc;
                total += wc;
            }
        var ct = Torch.FromArray(coef, ShapeUtil.ToLong(input._sizes)).CastRaw(input.DType);
        return (ct, total);
    }

    public override Tensor[] Forward(Tensor[] inputs)
    {
        var input = inputs[0]; var target = inputs[1]; var weight = inputs.Length > 2 ? inputs[2] : null;
        var (coef, total) = Coefficients(input, target, weight);
        var x = input.CastRaw(DType.Float64).ContiguousRaw().RawSpan<double>();
        var cf = coef.CastRaw(DType.Float64).RawSpan<double>();
        int C = input.Dim == 1 ? input._sizes[0] : input._sizes[1];
        int N = input.Dim == 1 ? 1 : input._sizes[0];
        int inner = input._numel / Math.Max(1, N * C);
        var per = new double[N * inner];
        for (int n = 0; n < N; n++)
            for (int c = 0; c < C; c++)
                for (int j = 0; j < inner; j++)
                {
                    int i = (n * C + c) * inner + j;
                    if (cf[i] != 0) per[n * inner + j] += cf[i] * x[i];
                }
        Tensor r;
        if (Reduction == Reduction.None) r = Torch.FromArray(per, ShapeUtil.ToLong(OutShape(input)));
        else
        {
            double s = 0; foreach (var v in per) s += v;
            r = Torch.ScalarTensor(Reduction == Reduction.Mean ? s / total : s, DType.Float64);
        }
        return [r.CastRaw(input.DType)];
    }

    public override Tensor?[] Backward(BackwardContext ctx)
    {
        int count = hasWeight ? 3 : 2;
        if (!ctx.NeedsInputGrad(0)) return new Tensor?[count];
        var input = ctx.Input(0);
        var (coef, total) = Coefficients(input, ctx.Input(1), hasWeight ? ctx.Input(2) : null);
        var g = ctx.Grad();
        Tensor gi;
        if (Reduction == Reduction.None)
        {
            // g has the input's shape without the class dim: put a size-1 class dim back to broadcast.
            var s = new List<long>(g.Shape);
            s.Insert(input.Dim == 1 ? 0 : 1, 1);
            gi = coef * g.Reshape(s.ToArray());
        }
        // Every target ignored (total weight 0): the forward's 0/0 is NaN, but no element contributed, so the
        // gradient is zero as in PyTorch (the all-zero coefficients times g, never times g/0).
        else gi = Reduction == Reduction.Mean && total != 0 ? coef * (g / total) : coef * g;
        var r = new Tensor?[count];
        r[0] = gi;
        return r;
    }
}
