using Flint.Ops;

namespace Flint;

// Shape and layout methods that the core needs; the full set of shape ops lives with the shape ops.
public partial class Tensor
{
    public Tensor View(params long[] size) => Dispatcher.Call1(new ViewOp(InferSize(size)), [this]);

    public Tensor Reshape(params long[] size)
    {
        var sizes = InferSize(size);
        if (ViewStrides(sizes) is not null || _numel == 0) return Dispatcher.Call1(new ViewOp(sizes, "view"), [this]);
        return Dispatcher.Call1(new ViewOp(sizes, "view"), [Dispatcher.Call1(CloneOp.Contiguous, [this])]);
    }

    /// <summary>Resolves one −1 in a requested shape, with PyTorch's errors.</summary>
    internal int[] InferSize(ReadOnlySpan<long> size)
    {
        var r = new int[size.Length];
        int infer = -1; long known = 1;
        for (int i = 0; i < size.Length; i++)
        {
            if (size[i] == -1)
            {
                if (infer >= 0) throw new ArgumentException("only one dimension can be inferred");
                infer = i;
            }
            else if (size[i] < 0) throw new ArgumentException($"invalid shape dimension {size[i]}");
            else { known *= size[i]; r[i] = (int)size[i]; }
        }
        if (infer >= 0)
        {
            if (known == 0 || _numel % known != 0) throw new ArgumentException($"shape '[{string.Join(", ", size.ToArray())}]' is invalid for input of size {_numel}");
            r[infer] = (int)(_numel / known);
        }
        else if (known != _numel) throw new ArgumentException($"shape '[{string.Join(", ", size.ToArray())}]' is invalid for input of size {_numel}");
        return r;
    }

    public Tensor Expand(params long[] size)
    {
        int nd = size.Length;
        if (nd < Dim)
            throw new ArgumentException($"expand({DType.LegacyTypeName()}{{{ShapeUtil.Format(_sizes)}}}, size=[{string.Join(", ", size)}]): the number of sizes provided ({nd}) must be greater or equal to the number of dimensions in the tensor ({Dim})");
        var r = new int[nd];
        for (int d = 0; d < nd; d++)
        {
            int od = d - (nd - Dim);
            int cur = od >= 0 ? _sizes[od] : 1;
            long want = size[d];
            if (want == -1)
            {
                if (od < 0) throw new ArgumentException($"The expanded size of the tensor (-1) isn't allowed in a leading, non-existing dimension {d}");
                r[d] = cur;
            }
            else if (cur == want || cur == 1) r[d] = (int)want;
            else throw new ArgumentException($"The expanded size of the tensor ({want}) must match the existing size ({cur}) at non-singleton dimension {d}.  Target sizes: [{string.Join(", ", size)}].  Tensor sizes: {ShapeUtil.Format(_sizes)}");
        }
        if (ShapeUtil.SameShape(r, _sizes)) return this;
        return Dispatcher.Call1(new ExpandOp(r), [this]);
    }

    public Tensor ExpandAs(Tensor other) => Expand(other.Shape);

    public Tensor Permute(params long[] dims)
    {
        if (dims.Length != Dim)
            throw new ArgumentException($"permute(sparse_coo): number of dimensions in the tensor input does not match the length of the desired ordering of dimensions i.e. input.dim() = {Dim} is not equal to len(dims) = {dims.Length}"); // sic: PyTorch's wording
        var d = new int[dims.Length];
        var seen = new bool[dims.Length];
        for (int i = 0; i < d.Length; i++)
        {
            d[i] = ShapeUtil.WrapDim(dims[i], Dim);
            if (seen[d[i]]) throw new ArgumentException("permute(): duplicate dims are not allowed.");
            seen[d[i]] = true;
        }
        return Dispatcher.Call1(new PermuteOp(d), [this]);
    }

    public Tensor Transpose(long dim0, long dim1)
    {
        int a = ShapeUtil.WrapDim(dim0, Dim), b = ShapeUtil.WrapDim(dim1, Dim);
        var d = new int[Dim];
        for (int i = 0; i < d.Length; i++) d[i] = i;
        if (Dim > 0) (d[a], d[b]) = (d[b], d[a]);
        return Dispatcher.Call1(new PermuteOp(d, "transpose", $"dim0={a}, dim1={b}"), [this]);
    }

    /// <summary>PyTorch's .T / .t(): transposes a matrix (0-D and 1-D tensors come back as they are).</summary>
    public Tensor T => Dim < 2 ? this : Transpose(-2, -1);
    public Tensor t()
    {
        if (Dim > 2) throw new ArgumentException($"t() expects a tensor with <= 2 dimensions, but self is {Dim}D");
        return T;
    }

    public Tensor Contiguous() => IsContiguous() ? this : Dispatcher.Call1(CloneOp.Contiguous, [this]);
    public Tensor Clone() => Dispatcher.Call1(CloneOp.Instance, [this]);

    /// <summary>A tensor sharing storage (and version counter) with this one, outside the autograd graph.</summary>
    /// <remarks>Like PyTorch's, its _base is None: in-place writes to it never rewrite another tensor's history.</remarks>
    public Tensor Detach() => Dispatcher.ModeActive ? Dispatcher.Call1(DetachOp.Instance, [this]) : DetachRaw();

    internal Tensor DetachRaw() => new(_storage, _offset, _sizes, _strides);

    public Tensor Detach_()
    {
        _gradFn = null; _requiresGrad = false;
        return this;
    }

    public Tensor To(DType dtype, bool copy = false)
        => dtype == DType && !copy ? this : Dispatcher.Call1(new ToCopyOp(dtype), [this]);

    public Tensor To(Device device) => device.Type == DeviceType.CPU ? this
        : throw new NotSupportedException($"Flint was built without {device} support; tensors live on the CPU");

    public Tensor Float() => To(DType.Float32);
    public Tensor Double() => To(DType.Float64);
    public Tensor Long() => To(DType.Int64);
    public Tensor Int() => To(DType.Int32);
    public Tensor Bool() => To(DType.Bool);
    public Tensor Half() => To(DType.Float16);
    public Tensor BFloat16() => To(DType.BFloat16);
    public Tensor Byte() => To(DType.UInt8);

    /// <summary>In-place copy of src (broadcast and cast) into this tensor.</summary>
    public Tensor Copy_(Tensor src)
    {
        var b = ShapeUtil.Broadcast(_sizes, src._sizes);
        if (!ShapeUtil.SameShape(b, _sizes))
            throw new ArgumentException($"output with shape {ShapeUtil.Format(_sizes)} doesn't match the broadcast shape {ShapeUtil.Format(b)}");
        if (_base is { } root && GradMode.IsEnabled && (src.RequiresGrad || root.RequiresGrad) && root.IsContiguous())
            return CopyIntoViewWithGrad(root, src);
        return Dispatcher.Call1(CopyOp.Instance, [this, src]);
    }

    /// <summary>
    /// An in-place write into a view while autograd records: the base's history is rewritten (CopySlices) and this
    /// view becomes an as_strided view of the updated base, as PyTorch does.
    /// </summary>
    private Tensor CopyIntoViewWithGrad(Tensor root, Tensor src)
    {
        if (root.IsLeaf && root._requiresGrad)
            throw new InvalidOperationException("a view of a leaf Variable that requires grad is being used in an in-place operation.");
        int rel = _offset - root._offset;
        Dispatcher.Call1(new CopySlicesOp(_sizes, _strides, rel), [root, src]);
        var fresh = Dispatcher.Call1(new AsStridedOp(_sizes, _strides, rel), [root]);
        _gradFn = fresh._gradFn;
        _outputNr = fresh._outputNr;
        return this;
    }

    /// <summary>Sums a broadcast gradient back down to a shape it was broadcast from.</summary>
    public Tensor SumToSize(params long[] size) => SumToSize(ShapeUtil.ToInt(size));

    internal Tensor SumToSize(int[] size)
    {
        if (ShapeUtil.SameShape(_sizes, size)) return this;
        int lead = Dim - size.Length;
        var dims = new List<int>();
        for (int d = 0; d < Dim; d++)
            if (d < lead || (size[d - lead] == 1 && _sizes[d] != 1)) dims.Add(d);
        var r = dims.Count == 0 ? this : Dispatcher.Call1(new SumOp(dims.ToArray(), true, null), [this]);
        return ShapeUtil.SameShape(r._sizes, size) ? r : r.View(ShapeUtil.ToLong(size));
    }

    public Tensor Sum(DType? dtype = null) => Dispatcher.Call1(dtype is null ? SumOp.All : new SumOp(null, false, dtype), [this]);
    public Tensor Sum(int dim, bool keepdim = false, DType? dtype = null) => Dispatcher.Call1(new SumOp([dim], keepdim, dtype), [this]);
    public Tensor Sum(int[] dims, bool keepdim = false, DType? dtype = null) => Dispatcher.Call1(new SumOp(dims, keepdim, dtype), [this]);
}
