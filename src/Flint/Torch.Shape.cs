using Flint.Ops;

namespace Flint;

// torch.cat/stack and the other shape functions that take several tensors or are called as torch.f(x, …).
public static partial class Torch
{
    public static Tensor Cat(Tensor[] tensors, int dim = 0) => Dispatcher.Call1(new CatOp(dim), tensors);
    public static Tensor Concat(Tensor[] tensors, int dim = 0) => Cat(tensors, dim);
    public static Tensor Concatenate(Tensor[] tensors, int dim = 0) => Cat(tensors, dim);
    public static Tensor Stack(Tensor[] tensors, int dim = 0) => Dispatcher.Call1(new StackOp(dim), tensors);

    public static Tensor Squeeze(Tensor input) => input.Squeeze();
    public static Tensor Squeeze(Tensor input, int dim) => input.Squeeze(dim);
    public static Tensor Unsqueeze(Tensor input, int dim) => input.Unsqueeze(dim);
    public static Tensor Narrow(Tensor input, int dim, long start, long length) => input.Narrow(dim, start, length);
    public static Tensor Select(Tensor input, int dim, long index) => input.Select(dim, index);
    public static Tensor Flatten(Tensor input, int startDim = 0, int endDim = -1) => input.Flatten(startDim, endDim);
    public static Tensor Unflatten(Tensor input, int dim, params long[] sizes) => input.Unflatten(dim, sizes);
    public static Tensor Movedim(Tensor input, int source, int destination) => input.Movedim(source, destination);
    public static Tensor Movedim(Tensor input, int[] source, int[] destination) => input.Movedim(source, destination);
    public static Tensor Permute(Tensor input, params long[] dims) => input.Permute(dims);
    public static Tensor Transpose(Tensor input, int dim0, int dim1) => input.Transpose(dim0, dim1);
    public static Tensor Swapaxes(Tensor input, int axis0, int axis1) => input.Transpose(axis0, axis1);
    public static Tensor Reshape(Tensor input, params long[] shape) => input.Reshape(shape);
    public static Tensor Diagonal(Tensor input, int offset = 0, int dim1 = 0, int dim2 = 1) => input.Diagonal(offset, dim1, dim2);
    public static Tensor AsStrided(Tensor input, long[] size, long[] stride, long? storageOffset = null) => input.AsStrided(size, stride, storageOffset);

    public static Tensor Gather(Tensor input, int dim, Tensor index) => input.Gather(dim, index);
    public static Tensor Scatter(Tensor input, int dim, Tensor index, Tensor src) => input.Scatter(dim, index, src);
    public static Tensor Scatter(Tensor input, int dim, Tensor index, Scalar value) => input.Scatter(dim, index, value);
    public static Tensor ScatterAdd(Tensor input, int dim, Tensor index, Tensor src) => input.ScatterAdd(dim, index, src);
    public static Tensor IndexSelect(Tensor input, int dim, Tensor index) => input.IndexSelect(dim, index);
    public static Tensor IndexAdd(Tensor input, int dim, Tensor index, Tensor source, Scalar? alpha = null) => input.IndexAdd(dim, index, source, alpha);
}

public static partial class Torch
{
    public static Tensor[] Split(Tensor input, long splitSize, int dim = 0) => input.Split(splitSize, dim);
    public static Tensor[] Split(Tensor input, long[] splitSizes, int dim = 0) => input.Split(splitSizes, dim);
    public static Tensor[] Chunk(Tensor input, long chunks, int dim = 0) => input.Chunk(chunks, dim);
    public static Tensor[] Unbind(Tensor input, int dim = 0) => input.Unbind(dim);
    public static Tensor Flip(Tensor input, params long[] dims) => input.Flip(dims);
    public static Tensor Fliplr(Tensor input) => input.Fliplr();
    public static Tensor Flipud(Tensor input) => input.Flipud();
    public static Tensor Roll(Tensor input, long shift, int? dim = null) => input.Roll(shift, dim);
    public static Tensor Roll(Tensor input, long[] shifts, int[] dims) => input.Roll(shifts, dims);
    public static Tensor Tile(Tensor input, params long[] reps) => input.Tile(reps);
    public static Tensor RepeatInterleave(Tensor input, long repeats, int? dim = null) => input.RepeatInterleave(repeats, dim);
    public static Tensor RepeatInterleave(Tensor input, Tensor repeats, int? dim = null) => input.RepeatInterleave(repeats, dim);
    public static Tensor Tril(Tensor input, long diagonal = 0) => input.Tril(diagonal);
    public static Tensor Triu(Tensor input, long diagonal = 0) => input.Triu(diagonal);
    public static Tensor Diag(Tensor input, int diagonal = 0) => input.Diag(diagonal);
    public static Tensor DiagEmbed(Tensor input, int offset = 0, int dim1 = -2, int dim2 = -1) => input.DiagEmbed(offset, dim1, dim2);
    public static Tensor Take(Tensor input, Tensor index) => input.Take(index);
    public static Tensor MaskedFill(Tensor input, Tensor mask, Scalar value) => input.MaskedFill(mask, value);
    public static Tensor MaskedSelect(Tensor input, Tensor mask) => input.MaskedSelect(mask);
    public static Tensor MaskedScatter(Tensor input, Tensor mask, Tensor source) => input.MaskedScatter(mask, source);
    public static Tensor Nonzero(Tensor input) => input.Nonzero();
    public static Tensor[] NonzeroAsTuple(Tensor input) => input.NonzeroAsTuple();
    public static Tensor Argwhere(Tensor input) => input.Nonzero();
    public static Tensor IndexCopy(Tensor input, int dim, Tensor index, Tensor source) => input.IndexCopy(dim, index, source);
    public static Tensor IndexFill(Tensor input, int dim, Tensor index, Scalar value) => input.IndexFill(dim, index, value);
    public static Tensor IndexPut(Tensor input, Tensor?[] indices, Tensor values, bool accumulate = false) => input.IndexPut(indices, values, accumulate);

    /// <summary>torch.set_printoptions (profile "default", "short" or "full").</summary>
    public static void SetPrintoptions(int? precision = null, int? threshold = null, int? edgeitems = null, int? linewidth = null, bool? sciMode = null, string? profile = null)
        => TensorFormatter.SetPrintOptions(precision, threshold, edgeitems, linewidth, sciMode, profile);

    public static Tensor Atleast1d(Tensor input) => input.Dim == 0 ? input.Reshape(1) : input;
    public static Tensor Atleast2d(Tensor input) => input.Dim switch { 0 => input.Reshape(1, 1), 1 => input.Unsqueeze(0), _ => input };
    public static Tensor Atleast3d(Tensor input) => input.Dim switch { 0 => input.Reshape(1, 1, 1), 1 => input.Unsqueeze(0).Unsqueeze(-1), 2 => input.Unsqueeze(-1), _ => input };

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
