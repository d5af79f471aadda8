using Flint.Kernels.Cpu;

namespace Flint.Ops;

/// <summary>
/// aten::norm(self, p, dim, keepdim): the vector p-norm over dims (all when null). p = 2 ("fro"), 1, ±inf, 0 (count of
/// nonzeros) or any other real. The backward uses sign(x) and the tie weights of the ±inf norms as constants (they
/// are piecewise constant, so double backward stays right); |x|^(p−2) and norm^(p−1) are written as exp/log.
/// </summary>
public sealed class NormOp(double p, int[]? dims, bool keepdim) : Op
{
    public override string Name => "norm";
    /// <summary>The norm's order.</summary>
    public double P => p;
    /// <summary>The reduced dims (all when null).</summary>
    public int[]? Dims => dims;
    /// <summary>Whether reduced dims stay as size 1.</summary>
    public bool KeepDim => keepdim;
    public override OpKind Kind => OpKind.Composite;
    public override string BackwardName => "NormBackward1";
    public override string FormatAttributes() => $"p={p}, {ReductionPlan.FormatDims(dims, keepdim)}";

    private static DType Check(Tensor x)
    {
        if (!x.DType.IsFloatingPoint())
            throw new ArgumentException($"linalg.vector_norm: Expected a floating point or complex tensor as input. Got {ReduceCore.TypeName(x.DType)}");
        return x.DType;
    }

    public override TensorMeta[] Meta(Tensor[] x) => [new(ReductionPlan.OutputSizes(x[0]._sizes, dims, keepdim), Check(x[0]))];

    public override Tensor[] Forward(Tensor[] x)
    {
        var t = Check(x[0]);
        var plan = new ReductionPlan(x[0], dims, keepdim);
        var rows = plan.Rows(DType.Float64);
        int m = plan.RowCount, n = plan.RowLength;
        var y = Tensor.Empty(plan.OutSizes, DType.Float64);
        double pp = p;
        RowLoop.For(m, n, (s, e) =>
        {
            var r = rows.RawSpan<double>(); var ys = y.RawSpan<double>();
            for (int i = s; i < e; i++) ys[i] = ReduceRows.Norm(r.Slice(i * n, n), pp);
        });
        return [y.CastRaw(t)];
    }

    public override Tensor?[] Backward(BackwardContext ctx)
    {
        if (p == 0) return [null]; // a count of non-zeros has no gradient (PyTorch: undefined, grad None)
        var x = ctx.Input(0); var sizes = ctx.InputSizes(0);
        var g = ReductionPlan.ExpandGrad(ctx.Grad(), sizes, dims, keepdim);
        var norm = ReductionPlan.Unreduce(ctx.Output(0), sizes, dims, keepdim);
        var sign = ReduceMasks.Sign(x);
        if (p == 1) return [g * sign];
        if (double.IsInfinity(p))
        {
            var absx = x * sign;
            return [g * sign * ReduceMasks.TieWeights(absx, norm, dims)];
        }
        // where the norm is 0 the input is 0 too: dividing by (norm + 1) there gives the 0 PyTorch masks in
        var safe = norm + ReduceMasks.ZeroMask(norm);
        if (p == 2) return [g * x / safe];
        var absPow = ((x * sign).Log() * (p - 2)).Exp();        // |x|^(p-2)
        var normPow = (safe.Log() * (p - 1)).Exp();              // norm^(p-1)
        return [g * x * absPow / normPow];
    }
}
