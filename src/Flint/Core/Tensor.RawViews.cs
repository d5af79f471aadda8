namespace Flint;

// Non-dispatching views for use inside op Forward implementations (see TensorRaw.cs).
public partial class Tensor
{
    /// <summary>Elements start..start+length of dim (no checks).</summary>
    internal Tensor SliceRaw(int dim, int start, int length, int step = 1)
    {
        var sizes = (int[])_sizes.Clone(); var strides = (int[])_strides.Clone();
        sizes[dim] = length; strides[dim] = _strides[dim] * step;
        return AsStridedRaw(sizes, strides, _offset + start * _strides[dim]);
    }

    /// <summary>Index i of dim, dim removed (no checks).</summary>
    internal Tensor SelectRaw(int dim, int i)
        => AsStridedRaw(Ops.SelectOp.Remove(_sizes, dim), Ops.SelectOp.Remove(_strides, dim), _offset + i * _strides[dim]);

    /// <summary>Dims reordered (no checks).</summary>
    internal Tensor PermuteRaw(int[] dims)
    {
        var sizes = new int[dims.Length]; var strides = new int[dims.Length];
        for (int i = 0; i < dims.Length; i++) { sizes[i] = _sizes[dims[i]]; strides[i] = _strides[dims[i]]; }
        return AsStridedRaw(sizes, strides, _offset);
    }

    /// <summary>Integer indices as a contiguous int64 tensor (index arguments of gather, index_select …).</summary>
    internal long[] IndexArray()
    {
        var t = CastRaw(DType.Int64).ContiguousRaw();
        return t.StorageSpan<long>().Slice(t._offset, t._numel).ToArray();
    }
}
