using Flint.Kernels.Cpu;

namespace Flint.Ops;

/// <summary>
/// aten::max.dim / aten::min.dim → (values, indices), and aten::argmax / aten::argmin (dim = null: over the flattened
/// input). Ties give the first index; a NaN wins and gives its index, as in PyTorch on the CPU.
/// </summary>
public sealed class MaxDimOp(int? dim, bool keepdim, bool isMax, bool indicesOnly) : Op
{
    public override string Name => indicesOnly ? (isMax ? "argmax" : "argmin") : (isMax ? "max" : "min");
    public override OpKind Kind => OpKind.Reduction;
    public override bool Differentiable => !indicesOnly;
    public override string BackwardName => (isMax ? "Max" : "Min") + "Backward0";
    public override string FormatAttributes() => $"dim={dim?.ToString() ?? "None"}, keepdim={(keepdim ? "True" : "False")}";

    private int[]? Dims(Tensor x) => dim is { } d ? [ShapeUtil.WrapDim(d, x.Dim)] : null;

    private int[] OutSizes(Tensor x)
    {
        if (dim is null) return keepdim ? Enumerable.Repeat(1, x.Dim).ToArray() : [];
        return ReductionPlan.OutputSizes(x._sizes, Dims(x), keepdim);
    }

    private void Check(Tensor x)
    {
        if (dim is { } d) ShapeUtil.WrapDim(d, x.Dim);
        if (indicesOnly && x.DType == DType.Bool)
            throw new InvalidOperationException($"\"{Name}_cpu\" not implemented for 'Bool'");
        if (x._numel != 0) return;
        if (dim is null)
            throw new IndexOutOfRangeException($"{Name}(): Expected reduction dim to be specified for input.numel() == 0.");
        int w = ShapeUtil.WrapDim(dim.Value, x.Dim);
        if (x.Dim > 0 && x._sizes[w] == 0)
            throw new IndexOutOfRangeException($"{Name}(): Expected reduction dim {w} to have non-zero size.");
    }

    public override TensorMeta[] Meta(Tensor[] x)
    {
        Check(x[0]);
        var s = OutSizes(x[0]);
        return indicesOnly ? [new(s, DType.Int64)] : [new(s, x[0].DType), new(s, DType.Int64)];
    }

    public override Tensor[] Forward(Tensor[] x)
    {
        var t = x[0]; Check(t);
        var outSizes = OutSizes(t);
        var plan = new ReductionPlan(t, Dims(t), keepdim);
        var ct = t.DType is DType.Float32 or DType.Float64 ? t.DType : ReduceCore.ComputeType(t.DType);
        var rows = plan.Rows(ct);
        int m = plan.RowCount, n = plan.RowLength;
        var idx = Tensor.Empty(outSizes, DType.Int64);
        var vals = Tensor.Empty(outSizes, ct);
        switch (ct)
        {
            case DType.Float32: Rows<float>(rows, vals, idx, m, n); break;
            case DType.Float64: Rows<double>(rows, vals, idx, m, n); break;
            default: Rows<long>(rows, vals, idx, m, n); break;
        }
        return indicesOnly ? [idx] : [vals.CastRaw(t.DType), idx];
    }

    private void Rows<T>(Tensor rows, Tensor vals, Tensor idx, int m, int n) where T : unmanaged, System.Numerics.INumber<T>
    {
        bool max = isMax;
        RowLoop.For(m, n, (s, e) =>
        {
            var r = rows.RawSpan<T>(); var v = vals.RawSpan<T>(); var ix = idx.RawSpan<long>();
            for (int i = s; i < e; i++) { var (bv, bi) = ReduceRows.ArgExtreme<T>(r.Slice(i * n, n), max); v[i] = bv; ix[i] = bi; }
        });
    }

    public override Tensor?[] Backward(BackwardContext ctx)
    {
        var sizes = ctx.InputSizes(0);
        return [IndexGrad.ValueSelecting(ctx.Grad(0), dim is { } d ? ShapeUtil.WrapDim(d, sizes.Length) : 0, ctx.Output(1), sizes, keepdim)];
    }
}

/// <summary>
/// aten::var / std / var_mean / std_mean over dims with a correction (1 = unbiased, the default). Outputs
/// [var or std] or [var or std, mean].
/// </summary>
public sealed class VarOp(int[]? dims, double correction, bool keepdim, bool std, bool withMean) : Op
{
    public override string Name => (std ? "std" : "var") + (withMean ? "_mean" : "");
    /// <summary>The reduced dims (all when null).</summary>
    public int[]? Dims => dims;
    /// <summary>Subtracted from the element count in the divisor (1: Bessel's correction).</summary>
    public double Correction => correction;
    /// <summary>Whether reduced dims stay as size 1.</summary>
    public bool KeepDim => keepdim;
    /// <summary>True for std (the square root of var).</summary>
    public bool IsStd => std;
    /// <summary>True for var_mean/std_mean (the mean is a second output).</summary>
    public bool WithMean => withMean;
    public override OpKind Kind => OpKind.Composite;
    public override string FormatAttributes() => $"{ReductionPlan.FormatDims(dims, keepdim)}, correction={correction}";

    private static DType Check(Tensor x, string name)
    {
        if (!x.DType.IsFloatingPoint())
            throw new ArgumentException("std and var only support floating point and complex dtypes");
        return x.DType;
    }

    public override TensorMeta[] Meta(Tensor[] x)
    {
        var t = Check(x[0], std ? "std" : "var");
        var s = ReductionPlan.OutputSizes(x[0]._sizes, dims, keepdim);
        return withMean ? [new(s, t), new(s, t)] : [new(s, t)];
    }

    public override Tensor[] Forward(Tensor[] x)
    {
        var t = Check(x[0], std ? "std" : "var");
        var plan = new ReductionPlan(x[0], dims, keepdim);
        var rows = plan.Rows(DType.Float64);
        int m = plan.RowCount, n = plan.RowLength;
        var v = Tensor.Empty(plan.OutSizes, DType.Float64);
        var mu = Tensor.Empty(plan.OutSizes, DType.Float64);
        bool sd = std; double corr = correction;
        RowLoop.For(m, n, (s, e) =>
        {
            var r = rows.RawSpan<double>(); var vs = v.RawSpan<double>(); var ms = mu.RawSpan<double>();
            for (int i = s; i < e; i++)
            {
                var (var, mean) = ReduceRows.VarMean(r.Slice(i * n, n), corr);
                vs[i] = sd ? Math.Sqrt(var) : var; ms[i] = mean;
            }
        });
        return withMean ? [v.CastRaw(t), mu.CastRaw(t)] : [v.CastRaw(t)];
    }

    public override Tensor?[] Backward(BackwardContext ctx)
    {
        var x = ctx.Input(0); var sizes = ctx.InputSizes(0);
        int n = sizes.Length == 0 ? 1 : ReductionPlan.Count(sizes, dims);
        Tensor? gx = null;
        if (ctx.GradOrNull(0) is { } g)
        {
            // d var / dx = 2 (x - mean) / (N - correction); d std = d var / (2 std)
            // where std is 0 every element equals the mean and PyTorch's gradient is 0: a safe denominator gives that
            if (std) { var sd = ctx.Output(0); g = g / ((sd + ReduceMasks.ZeroMask(sd)) * 2.0); }
            var centered = x - x.Mean(dims ?? AllDims(sizes.Length), keepdim: true);
            gx = ReductionPlan.ExpandGrad(g, sizes, dims, keepdim) * centered * (2.0 / (n - correction));
        }
        if (withMean && ctx.GradOrNull(1) is { } gm)
        {
            var gmx = ReductionPlan.ExpandGrad(gm, sizes, dims, keepdim) / (double)n;
            gx = gx is null ? gmx : gx + gmx;
        }
        return [gx];
    }

    internal static int[] AllDims(int nd)
    {
        var r = new int[nd];
        for (int i = 0; i < nd; i++) r[i] = i;
        return r;
    }
}

/// <summary>aten::logsumexp over dims: log Σ exp(x), stable (the max is subtracted first). Integers give float32.</summary>
public sealed class LogsumexpOp(int[] dims, bool keepdim) : Op
{
    public override string Name => "logsumexp";
    /// <summary>The reduced dims.</summary>
    public int[] Dims => dims;
    /// <summary>Whether reduced dims stay as size 1.</summary>
    public bool KeepDim => keepdim;
    public override OpKind Kind => OpKind.Composite;
    public override string FormatAttributes() => ReductionPlan.FormatDims(dims, keepdim);
    public override TensorMeta[] Meta(Tensor[] x) => [new(ReductionPlan.OutputSizes(x[0]._sizes, dims, keepdim), TypePromotion.ToFloat(x[0].DType))];

    public override Tensor[] Forward(Tensor[] x)
    {
        var plan = new ReductionPlan(x[0], dims, keepdim);
        var rows = plan.Rows(DType.Float64);
        int m = plan.RowCount, n = plan.RowLength;
        var y = Tensor.Empty(plan.OutSizes, DType.Float64);
        RowLoop.For(m, n, (s, e) =>
        {
            var r = rows.RawSpan<double>(); var ys = y.RawSpan<double>();
            for (int i = s; i < e; i++) ys[i] = ReduceRows.LogSumExp(r.Slice(i * n, n));
        });
        return [y.CastRaw(TypePromotion.ToFloat(x[0].DType))];
    }

    public override Tensor?[] Backward(BackwardContext ctx)
    {
        var x = ctx.Input(0); var sizes = ctx.InputSizes(0);
        var y = ReductionPlan.Unreduce(ctx.Output(0), sizes, dims, keepdim);
        return [ReductionPlan.ExpandGrad(ctx.Grad(), sizes, dims, keepdim) * (x - y).Exp()];
    }
}
