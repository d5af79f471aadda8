using Flint.Ops;

namespace Flint;

// x[...]: Python's indexing. Integers, slices, None and ... give views (select/slice/unsqueeze); integer and bool
// tensors then index what remains (a copy). Assignment writes through: copy_ into the view, or index_put_.
public partial class Tensor
{
    [System.Runtime.CompilerServices.IndexerName("Indexer")] // "Item" is taken by Item()
    public Tensor this[params TensorIndex[] indices]
    {
        get
        {
            var (view, adv) = ApplySlicing(indices);
            return adv is null ? view : view.Index(adv);
        }
        set
        {
            var (view, adv) = ApplySlicing(indices);
            if (adv is null) view.Copy_(value);
            else view.IndexPut_(adv, value);
        }
    }

    /// <summary>
    /// x[[0, 2, 2]]: a list of indices along the first dim, as in PyTorch (rows 0, 2 and 2; a copy). Without this
    /// overload C# would read the list as the params array, x[0, 2, 2].
    /// </summary>
    [System.Runtime.CompilerServices.IndexerName("Indexer")]
    public Tensor this[int[] index]
    {
        get => this[(TensorIndex)index];
        set => this[(TensorIndex)index] = value;
    }

    /// <summary>x[[0L, 2L]]: see the int[] indexer.</summary>
    [System.Runtime.CompilerServices.IndexerName("Indexer")]
    public Tensor this[long[] index]
    {
        get => this[(TensorIndex)index];
        set => this[(TensorIndex)index] = value;
    }

    /// <summary>x[indices] = value for a scalar value.</summary>
    public void IndexPut_(TensorIndex[] indices, Scalar value) => this[indices] = Torch.ScalarTensor(value, DType);

    /// <summary>
    /// Applies the basic entries (views) left to right and collects the tensor entries by the dim they index in the
    /// resulting view (bool masks expanded to one integer tensor per masked dim); adv is null when there are none.
    /// </summary>
    private (Tensor view, Tensor?[]? adv) ApplySlicing(TensorIndex[] indices)
    {
        int consumed = 0, ellipses = 0;
        foreach (var ix in indices)
        {
            consumed += ix.Consumes;
            if (ix.Type == TensorIndex.Kind.Ellipsis && ++ellipses > 1) throw new IndexOutOfRangeException("an index can only have a single ellipsis ('...')");
        }
        if (consumed > Dim) throw new IndexOutOfRangeException($"too many indices for tensor of dimension {Dim}");
        var r = this;
        int d = 0, orig = 0; // d: dim in the current view; orig: dim of this tensor (for error messages)
        List<(int dim, Tensor t)>? tensors = null;
        foreach (var ix in indices)
        {
            switch (ix.Type)
            {
                case TensorIndex.Kind.Integer:
                {
                    long n = r._sizes[d];
                    if (ix.Value < -n || ix.Value >= n) throw new IndexOutOfRangeException($"index {ix.Value} is out of bounds for dimension {orig} with size {n}");
                    r = r.Select(d, ix.Value);
                    orig++;
                    break;
                }
                case TensorIndex.Kind.Slice:
                    r = ix.Start is null && ix.Stop is null && ix.Step == 1 ? r : r.Slice(d, ix.Start ?? 0, ix.Stop ?? long.MaxValue / 2, ix.Step);
                    d++; orig++;
                    break;
                case TensorIndex.Kind.None:
                    r = r.Unsqueeze(d);
                    d++;
                    break;
                case TensorIndex.Kind.Boolean:
                    r = r.Unsqueeze(d);
                    if (ix.Value == 0) r = r.Slice(d, 0, 0);
                    d++;
                    break;
                case TensorIndex.Kind.Ellipsis:
                    d += Dim - consumed; orig += Dim - consumed;
                    break;
                case TensorIndex.Kind.Tensor:
                {
                    var t = ix.Tensor!;
                    (tensors ??= new()).Add((d, t));
                    int k = ix.Consumes;
                    if (t.DType == DType.Bool || t.DType == DType.UInt8)
                        for (int j = 0; j < t.Dim; j++)
                            if (t._sizes[j] != r._sizes[d + j])
                                throw new IndexOutOfRangeException($"The shape of the mask {ShapeUtil.Format(t._sizes)} at index {j} does not match the shape of the indexed tensor {ShapeUtil.Format(r._sizes)} at index {d + j}");
                    d += k; orig += k;
                    break;
                }
            }
        }
        if (tensors is null) return (r, null);
        var adv = new Tensor?[r.Dim];
        int extra = 0;
        foreach (var (dim, t) in tensors)
        {
            if (t.DType == DType.Bool || t.DType == DType.UInt8)
            {
                if (t.Dim == 0)
                {
                    // x[mask0d]: a new axis of size 1 (True) or 0 (False)
                    r = r.Unsqueeze(dim + extra);
                    var grown = new Tensor?[adv.Length + 1];
                    Array.Copy(adv, grown, dim + extra);
                    Array.Copy(adv, dim + extra, grown, dim + extra + 1, adv.Length - dim - extra);
                    adv = grown;
                    adv[dim + extra] = t.Item<bool>() || (t.DType == DType.UInt8 && t.Item<byte>() != 0) ? Torch.Zeros([1], DType.Int64) : Torch.Zeros([0], DType.Int64);
                    extra++;
                    continue;
                }
                var nz = t.Nonzero();
                for (int j = 0; j < t.Dim; j++) adv[dim + extra + j] = nz.Select(1, j);
            }
            else adv[dim + extra] = t;
        }
        return (r, adv);
    }
}
