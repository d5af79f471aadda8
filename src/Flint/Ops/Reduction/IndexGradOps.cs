namespace Flint.Ops;

/// <summary>
/// The gradient plumbing of the value-selecting ops (max/min with dim, sort, topk, kthvalue, median, mode, cummax):
/// their backward scatters the output gradient into zeros at the selected indices along one dim.
/// </summary>
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
        return ScatterIntoZeros(grad, dim, indices, sizes);
    }

    /// <summary>zeros(sizes).scatter_add(dim, index, src): the backward of sort/topk/cummax and the value-selecting ops.
    /// Its own backward is a gather, so double backward works.</summary>
    public static Tensor ScatterIntoZeros(Tensor src, int dim, Tensor index, int[] sizes)
    {
        if (sizes.Length == 0) return src.Reshape();
        return Torch.Zeros(ShapeUtil.ToLong(sizes), src.DType).ScatterAdd(dim, index, src);
    }
}
