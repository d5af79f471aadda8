namespace Flint.Ops;

/// <summary>
/// Ops that work along one dim (cumsum, sort, softmax …) see their input as contiguous lines: the dim moved last and
/// the rest flattened, so line i is elements [i·n, (i+1)·n). When dim is already last and the input contiguous,
/// no copy is made. <see cref="FromLines"/> puts a result computed in lines back in the input's dim order.
/// </summary>
internal static class DimLines
{
    public static Tensor ToLines(Tensor x, int dim, DType ct)
    {
        if (x.Dim == 0) return x.CastRaw(ct).ContiguousRaw().AsStridedRaw([1], [1], 0);
        int nd = x.Dim;
        var sizes = new int[nd]; var strides = new int[nd];
        for (int d = 0, j = 0; d < nd; d++) if (d != dim) { sizes[j] = x._sizes[d]; strides[j] = x._strides[d]; j++; }
        sizes[nd - 1] = x._sizes[dim]; strides[nd - 1] = x._strides[dim];
        return x.AsStridedRaw(sizes, strides, x._offset).ContiguousRaw().CastRaw(ct);
    }

    /// <summary>Lines (contiguous, dims in ToLines order, the last of any length) back to the original order, contiguous.</summary>
    public static Tensor FromLines(Tensor lines, int dim, int originalDims)
    {
        if (originalDims == 0) return lines.AsStridedRaw([], [], lines._offset);
        int nd = lines.Dim;
        if (dim == nd - 1) return lines;
        var sizes = new int[nd]; var strides = new int[nd];
        for (int d = 0, j = 0; d < nd; d++)
        {
            if (d == dim) { sizes[d] = lines._sizes[nd - 1]; strides[d] = lines._strides[nd - 1]; }
            else { sizes[d] = lines._sizes[j]; strides[d] = lines._strides[j]; j++; }
        }
        return lines.AsStridedRaw(sizes, strides, lines._offset).ContiguousRaw();
    }

    /// <summary>The lines' shape with the last dim replaced by k (for outputs of another length, e.g. topk).</summary>
    public static int[] LineSizes(Tensor lines, int k)
    {
        var s = (int[])lines._sizes.Clone();
        s[^1] = k;
        return s;
    }

    public static int Count(Tensor lines) => lines._numel == 0 ? (lines._sizes[^1] == 0 ? ShapeUtil.Numel(lines._sizes.AsSpan(0, lines.Dim - 1)) : 0) : lines._numel / lines._sizes[^1];
}
