namespace Flint.Ops;

/// <summary>aten::sum(self, dim, keepdim, dtype). Integers and bool sum to int64, as in PyTorch.</summary>
public sealed class SumOp(int[]? dims, bool keepdim, DType? dtype) : Op
{
    public static readonly SumOp All = new(null, false, null);
    public int[]? Dims { get; } = dims;
    public bool KeepDim { get; } = keepdim;
    public override string Name => "sum";
    public override Graphs.SchemaCall? Bind(Tensor?[] x) => ReductionBinding.Bind("aten::sum", x[0], Dims, KeepDim, dtype);
    public override OpKind Kind => OpKind.Reduction;
    public override string BackwardName => Dims is null ? "SumBackward0" : "SumBackward1";
    public override string FormatAttributes() => ReductionPlan.FormatDims(Dims, KeepDim);

    internal static DType ResultType(DType x, DType? dtype) => dtype ?? (x.IsFloatingPoint() ? x : DType.Int64);

    public override TensorMeta[] Meta(Tensor[] x) => [new(ReductionPlan.OutputSizes(x[0]._sizes, Dims, KeepDim), ResultType(x[0].DType, dtype))];

    public override Tensor[] Forward(Tensor[] x)
    {
        var rt = ResultType(x[0].DType, dtype);
        return [ReduceCore.Run(x[0], Dims, KeepDim, ReduceCore.ComputeType(rt), ReduceCore.Kind.Sum).CastRaw(rt)];
    }

    public override Tensor?[] Backward(BackwardContext ctx)
        => [ReductionPlan.ExpandGrad(ctx.Grad(), ctx.InputSizes(0), Dims, KeepDim).To(ctx.InputDType(0))];
}

/// <summary>aten::nansum: sum with NaN counted as zero.</summary>
public sealed class NansumOp(int[]? dims, bool keepdim, DType? dtype) : Op
{
    public override string Name => "nansum";
    /// <summary>The reduced dims (all when null).</summary>
    public int[]? Dims => dims;
    /// <summary>Whether reduced dims stay as size 1.</summary>
    public bool KeepDim => keepdim;
    /// <summary>The requested result dtype, if any.</summary>
    public DType? OutDType => dtype;
    public override OpKind Kind => OpKind.Composite;
    public override string FormatAttributes() => ReductionPlan.FormatDims(dims, keepdim);
    public override TensorMeta[] Meta(Tensor[] x) => [new(ReductionPlan.OutputSizes(x[0]._sizes, dims, keepdim), SumOp.ResultType(x[0].DType, dtype))];

    public override Tensor[] Forward(Tensor[] x)
    {
        var rt = SumOp.ResultType(x[0].DType, dtype);
        var ct = ReduceCore.ComputeType(rt);
        var xc = x[0];
        if (xc.DType.IsFloatingPoint()) xc = ReduceMasks.ZeroNaN(xc, ct);
        return [ReduceCore.Run(xc, dims, keepdim, ct, ReduceCore.Kind.Sum).CastRaw(rt)];
    }

    public override Tensor?[] Backward(BackwardContext ctx)
    {
        var x = ctx.Input(0);
        return [ReductionPlan.ExpandGrad(ctx.Grad(), ctx.InputSizes(0), dims, keepdim) * ReduceMasks.NotNaN(x)];
    }
}

/// <summary>aten::mean: floating (or an explicit dtype) only, as in PyTorch.</summary>
public sealed class MeanOp(int[]? dims, bool keepdim, DType? dtype) : Op
{
    public override string Name => "mean";
    public override Graphs.SchemaCall? Bind(Tensor?[] x) => ReductionBinding.Bind("aten::mean", x[0], dims, keepdim, dtype);
    /// <summary>The reduced dims (all when null).</summary>
    public int[]? Dims => dims;
    /// <summary>Whether reduced dims stay as size 1.</summary>
    public bool KeepDim => keepdim;
    /// <summary>The requested result dtype, if any.</summary>
    public DType? OutDType => dtype;
    public override OpKind Kind => OpKind.Composite;
    public override string BackwardName => dims is null ? "MeanBackward0" : "MeanBackward1";
    public override string FormatAttributes() => ReductionPlan.FormatDims(dims, keepdim);

    internal static DType ResultType(DType x, DType? dtype, string name = "mean")
    {
        var t = dtype ?? x;
        if (!t.IsFloatingPoint())
            throw new ArgumentException($"{name}(): could not infer output dtype. {(dtype is null ? "Input" : "Optional")} dtype must be either a floating point or complex dtype. Got: {ReduceCore.TypeName(t)}");
        return t;
    }

    public override TensorMeta[] Meta(Tensor[] x) => [new(ReductionPlan.OutputSizes(x[0]._sizes, dims, keepdim), ResultType(x[0].DType, dtype))];

    public override Tensor[] Forward(Tensor[] x)
    {
        var rt = ResultType(x[0].DType, dtype);
        var ct = ReduceCore.ComputeType(rt);
        var s = ReduceCore.Run(x[0], dims, keepdim, ct, ReduceCore.Kind.Sum);
        int n = x[0].Dim == 0 ? 1 : ReductionPlan.Count(x[0]._sizes, dims);
        ReduceMasks.Scale(s, 1.0 / n);
        return [s.CastRaw(rt)];
    }

    public override Tensor?[] Backward(BackwardContext ctx)
    {
        var sizes = ctx.InputSizes(0);
        int n = sizes.Length == 0 ? 1 : ReductionPlan.Count(sizes, dims);
        // Divide before expanding (the same values): the expanded gradient stays a stride-0 view.
        return [ReductionPlan.ExpandGrad(ctx.Grad().To(ctx.InputDType(0)) / (double)n, sizes, dims, keepdim)];
    }
}

/// <summary>aten::prod over all elements or one dim. Integers and bool multiply in int64.</summary>
public sealed class ProdOp(int? dim, bool keepdim, DType? dtype) : Op
{
    public override string Name => "prod";
    public override OpKind Kind => OpKind.Reduction;
    public override string BackwardName => dim is null ? "ProdBackward0" : "ProdBackward1";
    private int[]? Dims => dim is { } d ? [d] : null;
    public override string FormatAttributes() => dim is null ? "" : $"dim={dim}, keepdim={(keepdim ? "True" : "False")}";
    public override TensorMeta[] Meta(Tensor[] x) => [new(ReductionPlan.OutputSizes(x[0]._sizes, Dims, keepdim), SumOp.ResultType(x[0].DType, dtype))];

    public override Tensor[] Forward(Tensor[] x)
    {
        var rt = SumOp.ResultType(x[0].DType, dtype);
        return [ReduceCore.Run(x[0], Dims, keepdim, ReduceCore.ComputeType(rt), ReduceCore.Kind.Prod).CastRaw(rt)];
    }

    public override Tensor?[] Backward(BackwardContext ctx)
    {
        var x = ctx.Input(0); var y = ctx.Output(0);
        var sizes = ctx.InputSizes(0);
        var g = ReductionPlan.ExpandGrad(ctx.Grad(), sizes, Dims, keepdim);
        // Without zeros, d prod / d x_i = prod / x_i (differentiable further). With zeros, PyTorch switches to the
        // product of the other elements; so do we (computed directly, first order only).
        if (!ReduceMasks.HasZero(x))
            return [g * ReductionPlan.Unreduce(y, sizes, Dims, keepdim).Expand(ShapeUtil.ToLong(sizes)) / x];
        var d = dim is { } dd ? ShapeUtil.WrapDim(dd, x.Dim) : -1;
        var src = d < 0 ? x.Reshape(-1) : x;
        var others = Dispatcher.Call1(new ProdOthersOp(d < 0 ? 0 : d), [src]);
        if (d < 0) others = others.Reshape(ShapeUtil.ToLong(sizes));
        return [g * others];
    }
}
