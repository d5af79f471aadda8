namespace Flint;

// torch.* forms of the reductions and ordering ops (the Tensor methods do the work).
public static partial class Torch
{
    public static Flint.Tensor Sum(Flint.Tensor input, DType? dtype = null) => input.Sum(dtype);
    public static Flint.Tensor Sum(Flint.Tensor input, int dim, bool keepdim = false, DType? dtype = null) => input.Sum(dim, keepdim, dtype);
    public static Flint.Tensor Sum(Flint.Tensor input, int[] dim, bool keepdim = false, DType? dtype = null) => input.Sum(dim, keepdim, dtype);
    public static Flint.Tensor Mean(Flint.Tensor input, DType? dtype = null) => input.Mean(dtype);
    public static Flint.Tensor Mean(Flint.Tensor input, int dim, bool keepdim = false, DType? dtype = null) => input.Mean(dim, keepdim, dtype);
    public static Flint.Tensor Mean(Flint.Tensor input, int[] dim, bool keepdim = false, DType? dtype = null) => input.Mean(dim, keepdim, dtype);
    public static Flint.Tensor Nansum(Flint.Tensor input, DType? dtype = null) => input.Nansum(dtype);
    public static Flint.Tensor Nansum(Flint.Tensor input, int dim, bool keepdim = false, DType? dtype = null) => input.Nansum(dim, keepdim, dtype);
    public static Flint.Tensor Nanmean(Flint.Tensor input, int[]? dim = null, bool keepdim = false, DType? dtype = null) => input.Nanmean(dim, keepdim, dtype);
    public static Flint.Tensor Prod(Flint.Tensor input, DType? dtype = null) => input.Prod(dtype);
    public static Flint.Tensor Prod(Flint.Tensor input, int dim, bool keepdim = false, DType? dtype = null) => input.Prod(dim, keepdim, dtype);
    public static Flint.Tensor Max(Flint.Tensor input) => input.Max();
    public static ValuesIndices Max(Flint.Tensor input, int dim, bool keepdim = false) => input.Max(dim, keepdim);
    public static Flint.Tensor Min(Flint.Tensor input) => input.Min();
    public static ValuesIndices Min(Flint.Tensor input, int dim, bool keepdim = false) => input.Min(dim, keepdim);
    public static Flint.Tensor Amax(Flint.Tensor input, int[]? dim = null, bool keepdim = false) => input.Amax(dim, keepdim);
    public static Flint.Tensor Amin(Flint.Tensor input, int[]? dim = null, bool keepdim = false) => input.Amin(dim, keepdim);
    public static Flint.Tensor Argmax(Flint.Tensor input, int? dim = null, bool keepdim = false) => input.Argmax(dim, keepdim);
    public static Flint.Tensor Argmin(Flint.Tensor input, int? dim = null, bool keepdim = false) => input.Argmin(dim, keepdim);
    public static Flint.Tensor Var(Flint.Tensor input, int[]? dim = null, double correction = 1, bool keepdim = false) => input.Var(dim, correction, keepdim);
    public static Flint.Tensor Std(Flint.Tensor input, int[]? dim = null, double correction = 1, bool keepdim = false) => input.Std(dim, correction, keepdim);

    public static Flint.Tensor Var(Flint.Tensor input, int dim, double correction = 1, bool keepdim = false) => input.Var(dim, correction, keepdim);
    public static Flint.Tensor Std(Flint.Tensor input, int dim, double correction = 1, bool keepdim = false) => input.Std(dim, correction, keepdim);
    /// <summary>torch.var(input, dim, unbiased, keepdim): unbiased = false divides by n, true by n − 1.</summary>
    public static Flint.Tensor Var(Flint.Tensor input, int[]? dim, bool unbiased, bool keepdim = false) => input.Var(dim, unbiased, keepdim);
    public static Flint.Tensor Var(Flint.Tensor input, int dim, bool unbiased, bool keepdim = false) => input.Var(dim, unbiased, keepdim);
    public static Flint.Tensor Var(Flint.Tensor input, bool unbiased) => input.Var(unbiased);
    /// <summary>torch.std(input, dim, unbiased, keepdim): unbiased = false divides by n, true by n − 1.</summary>
    public static Flint.Tensor Std(Flint.Tensor input, int[]? dim, bool unbiased, bool keepdim = false) => input.Std(dim, unbiased, keepdim);
    public static Flint.Tensor Std(Flint.Tensor input, int dim, bool unbiased, bool keepdim = false) => input.Std(dim, unbiased, keepdim);
    public static Flint.Tensor Std(Flint.Tensor input, bool unbiased) => input.Std(unbiased);

    /// <summary>(variance, mean) in one pass over the data.</summary>
    public static (Flint.Tensor Var, Flint.Tensor Mean) VarMean(Flint.Tensor x, int[]? dim = null, double correction = 1, bool keepdim = false)
    {
        var r = Ops.Dispatcher.Call(new Ops.VarOp(dim is { Length: > 0 } ? dim : null, correction, keepdim, false, true), [x]);
        return (r[0], r[1]);
    }

    public static (Flint.Tensor Std, Flint.Tensor Mean) StdMean(Flint.Tensor x, int[]? dim = null, double correction = 1, bool keepdim = false)
    {
        var r = Ops.Dispatcher.Call(new Ops.VarOp(dim is { Length: > 0 } ? dim : null, correction, keepdim, true, true), [x]);
        return (r[0], r[1]);
    }

    public static Flint.Tensor Logsumexp(Flint.Tensor input, int[] dim, bool keepdim = false) => input.Logsumexp(dim, keepdim);
    public static Flint.Tensor Logsumexp(Flint.Tensor input, int dim, bool keepdim = false) => input.Logsumexp(dim, keepdim);
    public static Flint.Tensor All(Flint.Tensor input) => input.All();
    public static Flint.Tensor All(Flint.Tensor input, int dim, bool keepdim = false) => input.All(dim, keepdim);
    public static Flint.Tensor Any(Flint.Tensor input) => input.Any();
    public static Flint.Tensor Any(Flint.Tensor input, int dim, bool keepdim = false) => input.Any(dim, keepdim);
    public static Flint.Tensor CountNonzero(Flint.Tensor input, int[]? dim = null) => input.CountNonzero(dim);
    public static Flint.Tensor Cumsum(Flint.Tensor input, int dim, DType? dtype = null) => input.Cumsum(dim, dtype);
    public static Flint.Tensor Cumprod(Flint.Tensor input, int dim, DType? dtype = null) => input.Cumprod(dim, dtype);
    public static ValuesIndices Cummax(Flint.Tensor input, int dim) => input.Cummax(dim);
    public static ValuesIndices Cummin(Flint.Tensor input, int dim) => input.Cummin(dim);
    public static Flint.Tensor Softmax(Flint.Tensor input, int dim, DType? dtype = null) => input.Softmax(dim, dtype);
    public static Flint.Tensor LogSoftmax(Flint.Tensor input, int dim, DType? dtype = null) => input.LogSoftmax(dim, dtype);
}

public static partial class Torch
{
    public static Flint.Tensor Norm(Flint.Tensor input, double p = 2, int[]? dim = null, bool keepdim = false, DType? dtype = null) => input.Norm(p, dim, keepdim, dtype);
    public static Flint.Tensor Norm(Flint.Tensor input, string p, int[]? dim = null, bool keepdim = false) => input.Norm(p, dim, keepdim);
}
