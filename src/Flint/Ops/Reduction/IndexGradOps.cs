namespace Flint.Ops;

/// <summary>
/// The gradient plumbing of the value-selecting ops (max/min with dim, sort, topk, kthvalue, median, mode, cummax):
/// their backward scatters the output gradient into zeros at the selected indices along one dim, and the backward of
/// that is a gather. Both are ops of their own so that double backward works. Index and source have the input's
/// shape except along <c>dim</c>.
/// (Once the indexing ops' Gather/ScatterAdd are in main these are equivalent to zeros(sizes).scatter_add(dim, index, src)
/// and src.gather(dim, index).)
/// </summary>
public sealed class ScatterAddZerosOp(int dim, int[] sizes) : Op
{
    public override string Name => "_scatter_add_zeros";
    public override string BackwardName => "ScatterAddBackward0";
    public override TensorMeta[] Meta(Tensor[] x) => [new(sizes, x[0].DType)];

    public override Tensor[] Forward(Tensor[] x)
    {
        var src = x[0]; var index = x[1];
        var ct = src.DType == DType.Float64 ? DType.Float64 : DType.Float32;
        var y = Tensor.Empty(sizes, ct, zeroed: true);
        var s = src.CastRaw(ct).ContiguousRaw(); var ix = index.ContiguousRaw().AsSpan<long>();
        var (outer, k, inner) = IndexGrad.Split(index._sizes, dim);
        int n = sizes.Length == 0 ? 1 : sizes[dim];
        if (ct == DType.Float64) Scatter(s.AsSpan<double>(), ix, y.AsSpan<double>(), outer, k, inner, n);
        else Scatter(s.AsSpan<float>(), ix, y.AsSpan<float>(), outer, k, inner, n);
        return [y.CastRaw(src.DType)];
    }

    private static void Scatter<T>(ReadOnlySpan<T> s, ReadOnlySpan<long> ix, Span<T> y, int outer, int k, int inner, int n)
        where T : unmanaged, System.Numerics.INumber<T>
    {
        for (int o = 0; o < outer; o++)
            for (int j = 0; j < k; j++)
            {
                int b = (o * k + j) * inner;
                for (int i = 0; i < inner; i++)
                {
                    long t = ix[b + i];
                    if ((ulong)t >= (ulong)n) throw new IndexOutOfRangeException($"index {t} is out of bounds for size {n}");
                    y[(int)((o * n + t) * inner + i)] += s[b + i];
                }
            }
    }

    public override Tensor?[] Backward(BackwardContext ctx) => [Dispatcher.Call1(new GatherOp(dim), [ctx.Grad(), ctx.Input(1)]), null];
}

/// <summary>aten::gather(self, dim, index) for an index shaped like self except along dim.</summary>
public sealed class GatherOp(int dim) : Op
{
    public override string Name => "gather";
    public override TensorMeta[] Meta(Tensor[] x) => [new(x[1]._sizes, x[0].DType)];

    public override Tensor[] Forward(Tensor[] x)
    {
        var src = x[0]; var index = x[1];
        var s = src.ContiguousRaw(); var ix = index.ContiguousRaw().AsSpan<long>();
        var y = Tensor.Empty(index._sizes, src.DType);
        var (outer, k, inner) = IndexGrad.Split(index._sizes, dim);
        int n = src.Dim == 0 ? 1 : src._sizes[dim];
        switch (src.DType)
        {
            case DType.Float64: Gather(s.AsSpan<double>(), ix, y.AsSpan<double>(), outer, k, inner, n); break;
            case DType.Float32: Gather(s.AsSpan<float>(), ix, y.AsSpan<float>(), outer, k, inner, n); break;
            default:
                var c = s.CastRaw(DType.Float64); var yd = Tensor.Empty(index._sizes, DType.Float64);
                Gather(c.AsSpan<double>(), ix, yd.AsSpan<double>(), outer, k, inner, n);
                return [yd.CastRaw(src.DType)];
        }
        return [y];
    }

    private static void Gather<T>(ReadOnlySpan<T> s, ReadOnlySpan<long> ix, Span<T> y, int outer, int k, int inner, int n) where T : unmanaged
    {
        for (int o = 0; o < outer; o++)
            for (int j = 0; j < k; j++)
            {
                int b = (o * k + j) * inner;
                for (int i = 0; i < inner; i++)
                {
                    long t = ix[b + i];
                    if ((ulong)t >= (ulong)n) throw new IndexOutOfRangeException($"index {t} is out of bounds for size {n}");
                    y[b + i] = s[(int)((o * n + t) * inner + i)];
                }
            }
    }

    public override Tensor?[] Backward(BackwardContext ctx)
        => [Dispatcher.Call1(new ScatterAddZerosOp(dim, ctx.InputSizes(0)), [ctx.Grad(), ctx.Input(1)]), null];
}

internal static class IndexGrad
{
    /// <summary>(product of dims before dim, size of dim, product of dims after dim).</summary>
    public static (int outer, int k, int inner) Split(int[] sizes, int dim)
    {
        if (sizes.Length == 0) return (1, 1, 1);
        int o = 1, i = 1;
        for (int d = 0; d < dim; d++) o *= sizes[d];
        for (int d = dim + 1; d < sizes.Length; d++) i *= sizes[d];
        return (o, sizes[dim], i);
    }

    /// <summary>
    /// PyTorch's value_selecting_reduction_backward: the gradient of values picked at indices along dim (max/min/
    /// median/kthvalue/mode with dim) goes to those positions; everything else gets zero.
    /// </summary>
    public static Tensor ValueSelecting(Tensor grad, int dim, Tensor indices, int[] sizes, bool keepdim)
    {
        if (!keepdim && sizes.Length > 0)
        {
            var kept = ShapeUtil.ToLong(sizes); kept[dim] = 1;
            grad = grad.Reshape(kept);
            indices = indices.Reshape(kept);
        }
        return Dispatcher.Call1(new ScatterAddZerosOp(dim, sizes), [grad, indices]);
    }
}
