using Flint.Ops;

namespace Flint;

// Shape ops that copy or return several views: split, chunk, unbind, flip, roll, repeat, tile, repeat_interleave,
// tril/triu, diag, diag_embed.
public partial class Tensor
{
    /// <summary>Views of splitSize elements along dim (the last may be smaller).</summary>
    public Tensor[] Split(long splitSize, int dim = 0)
    {
        int d = ShapeUtil.WrapDim(dim, Dim);
        long n = _sizes[d];
        if (splitSize < 0) throw new ArgumentException($"split expects split_size be non-negative, but got split_size={splitSize}");
        if (splitSize == 0 && n != 0) throw new ArgumentException($"split_size can only be 0 if dimension size is 0, but got dimension size of {n}");
        int count = splitSize == 0 ? 1 : (int)Math.Max((n + splitSize - 1) / splitSize, 1);
        var sizes = new long[count];
        for (int i = 0; i < count; i++) sizes[i] = Math.Min(splitSize, n - i * splitSize);
        return Dispatcher.Call(new SplitOp(d, sizes, withSizes: false), [this]);
    }

    /// <summary>Views of the given sizes along dim (they must add up to its size).</summary>
    public Tensor[] Split(long[] splitSizes, int dim = 0)
    {
        int d = ShapeUtil.WrapDim(dim, Dim);
        long total = 0;
        foreach (var s in splitSizes)
        {
            if (s < 0) throw new ArgumentException($"split_with_sizes expects split_sizes have only non-negative entries, but got split_sizes=[{string.Join(", ", splitSizes)}]");
            total += s;
        }
        if (total != _sizes[d])
            throw new ArgumentException($"split_with_sizes expects split_sizes to sum exactly to {_sizes[d]} (input tensor's size at dimension {d}), but got split_sizes=[{string.Join(", ", splitSizes)}]");
        return Dispatcher.Call(new SplitOp(d, (long[])splitSizes.Clone(), withSizes: true), [this]);
    }

    /// <summary>At most `chunks` views of equal size (ceil(n / chunks)) along dim.</summary>
    public Tensor[] Chunk(long chunks, int dim = 0)
    {
        if (Dim == 0) throw new ArgumentException("chunk expects at least a 1-dimensional tensor");
        if (chunks <= 0) throw new ArgumentException($"chunk expects `chunks` to be greater than 0, got: {chunks}");
        int d = ShapeUtil.WrapDim(dim, Dim);
        long n = _sizes[d];
        long size = (n + chunks - 1) / chunks;
        if (size == 0 && n == 0)
        {
            var r = new Tensor[chunks];
            for (int i = 0; i < chunks; i++) r[i] = Narrow(d, 0, 0);
            return r;
        }
        return Split(size, d);
    }

    /// <summary>The views x.select(dim, i) for every i.</summary>
    public Tensor[] Unbind(int dim = 0)
    {
        if (Dim == 0) throw new IndexOutOfRangeException("Dimension specified as 0 but tensor has no dimensions");
        int d = ShapeUtil.WrapDim(dim, Dim);
        var r = new Tensor[_sizes[d]];
        for (int i = 0; i < r.Length; i++) r[i] = Select(d, i);
        return r;
    }

    private int[] WrapDims(long[] dims, string op)
    {
        var r = new int[dims.Length];
        var seen = new bool[Math.Max(Dim, 1)];
        for (int i = 0; i < r.Length; i++)
        {
            r[i] = ShapeUtil.WrapDim(dims[i], Dim);
            if (seen[r[i]]) throw new ArgumentException($"dim {r[i]} appears multiple times in the list of dims");
            seen[r[i]] = true;
        }
        return r;
    }

    /// <summary>A copy with the order of elements reversed along the given dims.</summary>
    public Tensor Flip(params long[] dims) => Dispatcher.Call1(new FlipOp(Dim == 0 ? [] : WrapDims(dims, "flip")), [this]);
    internal Tensor Flip(int[] dims) => Dispatcher.Call1(new FlipOp(dims), [this]);
    public Tensor Fliplr()
    {
        if (Dim < 2) throw new ArgumentException("Input must be >= 2-d.");
        return Flip(1L);
    }
    public Tensor Flipud()
    {
        if (Dim < 1) throw new ArgumentException("Input must be >= 1-d.");
        return Flip(0L);
    }

    /// <summary>Elements shifted cyclically; with no dims the tensor is flattened, rolled and restored.</summary>
    public Tensor Roll(long shift, int? dim = null) => dim is { } d ? Roll([shift], [d]) : Roll([shift], []);

    public Tensor Roll(long[] shifts, int[] dims)
    {
        if (dims.Length == 0)
        {
            if (shifts.Length != 1) throw new ArgumentException($"shifts and dimensions must align. shifts: {shifts.Length}, dims:0");
            return Flatten().Roll(shifts, [0]).View(Shape);
        }
        if (shifts.Length != dims.Length) throw new ArgumentException($"shifts and dimensions must align. shifts: {shifts.Length}, dims:{dims.Length}");
        var wd = new int[dims.Length];
        for (int i = 0; i < wd.Length; i++) wd[i] = ShapeUtil.WrapDim(dims[i], Dim);
        return Dispatcher.Call1(new RollOp(shifts, wd), [this]);
    }

    /// <summary>The tensor tiled repeats[i] times along each dim (PyTorch's repeat: np.tile semantics).</summary>
    public Tensor Repeat(params long[] repeats) => Dispatcher.Call1(new RepeatOp(repeats), [this]);

    /// <summary>np.tile: like Repeat, with reps padded with leading 1s to the tensor's rank.</summary>
    public Tensor Tile(params long[] reps)
    {
        if (reps.Length < Dim)
        {
            var p = new long[Dim];
            Array.Fill(p, 1L);
            Array.Copy(reps, 0, p, Dim - reps.Length, reps.Length);
            reps = p;
        }
        return Repeat(reps);
    }

    /// <summary>Each element repeated `repeats` times along dim (flattened first when dim is null).</summary>
    public Tensor RepeatInterleave(long repeats, int? dim = null)
    {
        if (repeats < 0) throw new ArgumentException("repeats can not be negative");
        var x = dim is null ? Flatten() : this;
        int d = dim is null ? 0 : ShapeUtil.WrapDim(dim.Value, Dim);
        int n = x._sizes[d];
        var idx = new long[n * repeats];
        for (int i = 0; i < idx.Length; i++) idx[i] = i / repeats;
        return x.IndexSelect(d, Torch.Tensor(idx, [idx.LongLength]));
    }

    /// <summary>Element i repeated repeats[i] times along dim (flattened first when dim is null).</summary>
    public Tensor RepeatInterleave(Tensor repeats, int? dim = null)
    {
        var x = dim is null ? Flatten() : this;
        int d = dim is null ? 0 : ShapeUtil.WrapDim(dim.Value, Dim);
        var reps = repeats.Dim == 0 ? Enumerable.Repeat(repeats.To(DType.Int64).Item<long>(), x._sizes[d]).ToArray() : repeats.To(DType.Int64).ToArray<long>();
        if (repeats.Dim > 1) throw new ArgumentException("repeat_interleave only accept 1D vector as repeat");
        if (reps.Length != x._sizes[d]) throw new ArgumentException("repeats must have the same size as input along dim");
        var idx = new List<long>();
        for (int i = 0; i < reps.Length; i++)
        {
            if (reps[i] < 0) throw new ArgumentException("repeats can not be negative");
            for (long k = 0; k < reps[i]; k++) idx.Add(i);
        }
        return x.IndexSelect(d, Torch.Tensor(idx.ToArray(), [idx.Count]));
    }

    public Tensor Tril(long diagonal = 0) => Dispatcher.Call1(new TriangleOp(false, diagonal), [this]);
    public Tensor Triu(long diagonal = 0) => Dispatcher.Call1(new TriangleOp(true, diagonal), [this]);
    public Tensor Tril_(long diagonal = 0) => InPlace(Tril(diagonal));
    public Tensor Triu_(long diagonal = 0) => InPlace(Triu(diagonal));

    /// <summary>1-D: a square matrix with this vector on diagonal k. 2-D: a copy of diagonal k.</summary>
    public Tensor Diag(int diagonal = 0)
    {
        if (Dim == 1) return DiagEmbed(diagonal, 0, 1);
        if (Dim == 2) return Diagonal(diagonal, 0, 1).Clone();
        throw new ArgumentException("diag(): Supports 1D or 2D tensors. Got " + Dim + "D");
    }

    /// <summary>The last dim placed on diagonal `offset` of two new dims (dim1, dim2) of the result.</summary>
    public Tensor DiagEmbed(int offset = 0, int dim1 = -2, int dim2 = -1)
    {
        int a = ShapeUtil.WrapDim(dim1, Dim + 1), b = ShapeUtil.WrapDim(dim2, Dim + 1);
        if (a == b) throw new ArgumentException($"diagonal dimensions cannot be identical {dim1}, {dim2}");
        return Dispatcher.Call1(new DiagEmbedOp(offset, a, b), [this]);
    }
}
