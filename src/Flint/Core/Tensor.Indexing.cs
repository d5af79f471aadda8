using Flint.Kernels.Cpu;
using Flint.Ops;

namespace Flint;

// Indexing ops: gather/scatter, index_select/index_add/index_copy/index_fill, masked_fill/select/scatter, nonzero.
public partial class Tensor
{
    private int IndexDim(int dim) => ShapeUtil.WrapDim(dim, Dim);

    public Tensor Gather(int dim, Tensor index) => Dispatcher.Call1(new GatherOp(IndexDim(dim)), [this, index]);

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
}
