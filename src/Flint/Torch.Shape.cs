using Flint.Ops;

namespace Flint;

// torch.cat/stack and the other shape functions that take several tensors or are called as torch.f(x, …).
public static partial class Torch
{
    public static Tensor Cat(Tensor[] tensors, int dim = 0) => Dispatcher.Call1(new CatOp(dim), tensors);
    public static Tensor Concat(Tensor[] tensors, int dim = 0) => Cat(tensors, dim);
    public static Tensor Concatenate(Tensor[] tensors, int dim = 0) => Cat(tensors, dim);
    public static Tensor Stack(Tensor[] tensors, int dim = 0) => Dispatcher.Call1(new StackOp(dim), tensors);

    public static Tensor Squeeze(Tensor x) => x.Squeeze();
    public static Tensor Squeeze(Tensor x, int dim) => x.Squeeze(dim);
    public static Tensor Unsqueeze(Tensor x, int dim) => x.Unsqueeze(dim);
    public static Tensor Narrow(Tensor x, int dim, long start, long length) => x.Narrow(dim, start, length);
    public static Tensor Select(Tensor x, int dim, long index) => x.Select(dim, index);
    public static Tensor Flatten(Tensor x, int startDim = 0, int endDim = -1) => x.Flatten(startDim, endDim);
    public static Tensor Unflatten(Tensor x, int dim, params long[] sizes) => x.Unflatten(dim, sizes);
    public static Tensor Movedim(Tensor x, int source, int destination) => x.Movedim(source, destination);
    public static Tensor Movedim(Tensor x, int[] source, int[] destination) => x.Movedim(source, destination);
    public static Tensor Permute(Tensor x, params long[] dims) => x.Permute(dims);
    public static Tensor Transpose(Tensor x, int dim0, int dim1) => x.Transpose(dim0, dim1);
    public static Tensor Swapaxes(Tensor x, int axis0, int axis1) => x.Transpose(axis0, axis1);
    public static Tensor Reshape(Tensor x, params long[] shape) => x.Reshape(shape);
    public static Tensor Diagonal(Tensor x, int offset = 0, int dim1 = 0, int dim2 = 1) => x.Diagonal(offset, dim1, dim2);
    public static Tensor AsStrided(Tensor x, long[] size, long[] stride, long? storageOffset = null) => x.AsStrided(size, stride, storageOffset);

    public static Tensor Gather(Tensor x, int dim, Tensor index) => x.Gather(dim, index);
    public static Tensor Scatter(Tensor x, int dim, Tensor index, Tensor src) => x.Scatter(dim, index, src);
    public static Tensor Scatter(Tensor x, int dim, Tensor index, Scalar value) => x.Scatter(dim, index, value);
    public static Tensor ScatterAdd(Tensor x, int dim, Tensor index, Tensor src) => x.ScatterAdd(dim, index, src);
    public static Tensor IndexSelect(Tensor x, int dim, Tensor index) => x.IndexSelect(dim, index);
    public static Tensor IndexAdd(Tensor x, int dim, Tensor index, Tensor source, Scalar? alpha = null) => x.IndexAdd(dim, index, source, alpha);
}

public static partial class Torch
{
    public static Tensor[] Split(Tensor x, long splitSize, int dim = 0) => x.Split(splitSize, dim);
    public static Tensor[] Split(Tensor x, long[] splitSizes, int dim = 0) => x.Split(splitSizes, dim);
    public static Tensor[] Chunk(Tensor x, long chunks, int dim = 0) => x.Chunk(chunks, dim);
    public static Tensor[] Unbind(Tensor x, int dim = 0) => x.Unbind(dim);
    public static Tensor Flip(Tensor x, params long[] dims) => x.Flip(dims);
    public static Tensor Fliplr(Tensor x) => x.Fliplr();
    public static Tensor Flipud(Tensor x) => x.Flipud();
    public static Tensor Roll(Tensor x, long shift, int? dim = null) => x.Roll(shift, dim);
    public static Tensor Roll(Tensor x, long[] shifts, int[] dims) => x.Roll(shifts, dims);
    public static Tensor Tile(Tensor x, params long[] reps) => x.Tile(reps);
    public static Tensor RepeatInterleave(Tensor x, long repeats, int? dim = null) => x.RepeatInterleave(repeats, dim);
    public static Tensor RepeatInterleave(Tensor x, Tensor repeats, int? dim = null) => x.RepeatInterleave(repeats, dim);
    public static Tensor Tril(Tensor x, long diagonal = 0) => x.Tril(diagonal);
    public static Tensor Triu(Tensor x, long diagonal = 0) => x.Triu(diagonal);
    public static Tensor Diag(Tensor x, int diagonal = 0) => x.Diag(diagonal);
    public static Tensor DiagEmbed(Tensor x, int offset = 0, int dim1 = -2, int dim2 = -1) => x.DiagEmbed(offset, dim1, dim2);
    public static Tensor Take(Tensor x, Tensor index) => x.Take(index);
    public static Tensor MaskedFill(Tensor x, Tensor mask, Scalar value) => x.MaskedFill(mask, value);
    public static Tensor MaskedSelect(Tensor x, Tensor mask) => x.MaskedSelect(mask);
    public static Tensor MaskedScatter(Tensor x, Tensor mask, Tensor source) => x.MaskedScatter(mask, source);
    public static Tensor Nonzero(Tensor x) => x.Nonzero();
    public static Tensor[] NonzeroAsTuple(Tensor x) => x.NonzeroAsTuple();
    public static Tensor Argwhere(Tensor x) => x.Nonzero();
    public static Tensor IndexCopy(Tensor x, int dim, Tensor index, Tensor source) => x.IndexCopy(dim, index, source);
    public static Tensor IndexFill(Tensor x, int dim, Tensor index, Scalar value) => x.IndexFill(dim, index, value);
    public static Tensor IndexPut(Tensor x, Tensor?[] indices, Tensor values, bool accumulate = false) => x.IndexPut(indices, values, accumulate);

    /// <summary>torch.set_printoptions (profile "default", "short" or "full").</summary>
    public static void SetPrintoptions(int? precision = null, int? threshold = null, int? edgeitems = null, int? linewidth = null, bool? sciMode = null, string? profile = null)
        => TensorFormatter.SetPrintOptions(precision, threshold, edgeitems, linewidth, sciMode, profile);

    public static Tensor Atleast1d(Tensor x) => x.Dim == 0 ? x.Reshape(1) : x;
    public static Tensor Atleast2d(Tensor x) => x.Dim switch { 0 => x.Reshape(1, 1), 1 => x.Unsqueeze(0), _ => x };
    public static Tensor Atleast3d(Tensor x) => x.Dim switch { 0 => x.Reshape(1, 1, 1), 1 => x.Unsqueeze(0).Unsqueeze(-1), 2 => x.Unsqueeze(-1), _ => x };

    /// <summary>Stacks horizontally: along dim 0 for 1-D tensors, dim 1 otherwise.</summary>
    public static Tensor Hstack(Tensor[] tensors)
    {
        var t = tensors.Select(Atleast1d).ToArray();
        return Cat(t, t.Length > 0 && t[0].Dim == 1 ? 0 : 1);
    }
    public static Tensor Vstack(Tensor[] tensors) => Cat(tensors.Select(Atleast2d).ToArray(), 0);
    public static Tensor RowStack(Tensor[] tensors) => Vstack(tensors);
    public static Tensor Dstack(Tensor[] tensors) => Cat(tensors.Select(Atleast3d).ToArray(), 2);
    public static Tensor ColumnStack(Tensor[] tensors)
        => Cat(tensors.Select(t => t.Dim <= 1 ? t.Reshape(t.Numel(), 1) : t).ToArray(), 1);

    /// <summary>torch.meshgrid: coordinate grids from 1-D tensors; indexing "ij" (matrix) or "xy" (Cartesian).</summary>
    public static Tensor[] Meshgrid(Tensor[] tensors, string indexing = "ij")
    {
        if (indexing != "ij" && indexing != "xy")
            throw new ArgumentException($"torch.meshgrid: indexing must be one of \"xy\" or \"ij\", but received: {indexing}");
        if (tensors.Length == 0) throw new ArgumentException("meshgrid expects a non-empty TensorList");
        foreach (var t in tensors)
            if (t.Dim > 1) throw new ArgumentException($"torch.meshgrid: Expected 0D or 1D tensor in the tensor list but got: {t}");
        var ts = tensors.Select(Atleast1d).ToArray();
        bool swap = indexing == "xy" && ts.Length >= 2;
        if (swap) (ts[0], ts[1]) = (ts[1], ts[0]);
        var shape = ts.Select(t => t.Numel()).ToArray();
        var r = new Tensor[ts.Length];
        for (int i = 0; i < ts.Length; i++)
        {
            var view = new long[ts.Length];
            Array.Fill(view, 1L);
            view[i] = shape[i];
            r[i] = ts[i].View(view).Expand(shape);
        }
        if (swap) (r[0], r[1]) = (r[1], r[0]);
        return r;
    }
    public static Tensor[] Meshgrid(params Tensor[] tensors) => Meshgrid(tensors, "ij");

    /// <summary>
    /// Pads the last dims: pad = (left, right) for the last dim, then (top, bottom) for the one before, …
    /// mode "constant" (value), "reflect", "replicate" or "circular". (torch.nn.functional.pad.)
    /// </summary>
    public static Tensor Pad(Tensor x, long[] pad, string mode = "constant", double value = 0)
    {
        if (pad.Length % 2 != 0) throw new ArgumentException("Padding length must be divisible by 2");
        if (pad.Length / 2 > x.Dim) throw new ArgumentException("Padding length too large");
        if (mode == "constant")
        {
            Scalar v = x.IsFloatingPoint() ? value : (long)value;
            return Dispatcher.Call1(new ConstantPadOp(pad, v), [x]);
        }
        if (mode is not ("reflect" or "replicate" or "circular")) throw new ArgumentException($"Unrecognised padding mode {mode}");
        var r = x;
        for (int i = 0; i < pad.Length / 2; i++)
        {
            int d = x.Dim - 1 - i;
            long lo = pad[2 * i], hi = pad[2 * i + 1], n = x.Size(d);
            if (mode == "reflect" && (lo >= n || hi >= n))
                throw new ArgumentException($"Argument #4: Padding size should be less than the corresponding input dimension, but got: padding ({lo}, {hi}) at dimension {d} of input [{string.Join(", ", x.Shape)}]");
            if (mode == "circular" && (lo > n || hi > n))
                throw new ArgumentException("Padding value causes wrapping around more than once.");
            long m = n + lo + hi;
            var idx = new long[Math.Max(m, 0)];
            for (long j = 0; j < m; j++)
            {
                long s = j - lo;
                idx[j] = mode switch
                {
                    "replicate" => Math.Clamp(s, 0, n - 1),
                    "circular" => ((s % n) + n) % n,
                    _ => s < 0 ? -s : s >= n ? 2 * (n - 1) - s : s,
                };
            }
            r = r.IndexSelect(d, Tensor(idx, [idx.LongLength]));
        }
        return r;
    }
}
