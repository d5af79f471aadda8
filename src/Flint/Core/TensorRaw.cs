using Flint.Kernels.Cpu;

namespace Flint;

/// <summary>
/// Layout helpers used inside kernels and op implementations: they neither dispatch nor record autograd, so an op's
/// Forward can reshape, cast and copy its inputs without those steps appearing as ops of their own.
/// </summary>
public partial class Tensor
{
    internal Tensor AsStridedRaw(int[] sizes, int[] strides, int offset)
        => new(_storage, offset, sizes, strides) { _base = _base ?? this };

    internal Tensor ViewRaw(int[] sizes)
    {
        if (IsContiguous()) return new Tensor(_storage, _offset, sizes, ShapeUtil.ContiguousStrides(sizes)) { _base = _base ?? this };
        var strides = ViewStrides(sizes) ?? throw new InvalidOperationException(
            "view size is not compatible with input tensor's size and stride (at least one dimension spans across two contiguous subspaces). Use .reshape(...) instead.");
        return new Tensor(_storage, _offset, sizes, strides) { _base = _base ?? this };
    }

    /// <summary>Strides for viewing this layout with new sizes without copying, or null (PyTorch's computeStride).</summary>
    internal int[]? ViewStrides(int[] newSizes)
    {
        var oldSizes = _sizes; var oldStrides = _strides;
        var newStrides = new int[newSizes.Length];
        if (_numel == 0) return ShapeUtil.ContiguousStrides(newSizes);
        int viewD = newSizes.Length - 1;
        long chunkBase = oldStrides.Length > 0 ? oldStrides[^1] : 1;
        long tensorNumel = 1, viewNumel = 1;
        for (int tensorD = oldSizes.Length - 1; tensorD >= 0; tensorD--)
        {
            tensorNumel *= oldSizes[tensorD];
            if (tensorD == 0 || (oldSizes[tensorD - 1] != 1 && oldStrides[tensorD - 1] != tensorNumel * chunkBase))
            {
                while (viewD >= 0 && (viewNumel < tensorNumel || newSizes[viewD] == 1))
                {
                    newStrides[viewD] = (int)(viewNumel * chunkBase);
                    viewNumel *= newSizes[viewD];
                    viewD--;
                }
                if (viewNumel != tensorNumel) return null;
                if (tensorD > 0) { chunkBase = oldStrides[tensorD - 1]; tensorNumel = 1; viewNumel = 1; }
            }
        }
        return viewD == -1 ? newStrides : null;
    }

    internal Tensor ExpandRaw(int[] sizes)
    {
        int nd = sizes.Length, off = nd - Dim;
        var strides = new int[nd];
        for (int d = 0; d < nd; d++)
        {
            int od = d - off;
            if (od < 0) { strides[d] = 0; continue; }
            strides[d] = _sizes[od] == sizes[d] ? _strides[od] : 0;
        }
        return new Tensor(_storage, _offset, sizes, strides) { _base = _base ?? this };
    }

    /// <summary>A contiguous copy (or this tensor, if already contiguous).</summary>
    internal Tensor ContiguousRaw()
    {
        // An empty view may sit past its storage's end (x[3:] of 3 elements, a column of an empty nonzero): kernels
        // slice spans at the offset, so give them the same empty view at offset 0.
        if (_numel == 0 && _offset != 0) return new Tensor(_storage, 0, _sizes, _strides);
        if (IsContiguous()) return this;
        var r = Empty(_sizes, DType);
        StridedCopy.Copy(this, r);
        return r;
    }

    /// <summary>A contiguous copy in another dtype (this tensor itself if nothing changes).</summary>
    internal Tensor CastRaw(DType dtype)
    {
        if (dtype == DType) return this;
        var src = ContiguousRaw();
        var r = Empty(_sizes, dtype);
        Conv.Cast(src, r);
        return r;
    }

    /// <summary>Always a fresh contiguous copy.</summary>
    internal Tensor CloneRaw()
    {
        var r = Empty(_sizes, DType);
        StridedCopy.Copy(this, r);
        return r;
    }

    /// <summary>Writes src (broadcast to this shape, any dtype) into this tensor's elements. Bumps the version.</summary>
    internal void CopyFromRaw(Tensor src)
    {
        if (src.DType != DType) src = src.CastRaw(DType);
        if (!ShapeUtil.SameShape(src._sizes, _sizes)) src = src.ExpandRaw(_sizes);
        if (ReferenceEquals(src._storage, _storage)) src = src.CloneRaw(); // overlapping source and destination
        StridedCopy.Copy(src, this);
        _storage.Version++;
    }
}
