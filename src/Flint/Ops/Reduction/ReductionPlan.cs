namespace Flint.Ops;

/// <summary>
/// How a reduction over some dims is laid out: which dims are reduced, the output sizes, and (for kernels that want
/// them) the input as contiguous rows — the kept dims first, the reduced dims last, so each output element reduces one
/// row of <see cref="RowLength"/> elements.
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
        RowCount = ShapeUtil.Numel(OutSizes);
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
        return p.ContiguousRaw().CastRaw(ct);
    }

    /// <summary>Sizes with the reduced dims kept as 1 (the shape a keepdim=false result is viewed as to broadcast back).</summary>
    public static long[] KeptSizes(int[] inputSizes, int[]? dims)
    {
        var mask = ReducedMask(inputSizes.Length, dims);
        var kept = new long[inputSizes.Length];
        for (int d = 0; d < inputSizes.Length; d++) kept[d] = mask[d] ? 1 : inputSizes[d];
        return kept;
    }

    /// <summary>A reduction's output (or gradient) viewed with the reduced dims restored as size 1 (no-op for keepdim).</summary>
    public static Tensor Unreduce(Tensor g, int[] inputSizes, int[]? dims, bool keepdim)
        => keepdim || inputSizes.Length == 0 || g.Dim == inputSizes.Length ? g : g.Reshape(KeptSizes(inputSizes, dims));

    /// <summary>The backward of a sum-like reduction: the output gradient broadcast back over the reduced dims.</summary>
    public static Tensor ExpandGrad(Tensor g, int[] inputSizes, int[]? dims, bool keepdim)
        => Unreduce(g, inputSizes, dims, keepdim).Expand(ShapeUtil.ToLong(inputSizes));

    /// <summary>The number of elements each output reduces.</summary>
    public static int Count(int[] sizes, int[]? dims)
    {
        var mask = ReducedMask(sizes.Length, dims);
        int n = 1;
        for (int d = 0; d < sizes.Length; d++) if (mask[d]) n *= sizes[d];
        return n;
    }

    internal static string FormatDims(int[]? dims, bool keepdim)
        => dims is null ? "" : $"dim=[{string.Join(", ", dims)}], keepdim={(keepdim ? "True" : "False")}";
}
