using Flint.Kernels.Cpu;

namespace Flint.Ops;

/// <summary>Shared plumbing of the ops that order values along one dim: the compute dtype and the lines.</summary>
internal static class SortCore
{
    public static DType ComputeType(DType t) => t is DType.Float32 or DType.Float64 ? t : t.IsFloatingPoint() ? DType.Float32 : DType.Int64;

    public static int WrapDim(int dim, Tensor x) => x.Dim == 0 ? 0 : ShapeUtil.WrapDim(dim, x.Dim);

    public static int Size(Tensor x, int d) => x.Dim == 0 ? 1 : x._sizes[d];

    /// <summary>(values, indices) lines of x sorted along d, in x's compute dtype.</summary>
    public static (Tensor vals, Tensor idx) SortedLines(Tensor x, int d, bool descending)
    {
        var ct = ComputeType(x.DType);
        var lines = DimLines.ToLines(x, d, ct);
        if (ReferenceEquals(lines._storage, x._storage)) lines = lines.CloneRaw();
        var idx = Tensor.Empty(lines._sizes, DType.Int64);
        int n = lines._sizes[^1], m = n == 0 ? 0 : lines._numel / n;
        var im = ((Storage<long>)idx._storage).RawMemory;
        switch (ct)
        {
            case DType.Float32: SortKernels.SortLines(((Storage<float>)lines._storage).RawMemory.Slice(lines._offset, lines._numel), im, m, n, descending); break;
            case DType.Float64: SortKernels.SortLines(((Storage<double>)lines._storage).RawMemory.Slice(lines._offset, lines._numel), im, m, n, descending); break;
            default: SortKernels.SortLines(((Storage<long>)lines._storage).RawMemory.Slice(lines._offset, lines._numel), im, m, n, descending); break;
        }
        return (lines, idx);
    }

    /// <summary>The first k of each line (contiguous copy).</summary>
    public static Tensor Narrow(Tensor lines, int k)
    {
        int n = lines._sizes[^1];
        if (k == n) return lines;
        return lines.AsStridedRaw(DimLines.LineSizes(lines, k), lines._strides, lines._offset).ContiguousRaw();
    }
}

/// <summary>aten::sort(self, stable, dim, descending) → (values, indices). Always stable (ties keep their order).</summary>
public sealed class SortOp(int dim, bool descending, int k = -1, string name = "sort", bool stable = false) : Op
{
    public override string Name => name;
    public override OpKind Kind => OpKind.Extern;
    public override string BackwardName => name == "sort" && stable ? "SortBackward1" : base.BackwardName;
    public override string FormatAttributes() => $"dim={dim}, descending={(descending ? "True" : "False")}" + (k >= 0 ? $", k={k}" : "");

    private int K(Tensor x, int d) => k < 0 ? SortCore.Size(x, d) : k;

    public override TensorMeta[] Meta(Tensor[] x)
    {
        int d = SortCore.WrapDim(dim, x[0]);
        var s = x[0].Dim == 0 ? [] : (int[])x[0]._sizes.Clone();
        if (k >= 0)
        {
            if (k > SortCore.Size(x[0], d)) throw new ArgumentException("selected index k out of range");
            if (s.Length > 0) s[d] = k;
        }
        return [new(s, x[0].DType), new(s, DType.Int64)];
    }

    public override Tensor[] Forward(Tensor[] x)
    {
        var meta = Meta(x);
        int d = SortCore.WrapDim(dim, x[0]);
        var (vals, idx) = SortCore.SortedLines(x[0], d, descending);
        int kk = K(x[0], d);
        vals = SortCore.Narrow(vals, kk); idx = SortCore.Narrow(idx, kk);
        return [DimLines.FromLines(vals, d, x[0].Dim).CastRaw(x[0].DType), DimLines.FromLines(idx, d, x[0].Dim)];
    }

    public override Tensor?[] Backward(BackwardContext ctx)
    {
        var sizes = ctx.InputSizes(0);
        int d = sizes.Length == 0 ? 0 : ShapeUtil.WrapDim(dim, sizes.Length);
        return [IndexGrad.ScatterIntoZeros(ctx.Grad(0), d, ctx.Output(1), sizes)];
    }
}

/// <summary>
/// aten::kthvalue / median.dim / mode → (values, indices) along one dim, and median() over all elements (values
/// only). kthvalue and median pick the first index of the selected value; mode the last (as PyTorch's CPU kernels
/// do for the cases that are deterministic). Median takes the lower of the two middle values; a NaN makes it NaN.
/// </summary>
public sealed class OrderStatOp(string name, int? dim, bool keepdim, int k = 0) : Op
{
    public override string Name => name;
    public override OpKind Kind => OpKind.Extern;
    public override string BackwardName => name == "median" && dim is null ? "MedianBackward0" : Op.CamelCase(name) + (name == "median" ? "Backward1" : "Backward0");
    public override string FormatAttributes() => $"dim={dim?.ToString() ?? "None"}, keepdim={(keepdim ? "True" : "False")}" + (name == "kthvalue" ? $", k={k}" : "");

    private int[] OutSizes(Tensor x, int d)
    {
        if (dim is null) return [];
        return x.Dim == 0 ? [] : ReductionPlan.OutputSizes(x._sizes, [d], keepdim);
    }

    private void Check(Tensor x, int d)
    {
        if (name == "kthvalue" && (k < 1 || k > SortCore.Size(x, d)))
            throw new ArgumentException($"kthvalue(): selected number k out of range for dimension {d}");
        if (dim is not null && x.Dim > 0 && x._sizes[d] == 0)
            throw new IndexOutOfRangeException($"{name}(): Expected reduction dim {d} to have non-zero size.");
    }

    public override TensorMeta[] Meta(Tensor[] x)
    {
        int d = dim is { } dd ? SortCore.WrapDim(dd, x[0]) : 0;
        Check(x[0], d);
        var s = OutSizes(x[0], d);
        return dim is null ? [new(s, x[0].DType)] : [new(s, x[0].DType), new(s, DType.Int64)];
    }

    public override Tensor[] Forward(Tensor[] x)
    {
        var t = x[0];
        int d = dim is { } dd ? SortCore.WrapDim(dd, t) : 0;
        Check(t, d);
        var src = dim is null ? t.ContiguousRaw().AsStridedRaw([t._numel], [1], t.ContiguousRaw()._offset) : t;
        var ct = SortCore.ComputeType(t.DType);
        var lines = DimLines.ToLines(src, dim is null ? 0 : d, ct);
        int n = lines._sizes[^1], m = n == 0 ? 1 : lines._numel / n;
        var outSizes = OutSizes(t, d);
        var vals = Tensor.Empty([m], ct);
        var idx = Tensor.Empty([m], DType.Int64);
        if (n == 0) { Fill(vals); idx.RawSpan<long>().Clear(); }
        else switch (ct)
        {
            case DType.Float32: Lines<float>(lines, vals, idx, m, n); break;
            case DType.Float64: Lines<double>(lines, vals, idx, m, n); break;
            default: Lines<long>(lines, vals, idx, m, n); break;
        }
        var v = vals.CastRaw(t.DType).AsStridedRaw(outSizes, ShapeUtil.ContiguousStrides(outSizes), 0);
        var i = idx.AsStridedRaw(outSizes, ShapeUtil.ContiguousStrides(outSizes), 0);
        return dim is null ? [v] : [v, i];
    }

    private static void Fill(Tensor vals)
    {
        if (vals.DType == DType.Float32) vals.RawSpan<float>().Fill(float.NaN);
        else if (vals.DType == DType.Float64) vals.RawSpan<double>().Fill(double.NaN);
        else vals.RawSpan<long>().Clear();
    }

    private void Lines<T>(Tensor lines, Tensor vals, Tensor idx, int m, int n) where T : unmanaged, System.Numerics.INumber<T>
    {
        string op = name; int kk = name == "kthvalue" ? k : (n + 1) / 2;
        RowLoop.For(m, n * 8, (s, e) =>
        {
            var scratch = new T[n];
            var l = lines.RawSpan<T>(); var vs = vals.RawSpan<T>(); var ix = idx.RawSpan<long>();
            for (int i = s; i < e; i++)
            {
                var line = l.Slice(i * n, n);
                var (v, j) = op == "mode" ? SortKernels.Mode<T>(line, scratch) : SortKernels.Kth<T>(line, kk, scratch, nanWins: op == "median");
                vs[i] = v; ix[i] = j;
            }
        });
    }

    public override Tensor?[] Backward(BackwardContext ctx)
    {
        var sizes = ctx.InputSizes(0);
        if (dim is null)
        {
            var x = ctx.Input(0);
            var y = ctx.Output(0).Reshape(ReductionPlan.KeptSizes(sizes, null));
            return [ReductionPlan.ExpandGrad(ctx.Grad(), sizes, null, false) * ReduceMasks.TieWeights(x, y, null)];
        }
        int d = sizes.Length == 0 ? 0 : ShapeUtil.WrapDim(dim.Value, sizes.Length);
        return [IndexGrad.ValueSelecting(ctx.Grad(0), d, ctx.Output(1), sizes, keepdim)];
    }
}
