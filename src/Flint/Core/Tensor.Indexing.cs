using Flint.Kernels.Cpu;
using Flint.Ops;

namespace Flint;

// Indexing ops: gather/scatter, index_select/index_add/index_copy/index_fill, masked_fill/select/scatter, nonzero.
public partial class Tensor
{
    private int IndexDim(int dim) => ShapeUtil.WrapDim(dim, Dim);

    public Tensor Gather(int dim, Tensor index) => Dispatcher.Call1(new GatherOp(IndexDim(dim)), [this, index]);

    /// <summary>
    /// take_along_dim: gather along dim after broadcasting this tensor and indices over every other dim (the values
    /// argsort/argmax/topk indices point at); with no dim, the flattened tensor at the flattened indices.
    /// </summary>
    public Tensor TakeAlongDim(Tensor indices, int? dim = null)
    {
        if (indices.DType != DType.Int64)
            throw new ArgumentException($"torch.take_along_dim(): dtype of indices should be Long but got {CastName(indices.DType)}");
        if (dim is null) return Reshape(-1).Gather(0, indices.Reshape(-1));
        if (Dim != indices.Dim)
            throw new ArgumentException($"torch.take_along_dim(): input and indices should have the same number of dimensions, but got {Dim} dimensions for input, and {indices.Dim} dimensions for indices");
        int d = IndexDim(dim.Value);
        var selfSizes = (int[])_sizes.Clone();
        selfSizes[d] = indices._sizes[d];
        var shape = ShapeUtil.Broadcast(selfSizes, indices._sizes);
        var idx = indices.Expand(Array.ConvertAll(shape, v => (long)v));
        shape[d] = _sizes[d];
        return Expand(Array.ConvertAll(shape, v => (long)v)).Gather(d, idx);
    }

    public Tensor Scatter(int dim, Tensor index, Tensor src) => Dispatcher.Call1(new ScatterOp(IndexDim(dim), ScatterMode.Copy), [this, index, src]);
    public Tensor Scatter(int dim, Tensor index, Scalar value) => Dispatcher.Call1(new ScatterOp(IndexDim(dim), ScatterMode.Copy, value), [this, index]);

    /// <summary>scatter with reduce "add" or "multiply" (not differentiable, as in PyTorch).</summary>
    public Tensor Scatter(int dim, Tensor index, Tensor src, string reduce)
        => Dispatcher.Call1(new ScatterOp(IndexDim(dim), ReduceMode(reduce)), [this, index, src]);
    public Tensor Scatter(int dim, Tensor index, Scalar value, string reduce)
        => Dispatcher.Call1(new ScatterOp(IndexDim(dim), ReduceMode(reduce), value), [this, index]);

    private static ScatterMode ReduceMode(string reduce) => reduce switch
    {
        "add" => ScatterMode.Add,
        "multiply" => ScatterMode.Multiply,
        _ => throw new ArgumentException("reduce argument must be either add or multiply."),
    };

    public Tensor ScatterAdd(int dim, Tensor index, Tensor src)
        => Dispatcher.Call1(new ScatterOp(IndexDim(dim), ScatterMode.Add, null, "scatter_add"), [this, index, src]);

    public Tensor Scatter_(int dim, Tensor index, Tensor src) => InPlace(Scatter(dim, index, src));
    public Tensor Scatter_(int dim, Tensor index, Scalar value) => InPlace(Scatter(dim, index, value));
    public Tensor Scatter_(int dim, Tensor index, Tensor src, string reduce) => InPlace(Scatter(dim, index, src, reduce));
    public Tensor ScatterAdd_(int dim, Tensor index, Tensor src) => InPlace(ScatterAdd(dim, index, src));

    public Tensor IndexSelect(int dim, Tensor index) => Dispatcher.Call1(new IndexSelectOp(Dim == 0 ? 0 : IndexDim(dim)), [this, index]);

    /// <summary>self with alpha·source's slices added at the listed indices of dim (repeated indices accumulate).</summary>
    public Tensor IndexAdd(int dim, Tensor index, Tensor source, Scalar? alpha = null)
    {
        if (alpha is { } a && a.ToDouble() != 1) source = source * a;
        return Dispatcher.Call1(new IndexAddOp(Dim == 0 ? 0 : IndexDim(dim)), [this, index, source]);
    }
    public Tensor IndexAdd_(int dim, Tensor index, Tensor source, Scalar? alpha = null) => InPlace(IndexAdd(dim, index, source, alpha));

    /// <summary>aten::index: advanced indexing by integer tensors, one per leading dim (null = the whole dim).</summary>
    public Tensor Index(params Tensor?[] indices)
    {
        var inputs = new Tensor?[indices.Length + 1];
        inputs[0] = this;
        Array.Copy(indices, 0, inputs, 1, indices.Length);
        return Dispatcher.Call1(IndexOp.Instance, inputs);
    }

    /// <summary>aten::index_put: a copy of this tensor with values written (or added, with accumulate) at the indices.</summary>
    public Tensor IndexPut(Tensor?[] indices, Tensor values, bool accumulate = false)
    {
        var inputs = new Tensor?[indices.Length + 2];
        inputs[0] = this; inputs[1] = values;
        Array.Copy(indices, 0, inputs, 2, indices.Length);
        return Dispatcher.Call1(new IndexPutOp(accumulate), inputs);
    }

    public Tensor IndexPut_(Tensor?[] indices, Tensor values, bool accumulate = false)
    {
        if (values.DType != DType) values = values.To(DType);
        return InPlace(IndexPut(indices, values, accumulate));
    }

    /// <summary>The indices of the non-zero elements: [count, dim] int64.</summary>
    public Tensor Nonzero() => Dispatcher.Call1(NonzeroOp.Instance, [this]);

    /// <summary>nonzero(as_tuple=True): one 1-D index tensor per dim.</summary>
    public Tensor[] NonzeroAsTuple()
    {
        if (Dim == 0) return [Torch.Zeros([Nonzero().Size(0)], DType.Int64)]; // [0] where true, [] where false
        var nz = Nonzero();
        var r = new Tensor[Dim];
        for (int d = 0; d < Dim; d++) r[d] = nz.Select(1, d).Contiguous();
        return r;
    }

    public Tensor ArgWhere() => Nonzero();

    public Tensor MaskedFill(Tensor mask, Scalar value) => Dispatcher.Call1(new MaskedFillOp(value), [this, mask]);

    /// <summary>masked_fill with a 0-dim value tensor (its value is read; no gradient flows to it).</summary>
    public Tensor MaskedFill(Tensor mask, Tensor value)
    {
        if (value.Dim != 0)
            throw new ArgumentException($"masked_fill_ only supports a 0-dimensional value tensor, but got tensor with {value.Dim} dimension(s).");
        return MaskedFill(mask, value.DType.IsFloatingPoint() ? (Scalar)value.Item() : value.DType == DType.Bool ? (Scalar)value.Item<bool>() : (Scalar)value.To(DType.Int64).Item<long>());
    }

    public Tensor MaskedFill_(Tensor mask, Scalar value) => InPlace(MaskedFill(mask, value));
    public Tensor MaskedFill_(Tensor mask, Tensor value) => InPlace(MaskedFill(mask, value));
    public Tensor MaskedSelect(Tensor mask) => Dispatcher.Call1(MaskedSelectOp.Instance, [this, mask]);
    public Tensor MaskedScatter(Tensor mask, Tensor source) => Dispatcher.Call1(MaskedScatterOp.Instance, [this, mask, source]);
    public Tensor MaskedScatter_(Tensor mask, Tensor source) => InPlace(MaskedScatter(mask, source));

    private Tensor?[] IndexAt(int dim, Tensor index)
    {
        if (index.Dim > 1) throw new IndexOutOfRangeException("index_copy_(): Index should have dimension 1 or 0 (got " + index.Dim + ")");
        int d = Dim == 0 ? 0 : IndexDim(dim);
        var adv = new Tensor?[d + 1];
        adv[d] = index.Dim == 0 ? index.Reshape(1) : index;
        return adv;
    }

    /// <summary>Copies source's slices of dim into this tensor's slices listed in index.</summary>
    public Tensor IndexCopy(int dim, Tensor index, Tensor source)
    {
        if (Dim == 0) return IndexPut([index.Reshape(-1)[0]], source.Reshape());
        return IndexPut(IndexAt(dim, index), source);
    }
    public Tensor IndexCopy_(int dim, Tensor index, Tensor source) => InPlace(IndexCopy(dim, index, source));

    /// <summary>Fills the slices of dim listed in index with value.</summary>
    public Tensor IndexFill(int dim, Tensor index, Scalar value) => IndexPut(IndexAt(dim, index), Torch.ScalarTensor(value, DType));
    public Tensor IndexFill_(int dim, Tensor index, Scalar value) => InPlace(IndexFill(dim, index, value));

    /// <summary>The elements at flat (row-major) positions, shaped like index.</summary>
    public Tensor Take(Tensor index) => Reshape(-1).Index(index);
}
