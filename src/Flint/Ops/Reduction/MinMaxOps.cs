namespace Flint.Ops;

/// <summary>
/// aten::amax / aten::amin over dims, and max()/min() over all elements (NaN propagates). Backward splits the gradient
/// evenly among ties, as PyTorch does.
/// </summary>
public sealed class AmaxOp(int[]? dims, bool keepdim, bool isMax, string name) : Op
{
    public override string Name => name;
    public override OpKind Kind => OpKind.Reduction;
    public override string BackwardName => name is "max" or "min" ? Op.CamelCase(name) + "Backward1" : base.BackwardName;
    public override string FormatAttributes() => ReductionPlan.FormatDims(dims, keepdim);
    public override TensorMeta[] Meta(Tensor[] x)
    {
        ReduceCore.CheckNonEmpty(x[0], name, dims);
        return [new(ReductionPlan.OutputSizes(x[0]._sizes, dims, keepdim), x[0].DType)];
    }

    public override Tensor[] Forward(Tensor[] x)
    {
        ReduceCore.CheckNonEmpty(x[0], name, dims);
        var t = x[0].DType;
        var ct = t == DType.Bool ? DType.UInt8 : ReduceCore.ComputeType(t);
        var xi = t == DType.Bool ? x[0].CastRaw(DType.UInt8) : x[0];
        return [ReduceCore.Run(xi, dims, keepdim, ct, isMax ? ReduceCore.Kind.Max : ReduceCore.Kind.Min).CastRaw(t)];
    }

    public override Tensor?[] Backward(BackwardContext ctx)
    {
        var x = ctx.Input(0); var sizes = ctx.InputSizes(0);
        var y = ReductionPlan.Unreduce(ctx.Output(0), sizes, dims, keepdim);
        return [ReductionPlan.ExpandGrad(ctx.Grad(), sizes, dims, keepdim) * ReduceMasks.TieWeights(x, y, dims, nanMatches: name is "max" or "min")];
    }
}

/// <summary>aten::all / aten::any (over all elements or dims): bool results (uint8 for uint8 inputs, as in 1.13).</summary>
public sealed class AllAnyOp(int[]? dims, bool keepdim, bool all) : Op
{
    public override string Name => all ? "all" : "any";
    public override OpKind Kind => OpKind.Reduction;
    public override bool Differentiable => false;
    public override string FormatAttributes() => ReductionPlan.FormatDims(dims, keepdim);
    private static DType Out(DType t) => t == DType.UInt8 ? DType.UInt8 : DType.Bool;
    public override TensorMeta[] Meta(Tensor[] x) => [new(ReductionPlan.OutputSizes(x[0]._sizes, dims, keepdim), Out(x[0].DType))];

    public override Tensor[] Forward(Tensor[] x)
    {
        var b = x[0].DType == DType.Bool ? x[0] : x[0].CastRaw(DType.Bool);
        var y = ReduceCore.Run(b.CastRaw(DType.UInt8), dims, keepdim, DType.UInt8, all ? ReduceCore.Kind.Min : ReduceCore.Kind.Max);
        // all() of nothing is true, any() of nothing false: the reducers' identities are 255 and 0
        return [y.CastRaw(DType.Bool).CastRaw(Out(x[0].DType))];
    }

    public override Tensor?[] Backward(BackwardContext ctx) => [null];
}

/// <summary>aten::count_nonzero over dims (all when none): int64.</summary>
public sealed class CountNonzeroOp(int[]? dims) : Op
{
    public override string Name => "count_nonzero";
    public override OpKind Kind => OpKind.Reduction;
    public override bool Differentiable => false;
    public override TensorMeta[] Meta(Tensor[] x) => [new(ReductionPlan.OutputSizes(x[0]._sizes, dims, false), DType.Int64)];
    public override Tensor[] Forward(Tensor[] x)
    {
        var b = x[0].DType == DType.Bool ? x[0] : x[0].CastRaw(DType.Bool);
        return [ReduceCore.Run(b, dims, false, DType.Int64, ReduceCore.Kind.Sum)];
    }
    public override Tensor?[] Backward(BackwardContext ctx) => [null];
}
