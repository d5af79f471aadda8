using System.Numerics.Tensors;

namespace Flint.Ops;

/// <summary>aten::sum(self, dim, keepdim, dtype). Integers and bool sum to int64, as in PyTorch.</summary>
public sealed class SumOp(int[]? dims, bool keepdim, DType? dtype) : Op
{
    public static readonly SumOp All = new(null, false, null);
    public int[]? Dims { get; } = dims;
    public bool KeepDim { get; } = keepdim;
    public override string Name => "sum";
    public override string BackwardName => Dims is null ? "SumBackward0" : "SumBackward1";
    public override string FormatAttributes() => Dims is null ? "" : $"dim=[{string.Join(", ", Dims)}], keepdim={(KeepDim ? "True" : "False")}";

    private DType ResultType(Tensor x) => dtype ?? (x.DType.IsFloatingPoint() ? x.DType : DType.Int64);

    public override TensorMeta[] Meta(Tensor[] x) => [new(ReductionPlan.OutputSizes(x[0]._sizes, Dims, KeepDim), ResultType(x[0]))];

    public override Tensor[] Forward(Tensor[] x)
    {
        var plan = new ReductionPlan(x[0], Dims, KeepDim);
        var rt = ResultType(x[0]);
        var ct = rt is DType.Float16 or DType.BFloat16 ? DType.Float32 : rt;
        var rows = plan.Rows(ct);
        var y = Tensor.Empty(plan.OutSizes, ct);
        int n = plan.RowLength, m = plan.RowCount;
        switch (ct)
        {
            case DType.Float32:
                { var s = rows.AsSpan<float>(); var d = y.AsSpan<float>(); for (int r = 0; r < m; r++) d[r] = TensorPrimitives.Sum(s.Slice(r * n, n)); break; }
            case DType.Float64:
                { var s = rows.AsSpan<double>(); var d = y.AsSpan<double>(); for (int r = 0; r < m; r++) d[r] = TensorPrimitives.Sum(s.Slice(r * n, n)); break; }
            case DType.Int64:
                { var s = rows.AsSpan<long>(); var d = y.AsSpan<long>(); for (int r = 0; r < m; r++) { long acc = 0; foreach (var v in s.Slice(r * n, n)) acc += v; d[r] = acc; } break; }
            default:
                { var s = rows.CastRaw(DType.Float64).AsSpan<double>(); var yd = Tensor.Empty(plan.OutSizes, DType.Float64); var d = yd.AsSpan<double>(); for (int r = 0; r < m; r++) d[r] = TensorPrimitives.Sum(s.Slice(r * n, n)); y = yd.CastRaw(ct); break; }
        }
        return [y.CastRaw(rt)];
    }

    public override Tensor?[] Backward(BackwardContext ctx)
        => [ReductionPlan.ExpandGrad(ctx.Grad(), ctx.InputSizes(0), Dims, KeepDim)];
}

/// <summary>
/// How a reduction over some dims is laid out: the reduced dims are moved last and made contiguous, so each output
/// element reduces one contiguous row of <see cref="RowLength"/> elements.
/// </summary>
public readonly struct ReductionPlan
{
    public readonly Tensor Input;
    public readonly bool[] Reduced;
    public readonly int[] OutSizes;
    public readonly int RowLength, RowCount;

    public ReductionPlan(Tensor x, int[]? dims, bool keepdim)
    {
        Input = x;
        Reduced = ReducedMask(x.Dim, dims);
        OutSizes = OutputSizes(x._sizes, dims, keepdim);
        int row = 1;
        for (int d = 0; d < x.Dim; d++) if (Reduced[d]) row *= x._sizes[d];
        RowLength = row;
        RowCount = row == 0 ? ShapeUtil.Numel(OutSizes) : x._numel / Math.Max(row, 1);
        if (x.Dim == 0) { RowLength = 1; RowCount = 1; }
    }

    public static bool[] ReducedMask(int ndim, int[]? dims)
    {
        var mask = new bool[ndim];
        if (dims is null || dims.Length == 0) { Array.Fill(mask, true); return mask; }
        foreach (var d in dims)
        {
            int w = ShapeUtil.WrapDim(d, ndim);
            if (ndim == 0) continue;
            if (mask[w]) throw new ArgumentException($"dim {w} appears multiple times in the list of dims");
            mask[w] = true;
        }
        return mask;
    }

    public static int[] OutputSizes(int[] sizes, int[]? dims, bool keepdim)
    {
        var mask = ReducedMask(sizes.Length, dims);
        var r = new List<int>(sizes.Length);
        for (int d = 0; d < sizes.Length; d++)
            if (!mask[d]) r.Add(sizes[d]);
            else if (keepdim) r.Add(1);
        return r.ToArray();
    }

    /// <summary>The input permuted so reduced dims come last, contiguous, in dtype ct: RowCount rows of RowLength.</summary>
    public Tensor Rows(DType ct)
    {
        var x = Input;
        var perm = new List<int>(x.Dim);
        for (int d = 0; d < x.Dim; d++) if (!Reduced[d]) perm.Add(d);
        for (int d = 0; d < x.Dim; d++) if (Reduced[d]) perm.Add(d);
        var sizes = new int[x.Dim]; var strides = new int[x.Dim];
        for (int i = 0; i < perm.Count; i++) { sizes[i] = x._sizes[perm[i]]; strides[i] = x._strides[perm[i]]; }
        var p = x.AsStridedRaw(sizes, strides, x._offset);
        return p.CastRaw(ct).ContiguousRaw();
    }

    /// <summary>The backward of a sum-like reduction: the output gradient broadcast back over the reduced dims.</summary>
    public static Tensor ExpandGrad(Tensor g, int[] inputSizes, int[]? dims, bool keepdim)
    {
        if (!keepdim && inputSizes.Length > 0)
        {
            var mask = ReducedMask(inputSizes.Length, dims);
            var kept = new long[inputSizes.Length];
            for (int d = 0; d < inputSizes.Length; d++) kept[d] = mask[d] ? 1 : inputSizes[d];
            g = g.Reshape(kept);
        }
        return g.Expand(ShapeUtil.ToLong(inputSizes));
    }
}
