namespace Flint.Compiler.Decompositions;

// The composite reductions, written with sum, amax/amin and pointwise ops. Half-precision values accumulate in float32
// as the eager kernels do; the eager var, std, logsumexp and norms accumulate in float64, so float32 results differ
// from them by float32 rounding of the sums.
public static partial class DecompositionTable
{
    private static void AddReductions(Dictionary<string, Decomposition> t)
    {
        t["mean"] = Mean;
        t["var"] = t["std"] = t["var_mean"] = t["std_mean"] = Var;
        t["logsumexp"] = Logsumexp;
        t["nansum"] = Nansum;
        t["norm"] = (op, x) => { var n = (NormOp)op; return [VectorNorm(x[0]!, n.P, n.Dims, n.KeepDim)]; };
        t["linalg_vector_norm"] = (op, x) =>
        {
            var n = (LinalgVectorNormOp)op;
            return [VectorNorm(x[0]!.To(n.OutDType ?? x[0]!.DType), n.Ord, n.Dims, n.KeepDim)];
        };
        t["trace"] = (op, x) => [x[0]!.Diagonal().Sum()];
    }

    private static Tensor Sum(Tensor x, int[]? dims, bool keepdim, DType? dtype = null)
        => Dispatcher.Call1(new SumOp(dims, keepdim, dtype), [x]);

    private static int Count(Tensor x, int[]? dims) => x.Dim == 0 ? 1 : ReductionPlan.Count(x._sizes, dims);

    /// <summary>mean: Σx / n, summed in the result dtype (float32 for halves).</summary>
    private static Tensor[] Mean(Op op, Tensor?[] inputs)
    {
        var m = (MeanOp)op;
        var x = inputs[0]!;
        var rt = MeanOp.ResultType(x.DType, m.OutDType);
        return [(Sum(x, m.Dims, m.KeepDim, ComputeType(rt)) / (double)Count(x, m.Dims)).To(rt)];
    }

    /// <summary>var: Σ(x − mean)² / max(0, n − correction) (two passes, as the eager kernel); std is its root;
    /// var_mean and std_mean return the mean too.</summary>
    private static Tensor[] Var(Op op, Tensor?[] inputs)
    {
        var v = (VarOp)op;
        var x0 = inputs[0]!;
        op.Meta([x0]); // integer inputs are refused with PyTorch's message
        var x = x0.To(ComputeType(x0.DType));
        var mean = Dispatcher.Call1(new MeanOp(v.Dims, true, null), [x]);
        var d = x - mean;
        var r = Sum(d * d, v.Dims, v.KeepDim) / Math.Max(0, Count(x, v.Dims) - v.Correction);
        if (v.IsStd) r = r.Sqrt();
        if (!v.WithMean) return [r.To(x0.DType)];
        var outSizes = ReductionPlan.OutputSizes(x._sizes, v.Dims, v.KeepDim);
        return [r.To(x0.DType), mean.View(ShapeUtil.ToLong(outSizes)).To(x0.DType)];
    }

    /// <summary>logsumexp: log Σ e^{x−m} + m with m the max (0 where the max is infinite, so rows of −∞ give −∞ and
    /// rows holding +∞ give +∞ instead of NaN).</summary>
    private static Tensor[] Logsumexp(Op op, Tensor?[] inputs)
    {
        var l = (LogsumexpOp)op;
        var x = inputs[0]!.To(TypePromotion.ToFloat(inputs[0]!.DType));
        var dims = l.Dims.Length == 0 ? null : l.Dims;
        var max = Dispatcher.Call1(new AmaxOp(dims, true, true, "amax"), [x]);
        max = Torch.Where(max.IsInf(), 0.0, max);
        var sum = Sum((x - max).Exp(), dims, l.KeepDim).Log();
        var outSizes = ReductionPlan.OutputSizes(x._sizes, dims, l.KeepDim);
        return [sum + (l.KeepDim ? max : max.View(ShapeUtil.ToLong(outSizes)))];
    }

    /// <summary>nansum: Σ of x with NaN replaced by 0.</summary>
    private static Tensor[] Nansum(Op op, Tensor?[] inputs)
    {
        var n = (NansumOp)op;
        var x = inputs[0]!;
        if (x.DType.IsFloatingPoint()) x = Torch.Where(x.IsNan(), 0.0, x);
        return [Sum(x, n.Dims, n.KeepDim, n.OutDType)];
    }

    /// <summary>The vector p-norm over dims: √Σx² (p = 2), Σ|x| (1), max|x| (∞), min|x| (−∞), the count of
    /// non-zeros (0), (Σ|x|^p)^{1/p} otherwise.</summary>
    private static Tensor VectorNorm(Tensor x, double p, int[]? dims, bool keepdim)
    {
        if (p == 2) return Sum(x * x, dims, keepdim).Sqrt();
        if (p == 1) return Sum(x.Abs(), dims, keepdim);
        if (double.IsInfinity(p)) return Dispatcher.Call1(new AmaxOp(dims, keepdim, p > 0, p > 0 ? "amax" : "amin"), [x.Abs()]);
        if (p == 0) return Sum(x.Ne(0).To(x.DType), dims, keepdim);
        return Sum(x.Abs().Pow(p), dims, keepdim).Pow(1 / p);
    }
}
