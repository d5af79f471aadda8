using Flint.Kernels.Cpu;

namespace Flint.Ops;

/// <summary>
/// aten::cumsum / cumprod along a dim (integers and bool accumulate in int64; floats accumulate in double, as on
/// PyTorch's CPU). <c>reverse</c> accumulates from the end: that is cumsum's own backward (PyTorch writes it as
/// flip-cumsum-flip), so the backward of the backward is cumsum again.
/// </summary>
public sealed class CumOp(int dim, DType? dtype, bool prod, bool reverse = false) : Op
{
    public override string Name => prod ? "cumprod" : reverse ? "_cumsum_reverse" : "cumsum";
    public override OpKind Kind => OpKind.Extern;
    public override string FormatAttributes() => $"dim={dim}";
    private DType ResultType(DType t) => dtype ?? (t.IsFloatingPoint() ? t : DType.Int64);
    public override TensorMeta[] Meta(Tensor[] x) { ShapeUtil.WrapDim(dim, x[0].Dim); return [new(x[0]._sizes, ResultType(x[0].DType))]; }

    public override Tensor[] Forward(Tensor[] x)
    {
        int d = ShapeUtil.WrapDim(dim, x[0].Dim);
        var rt = ResultType(x[0].DType);
        var ct = rt.IsFloatingPoint() ? DType.Float64 : DType.Int64;
        var lines = DimLines.ToLines(x[0], d, ct);
        if (ReferenceEquals(lines._storage, x[0]._storage)) lines = lines.CloneRaw();
        int n = lines.Dim == 0 ? 1 : lines._sizes[^1], m = n == 0 ? 0 : lines._numel / n;
        bool p = prod, rev = reverse;
        if (ct == DType.Float64) RowLoop.For(m, n, (s, e) => Scan(lines.RawSpan<double>(), s, e, n, p, rev));
        else RowLoop.For(m, n, (s, e) => Scan(lines.RawSpan<long>(), s, e, n, p, rev));
        return [DimLines.FromLines(lines, d, x[0].Dim).CastRaw(rt)];
    }

    private static void Scan<T>(Span<T> a, int s, int e, int n, bool prod, bool rev) where T : unmanaged, System.Numerics.INumber<T>
    {
        for (int i = s; i < e; i++)
        {
            var l = a.Slice(i * n, n);
            T acc = prod ? T.One : T.Zero;
            if (!rev) for (int j = 0; j < n; j++) { acc = prod ? acc * l[j] : acc + l[j]; l[j] = acc; }
            else for (int j = n - 1; j >= 0; j--) { acc = prod ? acc * l[j] : acc + l[j]; l[j] = acc; }
        }
    }

    public override Tensor?[] Backward(BackwardContext ctx)
    {
        var g = ctx.Grad();
        if (!prod) return [Dispatcher.Call1(new CumOp(dim, null, false, !reverse), [g]).To(ctx.InputDType(0))];
        var x = ctx.Input(0); var y = ctx.Output(0);
        // no zeros: d/dx_j Σ_k g_k y_k = (Σ_{k≥j} g_k y_k) / x_j, differentiable further
        if (!ReduceMasks.HasZero(x))
            return [Dispatcher.Call1(new CumOp(dim, null, false, true), [g * y]) / x];
        return [Dispatcher.Call1(new CumprodZerosGradOp(dim), [x, g])];
    }
}

/// <summary>
/// The exact gradient of cumprod for lines that contain zeros (inputs x, grad): before the first zero z,
/// (Σ_{j≤k&lt;z} g_k y_k)/x_j; at z, Σ_{k≥z} g_k Π_{i≤k, i≠z} x_i; after it, 0. First order only.
/// </summary>
public sealed class CumprodZerosGradOp(int dim) : Op
{
    public override string Name => "_cumprod_backward";
    public override OpKind Kind => OpKind.Extern;
    public override TensorMeta[] Meta(Tensor[] x) => [TensorMeta.Like(x[0])];

    public override Tensor[] Forward(Tensor[] x)
    {
        int d = ShapeUtil.WrapDim(dim, x[0].Dim);
        var xl = DimLines.ToLines(x[0], d, DType.Float64).RawSpan<double>().ToArray();
        var gl = DimLines.ToLines(x[1], d, DType.Float64).RawSpan<double>();
        int n = x[0].Dim == 0 ? 1 : x[0]._sizes[d], m = n == 0 ? 0 : xl.Length / n;
        var res = Tensor.Empty(DimLines.ToLines(x[0], d, DType.Float64)._sizes, DType.Float64);
        var r = res.RawSpan<double>();
        for (int i = 0; i < m; i++)
        {
            var xs = xl.AsSpan(i * n, n); var gs = gl.Slice(i * n, n); var rs = r.Slice(i * n, n);
            int z = xs.IndexOf(0.0); if (z < 0) z = n;
            double prodBefore = 1, tail = 0;
            var y = new double[n];
            for (int k = 0; k < n; k++) { prodBefore *= xs[k]; y[k] = prodBefore; }
            // suffix sums of g·y over k < z
            for (int j = Math.Min(z, n) - 1; j >= 0; j--) { tail += gs[j] * y[j]; rs[j] = tail / xs[j]; }
            if (z < n)
            {
                double pr = z == 0 ? 1 : y[z - 1], acc = 0;
                for (int k = z; k < n; k++) { if (k > z) pr *= xs[k]; acc += gs[k] * pr; }
                rs[z] = acc;
                for (int k = z + 1; k < n; k++) rs[k] = 0;
            }
        }
        return [DimLines.FromLines(res, d, x[0].Dim).CastRaw(x[0].DType)];
    }

    public override Tensor?[] Backward(BackwardContext ctx)
        => throw new InvalidOperationException("double backward of cumprod through an input with zeros is not supported");
}

/// <summary>
/// aten::cummax / cummin → (values, indices): the running max (min) and the index where it was last attained
/// (ties move the index forward, a NaN sticks), as PyTorch's CPU kernel.
/// </summary>
public sealed class CumExtremeOp(int dim, bool isMax) : Op
{
    public override string Name => isMax ? "cummax" : "cummin";
    public override OpKind Kind => OpKind.Extern;
    public override string FormatAttributes() => $"dim={dim}";
    public override TensorMeta[] Meta(Tensor[] x) { ShapeUtil.WrapDim(dim, x[0].Dim); return [TensorMeta.Like(x[0]), new(x[0]._sizes, DType.Int64)]; }

    public override Tensor[] Forward(Tensor[] x)
    {
        int d = ShapeUtil.WrapDim(dim, x[0].Dim);
        var t = x[0].DType;
        var ct = t is DType.Float32 or DType.Float64 ? t : ReduceCore.ComputeType(t);
        var lines = DimLines.ToLines(x[0], d, ct);
        if (ReferenceEquals(lines._storage, x[0]._storage)) lines = lines.CloneRaw();
        var idx = Tensor.Empty(lines._sizes, DType.Int64);
        int n = lines._sizes[^1], m = n == 0 ? 0 : lines._numel / n;
        switch (ct)
        {
            case DType.Float32: Scan<float>(lines, idx, m, n, isMax); break;
            case DType.Float64: Scan<double>(lines, idx, m, n, isMax); break;
            default: Scan<long>(lines, idx, m, n, isMax); break;
        }
        return [DimLines.FromLines(lines, d, x[0].Dim).CastRaw(t), DimLines.FromLines(idx, d, x[0].Dim)];
    }

    private static void Scan<T>(Tensor lines, Tensor idx, int m, int n, bool max) where T : unmanaged, System.Numerics.INumber<T>
    {
        var a = lines.RawSpan<T>(); var ix = idx.RawSpan<long>();
        for (int i = 0; i < m; i++)
        {
            var l = a.Slice(i * n, n); var li = ix.Slice(i * n, n);
            T best = l[0]; long bi = 0;
            for (int j = 0; j < n; j++)
            {
                T v = l[j];
                if (T.IsNaN(v) || (!T.IsNaN(best) && (max ? v >= best : v <= best))) { best = v; bi = j; }
                l[j] = best; li[j] = bi;
            }
        }
    }

    public override Tensor?[] Backward(BackwardContext ctx)
    {
        int d = ShapeUtil.WrapDim(dim, ctx.InputSizes(0).Length);
        return [IndexGrad.ScatterIntoZeros(ctx.Grad(0), d, ctx.Output(1), ctx.InputSizes(0))];
    }
}

/// <summary>For each element, the product of the other elements along dim (prod's gradient when zeros are present).</summary>
public sealed class ProdOthersOp(int dim) : Op
{
    public override string Name => "_prod_others";
    public override OpKind Kind => OpKind.Extern;
    public override TensorMeta[] Meta(Tensor[] x) => [TensorMeta.Like(x[0])];

    public override Tensor[] Forward(Tensor[] x)
    {
        int d = ShapeUtil.WrapDim(dim, x[0].Dim);
        var lines = DimLines.ToLines(x[0], d, DType.Float64);
        var src = lines.RawSpan<double>();
        var res = Tensor.Empty(lines._sizes, DType.Float64);
        var r = res.RawSpan<double>();
        int n = lines._sizes[^1], m = n == 0 ? 0 : src.Length / n;
        for (int i = 0; i < m; i++)
        {
            var l = src.Slice(i * n, n); var o = r.Slice(i * n, n);
            double p = 1;
            for (int j = 0; j < n; j++) { o[j] = p; p *= l[j]; }
            p = 1;
            for (int j = n - 1; j >= 0; j--) { o[j] *= p; p *= l[j]; }
        }
        return [DimLines.FromLines(res, d, x[0].Dim).CastRaw(x[0].DType)];
    }

    public override Tensor?[] Backward(BackwardContext ctx)
        => throw new InvalidOperationException("double backward of prod through an input with zeros is not supported");
}
