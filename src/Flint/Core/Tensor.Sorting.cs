using Flint.Ops;

namespace Flint;

/// <summary>unique's outputs: the sorted unique values, and (when asked for) the inverse indices and the counts.</summary>
public readonly record struct UniqueResult(Tensor Values, Tensor? Inverse, Tensor? Counts);

// Ordering ops: sort, argsort, topk, kthvalue, median, mode, unique, bincount, histc.
public partial class Tensor
{
    /// <summary>Sorts along dim (ties keep their order, so stable is always honoured); NaN sorts as the largest value.</summary>
    public ValuesIndices Sort(int dim = -1, bool descending = false, bool stable = false) => Pair(Dispatcher.Call(new SortOp(dim, descending, -1, "sort", stable), [this]));
    public Tensor Argsort(int dim = -1, bool descending = false, bool stable = false) => Sort(dim, descending, stable).Indices;

    public ValuesIndices Topk(int k, int dim = -1, bool largest = true, bool sorted = true)
        => Pair(Dispatcher.Call(new SortOp(dim, largest, k, "topk"), [this]));

    public ValuesIndices Kthvalue(int k, int dim = -1, bool keepdim = false) => Pair(Dispatcher.Call(new OrderStatOp("kthvalue", dim, keepdim, k), [this]));

    /// <summary>The lower median of all elements (NaN if any is NaN).</summary>
    public Tensor Median() => Dispatcher.Call1(new OrderStatOp("median", null, false), [this]);
    public ValuesIndices Median(int dim, bool keepdim = false) => Pair(Dispatcher.Call(new OrderStatOp("median", dim, keepdim), [this]));
    public ValuesIndices Mode(int dim = -1, bool keepdim = false) => Pair(Dispatcher.Call(new OrderStatOp("mode", dim, keepdim), [this]));

    /// <summary>The sorted unique elements of the flattened tensor (unique always sorts on the CPU, whatever sorted says).</summary>
    public UniqueResult Unique(bool sorted = true, bool returnInverse = false, bool returnCounts = false)
    {
        var r = Dispatcher.Call(UniqueOp.Instance, [this]);
        return new(r[0], returnInverse ? r[1] : null, returnCounts ? r[2] : null);
    }

    public Tensor Bincount(Tensor? weights = null, long minlength = 0)
        => Dispatcher.Call1(new BincountOp(minlength), weights is null ? [this] : [this, weights]);

    public Tensor Histc(long bins = 100, double min = 0, double max = 0) => Dispatcher.Call1(new HistcOp(bins, min, max), [this]);
}

public static partial class Torch
{
    public static ValuesIndices Sort(Flint.Tensor input, int dim = -1, bool descending = false, bool stable = false) => input.Sort(dim, descending, stable);
    public static Flint.Tensor Argsort(Flint.Tensor input, int dim = -1, bool descending = false, bool stable = false) => input.Argsort(dim, descending, stable);
    public static ValuesIndices Topk(Flint.Tensor input, int k, int dim = -1, bool largest = true, bool sorted = true) => input.Topk(k, dim, largest, sorted);
    public static ValuesIndices Kthvalue(Flint.Tensor input, int k, int dim = -1, bool keepdim = false) => input.Kthvalue(k, dim, keepdim);
    public static Flint.Tensor Median(Flint.Tensor input) => input.Median();
    public static ValuesIndices Median(Flint.Tensor input, int dim, bool keepdim = false) => input.Median(dim, keepdim);
    public static ValuesIndices Mode(Flint.Tensor input, int dim = -1, bool keepdim = false) => input.Mode(dim, keepdim);
    public static UniqueResult Unique(Flint.Tensor input, bool sorted = true, bool returnInverse = false, bool returnCounts = false) => input.Unique(sorted, returnInverse, returnCounts);
    public static Flint.Tensor Bincount(Flint.Tensor input, Flint.Tensor? weights = null, long minlength = 0) => input.Bincount(weights, minlength);
    public static Flint.Tensor Histc(Flint.Tensor input, long bins = 100, double min = 0, double max = 0) => input.Histc(bins, min, max);

    /// <summary>Indices where values would be inserted into sorted_sequence to keep it sorted (side "left"/"right").</summary>
    public static Flint.Tensor Searchsorted(Flint.Tensor sortedSequence, Flint.Tensor values, bool outInt32 = false, bool right = false, string? side = null)
    {
        if (side is not null && side != "left" && side != "right")
            throw new ArgumentException($"torch.searchsorted(): side can only be 'left' or 'right' but got {side}");
        if (side == "left" && right)
            throw new ArgumentException("torch.searchsorted(): side and right can't be set to opposites, got side of left while right was True");
        return Ops.Dispatcher.Call1(new Ops.SearchsortedOp(right || side == "right", outInt32), [sortedSequence, values]);
    }

    public static Flint.Tensor Searchsorted(Flint.Tensor sortedSequence, Scalar value, bool outInt32 = false, bool right = false, string? side = null)
        => Searchsorted(sortedSequence, ScalarTensor(value, sortedSequence.DType), outInt32, right, side);
}
