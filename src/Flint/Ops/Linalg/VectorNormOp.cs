using System.Numerics.Tensors;

namespace Flint.Ops;

/// <summary>
/// aten::linalg_vector_norm(self, ord, dim, keepdim, dtype): (Σ|x|^ord)^(1/ord) over dims (all when none), with
/// ord = 0 (count of non-zeros), ±inf (max/min of |x|) and any other real. Accumulates in float64 and rounds once.
/// </summary>
public sealed class LinalgVectorNormOp(double ord, int[]? dims, bool keepdim, DType? dtype) : Op
{
    public double Ord { get; } = ord;
    public int[]? Dims { get; } = dims is { Length: 0 } ? null : dims;
    public bool KeepDim { get; } = keepdim;
    public DType? OutDType { get; } = dtype;
    public override string Name => "linalg_vector_norm";
    public override OpKind Kind => OpKind.Composite;
    public override string FormatAttributes()
        => $"ord={PyFormat.Float(Ord)}, dim={(Dims is null ? "None" : "[" + string.Join(", ", Dims) + "]")}, keepdim={(KeepDim ? "True" : "False")}";

    DType ResultType(Tensor x) => OutDType ?? x.DType;
    public override TensorMeta[] Meta(Tensor[] x) => [new(ReductionPlan.OutputSizes(x[0]._sizes, Dims, KeepDim), ResultType(x[0]))];

    public override Tensor[] Forward(Tensor[] x)
    {
        var plan = new ReductionPlan(x[0], Dims, KeepDim);
        var rows = plan.Rows(DType.Float64);
        var y = Tensor.Empty(plan.OutSizes, DType.Float64);
        var src = rows.RawSpan<double>();
        var dst = y.RawSpan<double>();
        int n = plan.RowLength;
        for (int r = 0; r < plan.RowCount; r++) dst[r] = Norm(src.Slice(r * n, n), Ord);
        return [y.CastRaw(ResultType(x[0]))];
    }

    static double Norm(ReadOnlySpan<double> v, double p)
    {
        if (p == 2) return Math.Sqrt(TensorPrimitives.SumOfSquares(v));
        if (p == 1) return TensorPrimitives.SumOfMagnitudes(v);
        if (double.IsPositiveInfinity(p)) return v.Length == 0 ? 0 : TensorPrimitives.MaxMagnitude(v) is var m && double.IsNaN(m) ? m : Math.Abs(m);
        if (double.IsNegativeInfinity(p)) return v.Length == 0 ? 0 : TensorPrimitives.MinMagnitude(v) is var m && double.IsNaN(m) ? m : Math.Abs(m);
        double acc = 0;
        if (p == 0) { foreach (var e in v) acc += e != 0 ? 1 : 0; return acc; }
        foreach (var e in v) acc += Math.Pow(Math.Abs(e), p);
        return Math.Pow(acc, 1 / p);
    }

    /// <summary>PyTorch's norm_backward, case by case, written with public ops (so it has its own derivative).</summary>
    public override Tensor?[] Backward(BackwardContext ctx)
    {
        if (Ord == 0) return [null]; // a count of non-zeros has no gradient: PyTorch leaves it undefined (grad None)
        var self = ctx.Input(0);
        var grad = ctx.Grad();
        var norm = ctx.Output(0);
        int[] inSizes = ctx.InputSizes(0);
        if (self.DType != grad.DType) { grad = grad.To(self.DType); norm = norm.To(self.DType); }
        if (!KeepDim && inSizes.Length > 0)
        {
            var kept = ShapeUtil.ToLong(ReductionPlan.OutputSizes(inSizes, Dims, true));
            grad = grad.Reshape(kept);
            norm = norm.Reshape(kept);
        }
        double p = Ord;
        Tensor r;
        if (p == 1) r = self.Sgn() * grad;
        else if (p == 2) r = grad * (self / norm).MaskedFill(norm.Eq(0), 0);
        else if (double.IsInfinity(p))
        {
            var selfAbs = self.Abs();
            var mask = selfAbs.Eq(norm).LogicalOr(selfAbs.IsNan());
            var allDims = new int[inSizes.Length];
            for (int i = 0; i < allDims.Length; i++) allDims[i] = i;
            var count = mask.Sum(Dims ?? allDims, keepdim: true);
            r = self.Sgn() * (grad / count * mask);
        }
        else if (p < 1)
        {
            var scaled = self.Sgn() * self.Abs().Pow(p - 1).MaskedFill(self.Eq(0), 0);
            r = scaled * grad * norm.Pow(1 - p);
        }
        else if (p < 2)
        {
            var scaled = self.Sgn() * self.Abs().Pow(p - 1);
            r = scaled * (grad / norm.Pow(p - 1)).MaskedFill(norm.Eq(0), 0);
        }
        else
        {
            var scaled = self * self.Abs().Pow(p - 2);
            r = scaled * (grad / norm.Pow(p - 1)).MaskedFill(norm.Eq(0), 0);
        }
        return [r];
    }
}
