namespace Flint;

// torch.* forms of the reductions and ordering ops (the Tensor methods do the work).
public static partial class Torch
{
    public static Flint.Tensor Sum(Flint.Tensor x, DType? dtype = null) => x.Sum(dtype);
    public static Flint.Tensor Sum(Flint.Tensor x, int dim, bool keepdim = false, DType? dtype = null) => x.Sum(dim, keepdim, dtype);
    public static Flint.Tensor Sum(Flint.Tensor x, int[] dims, bool keepdim = false, DType? dtype = null) => x.Sum(dims, keepdim, dtype);
    public static Flint.Tensor Mean(Flint.Tensor x, DType? dtype = null) => x.Mean(dtype);
    public static Flint.Tensor Mean(Flint.Tensor x, int dim, bool keepdim = false, DType? dtype = null) => x.Mean(dim, keepdim, dtype);
    public static Flint.Tensor Mean(Flint.Tensor x, int[] dims, bool keepdim = false, DType? dtype = null) => x.Mean(dims, keepdim, dtype);
    public static Flint.Tensor Nansum(Flint.Tensor x, DType? dtype = null) => x.Nansum(dtype);
    public static Flint.Tensor Nansum(Flint.Tensor x, int dim, bool keepdim = false, DType? dtype = null) => x.Nansum(dim, keepdim, dtype);
    public static Flint.Tensor Nanmean(Flint.Tensor x, int[]? dims = null, bool keepdim = false, DType? dtype = null) => x.Nanmean(dims, keepdim, dtype);
    public static Flint.Tensor Prod(Flint.Tensor x, DType? dtype = null) => x.Prod(dtype);
    public static Flint.Tensor Prod(Flint.Tensor x, int dim, bool keepdim = false, DType? dtype = null) => x.Prod(dim, keepdim, dtype);
    public static Flint.Tensor Max(Flint.Tensor x) => x.Max();
    public static ValuesIndices Max(Flint.Tensor x, int dim, bool keepdim = false) => x.Max(dim, keepdim);
    public static Flint.Tensor Min(Flint.Tensor x) => x.Min();
    public static ValuesIndices Min(Flint.Tensor x, int dim, bool keepdim = false) => x.Min(dim, keepdim);
    public static Flint.Tensor Amax(Flint.Tensor x, int[]? dims = null, bool keepdim = false) => x.Amax(dims, keepdim);
    public static Flint.Tensor Amin(Flint.Tensor x, int[]? dims = null, bool keepdim = false) => x.Amin(dims, keepdim);
    public static Flint.Tensor Argmax(Flint.Tensor x, int? dim = null, bool keepdim = false) => x.Argmax(dim, keepdim);
    public static Flint.Tensor Argmin(Flint.Tensor x, int? dim = null, bool keepdim = false) => x.Argmin(dim, keepdim);
    public static Flint.Tensor Var(Flint.Tensor x, int[]? dims = null, double correction = 1, bool keepdim = false) => x.Var(dims, correction, keepdim);
    public static Flint.Tensor Std(Flint.Tensor x, int[]? dims = null, double correction = 1, bool keepdim = false) => x.Std(dims, correction, keepdim);

    /// <summary>(variance, mean) in one pass over the data.</summary>
    public static (Flint.Tensor Var, Flint.Tensor Mean) VarMean(Flint.Tensor x, int[]? dims = null, double correction = 1, bool keepdim = false)
    {
        var r = Ops.Dispatcher.Call(new Ops.VarOp(dims is { Length: > 0 } ? dims : null, correction, keepdim, false, true), [x]);
        return (r[0], r[1]);
    }

    public static (Flint.Tensor Std, Flint.Tensor Mean) StdMean(Flint.Tensor x, int[]? dims = null, double correction = 1, bool keepdim = false)
    {
        var r = Ops.Dispatcher.Call(new Ops.VarOp(dims is { Length: > 0 } ? dims : null, correction, keepdim, true, true), [x]);
        return (r[0], r[1]);
    }

    public static Flint.Tensor Logsumexp(Flint.Tensor x, int[] dims, bool keepdim = false) => x.Logsumexp(dims, keepdim);
    public static Flint.Tensor Logsumexp(Flint.Tensor x, int dim, bool keepdim = false) => x.Logsumexp(dim, keepdim);
    public static Flint.Tensor All(Flint.Tensor x) => x.All();
    public static Flint.Tensor All(Flint.Tensor x, int dim, bool keepdim = false) => x.All(dim, keepdim);
    public static Flint.Tensor Any(Flint.Tensor x) => x.Any();
    public static Flint.Tensor Any(Flint.Tensor x, int dim, bool keepdim = false) => x.Any(dim, keepdim);
    public static Flint.Tensor CountNonzero(Flint.Tensor x, int[]? dims = null) => x.CountNonzero(dims);
    public static Flint.Tensor Cumsum(Flint.Tensor x, int dim, DType? dtype = null) => x.Cumsum(dim, dtype);
    public static Flint.Tensor Cumprod(Flint.Tensor x, int dim, DType? dtype = null) => x.Cumprod(dim, dtype);
    public static ValuesIndices Cummax(Flint.Tensor x, int dim) => x.Cummax(dim);
    public static ValuesIndices Cummin(Flint.Tensor x, int dim) => x.Cummin(dim);
    public static Flint.Tensor Softmax(Flint.Tensor x, int dim, DType? dtype = null) => x.Softmax(dim, dtype);
    public static Flint.Tensor LogSoftmax(Flint.Tensor x, int dim, DType? dtype = null) => x.LogSoftmax(dim, dtype);
}

public static partial class Torch
{
    public static Flint.Tensor Norm(Flint.Tensor x, double p = 2, int[]? dims = null, bool keepdim = false, DType? dtype = null) => x.Norm(p, dims, keepdim, dtype);
    public static Flint.Tensor Norm(Flint.Tensor x, string p, int[]? dims = null, bool keepdim = false) => x.Norm(p, dims, keepdim);
}
