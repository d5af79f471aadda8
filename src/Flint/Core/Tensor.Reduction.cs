using Flint.Ops;

namespace Flint;

/// <summary>
/// The (values, indices) pair that max/min/sort/topk/kthvalue/median/mode/cummax return (PyTorch's
/// torch.return_types): <c>var (values, indices) = x.Max(1);</c>
/// </summary>
public readonly record struct ValuesIndices(Tensor Values, Tensor Indices);

// Reductions: sum, mean, prod, max/min, arg-reductions, moments, logsumexp, norms, all/any, cumulative ops, softmax.
public partial class Tensor
{
    private static int[]? DimsOrNull(int[]? dim) => dim is null || dim.Length == 0 ? null : dim;

    public Tensor Mean(DType? dtype = null) => Dispatcher.Call1(new MeanOp(null, false, dtype), [this]);
    public Tensor Mean(int dim, bool keepdim = false, DType? dtype = null) => Dispatcher.Call1(new MeanOp([dim], keepdim, dtype), [this]);
    public Tensor Mean(int[] dim, bool keepdim = false, DType? dtype = null) => Dispatcher.Call1(new MeanOp(DimsOrNull(dim), keepdim, dtype), [this]);

    public Tensor Nansum(DType? dtype = null) => Dispatcher.Call1(new NansumOp(null, false, dtype), [this]);
    public Tensor Nansum(int dim, bool keepdim = false, DType? dtype = null) => Dispatcher.Call1(new NansumOp([dim], keepdim, dtype), [this]);
    public Tensor Nansum(int[] dim, bool keepdim = false, DType? dtype = null) => Dispatcher.Call1(new NansumOp(DimsOrNull(dim), keepdim, dtype), [this]);

    /// <summary>Mean of the non-NaN elements (composite, as in PyTorch: nansum / count of non-NaN).</summary>
    public Tensor Nanmean(int[]? dim = null, bool keepdim = false, DType? dtype = null)
    {
        if (!(dtype ?? DType).IsFloatingPoint())
            throw new ArgumentException($"nanmean(): expected input to have floating point dtype but got {ReduceCore.TypeName(DType)}");
        var d = DimsOrNull(dim);
        var notNan = ReduceMasks.NotNaN(this);
        var count = Dispatcher.Call1(new SumOp(d, keepdim, null), [notNan]);
        return Dispatcher.Call1(new NansumOp(d, keepdim, dtype), [this]) / count;
    }
    public Tensor Nanmean(int dim, bool keepdim = false, DType? dtype = null) => Nanmean([dim], keepdim, dtype);

    public Tensor Prod(DType? dtype = null) => Dispatcher.Call1(new ProdOp(null, false, dtype), [this]);
    public Tensor Prod(int dim, bool keepdim = false, DType? dtype = null) => Dispatcher.Call1(new ProdOp(dim, keepdim, dtype), [this]);

    /// <summary>The largest element (NaN if any is NaN).</summary>
    public Tensor Max() => Dispatcher.Call1(new AmaxOp(null, false, true, "max"), [this]);
    public Tensor Min() => Dispatcher.Call1(new AmaxOp(null, false, false, "min"), [this]);
    /// <summary>The largest element along dim and its index (the first one, on ties).</summary>
    public ValuesIndices Max(int dim, bool keepdim = false) => Pair(Dispatcher.Call(new MaxDimOp(dim, keepdim, true, false), [this]));
    public ValuesIndices Min(int dim, bool keepdim = false) => Pair(Dispatcher.Call(new MaxDimOp(dim, keepdim, false, false), [this]));

    public Tensor Amax(int[]? dim = null, bool keepdim = false) => Dispatcher.Call1(new AmaxOp(DimsOrNull(dim), keepdim, true, "amax"), [this]);
    public Tensor Amax(int dim, bool keepdim = false) => Amax([dim], keepdim);
    public Tensor Amin(int[]? dim = null, bool keepdim = false) => Dispatcher.Call1(new AmaxOp(DimsOrNull(dim), keepdim, false, "amin"), [this]);
    public Tensor Amin(int dim, bool keepdim = false) => Amin([dim], keepdim);

    public Tensor Argmax(int? dim = null, bool keepdim = false) => Dispatcher.Call1(new MaxDimOp(dim, keepdim, true, true), [this]);
    public Tensor Argmin(int? dim = null, bool keepdim = false) => Dispatcher.Call1(new MaxDimOp(dim, keepdim, false, true), [this]);

    /// <summary>Variance over dim (all when null) with Bessel's correction by default (correction = 1).</summary>
    public Tensor Var(int[]? dim = null, double correction = 1, bool keepdim = false) => Dispatcher.Call1(new VarOp(DimsOrNull(dim), correction, keepdim, false, false), [this]);
    public Tensor Var(int dim, double correction = 1, bool keepdim = false) => Var([dim], correction, keepdim);
    public Tensor Var(bool unbiased) => Var(null, unbiased ? 1 : 0);
    public Tensor Std(int[]? dim = null, double correction = 1, bool keepdim = false) => Dispatcher.Call1(new VarOp(DimsOrNull(dim), correction, keepdim, true, false), [this]);
    public Tensor Std(int dim, double correction = 1, bool keepdim = false) => Std([dim], correction, keepdim);
    public Tensor Std(bool unbiased) => Std(null, unbiased ? 1 : 0);
    /// <summary>var(dim, unbiased, keepdim): unbiased = true is correction 1 (Bessel's), false is 0.</summary>
    public Tensor Var(int[]? dim, bool unbiased, bool keepdim = false) => Var(dim, unbiased ? 1 : 0, keepdim);
    public Tensor Var(int dim, bool unbiased, bool keepdim = false) => Var([dim], unbiased ? 1 : 0, keepdim);
    /// <summary>std(dim, unbiased, keepdim): unbiased = true is correction 1 (Bessel's), false is 0.</summary>
    public Tensor Std(int[]? dim, bool unbiased, bool keepdim = false) => Std(dim, unbiased ? 1 : 0, keepdim);
    public Tensor Std(int dim, bool unbiased, bool keepdim = false) => Std([dim], unbiased ? 1 : 0, keepdim);

    public Tensor Logsumexp(int[] dim, bool keepdim = false) => Dispatcher.Call1(new LogsumexpOp(dim, keepdim), [this]);
    public Tensor Logsumexp(int dim, bool keepdim = false) => Logsumexp([dim], keepdim);

    public Tensor All() => Dispatcher.Call1(new AllAnyOp(null, false, true), [this]);
    public Tensor All(int dim, bool keepdim = false) => Dispatcher.Call1(new AllAnyOp([dim], keepdim, true), [this]);
    public Tensor Any() => Dispatcher.Call1(new AllAnyOp(null, false, false), [this]);
    public Tensor Any(int dim, bool keepdim = false) => Dispatcher.Call1(new AllAnyOp([dim], keepdim, false), [this]);
    public Tensor CountNonzero(int[]? dim = null) => Dispatcher.Call1(new CountNonzeroOp(DimsOrNull(dim)), [this]);
    public Tensor CountNonzero(int dim) => CountNonzero([dim]);

    public Tensor Cumsum(int dim, DType? dtype = null) => Dispatcher.Call1(new CumOp(dim, dtype, false), [this]);
    public Tensor Cumprod(int dim, DType? dtype = null) => Dispatcher.Call1(new CumOp(dim, dtype, true), [this]);
    /// <summary>log of the running sum of exponentials along dim (floating inputs), stable for any magnitude.</summary>
    public Tensor Logcumsumexp(int dim) => Dispatcher.Call1(new LogcumsumexpOp(dim), [this]);
    public ValuesIndices Cummax(int dim) => Pair(Dispatcher.Call(new CumExtremeOp(dim, true), [this]));
    public ValuesIndices Cummin(int dim) => Pair(Dispatcher.Call(new CumExtremeOp(dim, false), [this]));

    /// <summary>softmax over dim; with dtype the input is cast first (as PyTorch does, to avoid overflow in halves).</summary>
    public Tensor Softmax(int dim, DType? dtype = null) => Dispatcher.Call1(new SoftmaxOp(dim, false), [dtype is { } t ? To(t) : this]);
    public Tensor LogSoftmax(int dim, DType? dtype = null) => Dispatcher.Call1(new SoftmaxOp(dim, true), [dtype is { } t ? To(t) : this]);

    internal static ValuesIndices Pair(Tensor[] r) => new(r[0], r[1]);
}

public partial class Tensor
{
    /// <summary>The vector p-norm over dim (all when null): p = 2 by default; 1, ±inf, 0 and other reals too.</summary>
    public Tensor Norm(double p = 2, int[]? dim = null, bool keepdim = false, DType? dtype = null)
        => Dispatcher.Call1(new NormOp(p, DimsOrNull(dim), keepdim), [dtype is { } t ? To(t) : this]);
    public Tensor Norm(double p, int dim, bool keepdim = false) => Norm(p, [dim], keepdim);

    /// <summary>norm(p: "fro") is the 2-norm over the given dim (all when null); "nuc" needs an SVD (not yet in Flint).</summary>
    public Tensor Norm(string p, int[]? dim = null, bool keepdim = false)
    {
        if (p == "fro") return Norm(2, dim, keepdim);
        throw new ArgumentException($"norm(): unsupported norm type {p}; Flint supports \"fro\" and numeric p (\"nuc\" needs matrix decompositions)");
    }
}
