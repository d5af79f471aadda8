using Flint.Ops;

namespace Flint;

// Views (share storage, set _base) and shape ops: squeeze, unsqueeze, narrow, select, unfold, flatten, movedim …
public partial class Tensor
{
    public Tensor Squeeze() => Dispatcher.Call1(new SqueezeOp(null), [this]);
    public Tensor Squeeze(int dim) => Dispatcher.Call1(new SqueezeOp(ShapeUtil.WrapDim(dim, Dim)), [this]);
    public Tensor Unsqueeze(int dim) => Dispatcher.Call1(new UnsqueezeOp(ShapeUtil.WrapDim(dim, Dim + 1)), [this]);

    /// <summary>The view of one index along dim (the dim is removed): x.select(0, i) is x[i].</summary>
    public Tensor Select(int dim, long index)
    {
        if (Dim == 0) throw new IndexOutOfRangeException("select() cannot be applied to a 0-dim tensor.");
        return Dispatcher.Call1(new SelectOp(ShapeUtil.WrapDim(dim, Dim), index), [this]);
    }

    /// <summary>The view of length elements of dim starting at start (PyTorch's narrow; records SliceBackward0).</summary>
    public Tensor Narrow(int dim, long start, long length)
    {
        if (Dim == 0) throw new ArgumentException("narrow() cannot be applied to a 0-dim tensor.");
        int d = ShapeUtil.WrapDim(dim, Dim);
        long n = _sizes[d];
        if (start < -n || start > n)
            throw new IndexOutOfRangeException($"Dimension out of range (expected to be in range of [{-n}, {n - 1}], but got {start})");
        if (start < 0) start += n;
        if (length < 0) throw new ArgumentException("narrow(): length must be non-negative.");
        if (start + length > n) throw new ArgumentException($"start ({start}) + length ({length}) exceeds dimension size ({n}).");
        return Dispatcher.Call1(new SliceOp(d, start, start + length, 1), [this]);
    }

    /// <summary>Python's x[start:end:step] along one dim (PyTorch's aten::slice): bounds clamp, step &gt; 0.</summary>
    public Tensor Slice(int dim, long? start = null, long? end = null, long step = 1)
    {
        if (Dim == 0) throw new IndexOutOfRangeException("slice() cannot be applied to a 0-dim tensor.");
        if (step <= 0) throw new ArgumentException("slice step must be positive");
        int d = ShapeUtil.WrapDim(dim, Dim);
        return Dispatcher.Call1(new SliceOp(d, start ?? 0, end ?? long.MaxValue / 2, step), [this]);
    }

    /// <summary>Sliding windows of the given size and step along dimension, as a new last dim (a view).</summary>
    public Tensor Unfold(int dimension, long size, long step)
        => Dispatcher.Call1(new UnfoldOp(Dim == 0 ? 0 : ShapeUtil.WrapDim(dimension, Dim), (int)size, (int)step), [this]);

    /// <summary>The diagonal of dims (dim1, dim2) at an offset, as a new last dim (a view).</summary>
    public Tensor Diagonal(int offset = 0, int dim1 = 0, int dim2 = 1)
        => Dispatcher.Call1(new DiagonalOp(offset, ShapeUtil.WrapDim(dim1, Dim), ShapeUtil.WrapDim(dim2, Dim)), [this]);

    /// <summary>A view with the given sizes and strides over this tensor's storage (offset defaults to this one's).</summary>
    public Tensor AsStrided(long[] size, long[] stride, long? storageOffset = null)
    {
        if (size.Length != stride.Length)
            throw new ArgumentException($"mismatch in length of strides and shape");
        var sz = ShapeUtil.ToInt(size);
        var st = new int[stride.Length];
        for (int i = 0; i < st.Length; i++)
        {
            if (stride[i] < 0) throw new ArgumentException("as_strided: Negative strides are not supported at the moment, got strides: [" + string.Join(", ", stride) + "]");
            st[i] = (int)stride[i];
        }
        int off = (int)(storageOffset ?? _offset);
        long last = off;
        for (int i = 0; i < sz.Length; i++) last += (long)(sz[i] - 1) * st[i];
        if (ShapeUtil.Numel(sz) > 0 && last >= _storage.Length)
            throw new ArgumentException($"setStorage: sizes {ShapeUtil.Format(sz)}, strides {ShapeUtil.Format(st)}, storage offset {off}, and itemsize {ElementSize()} requiring a storage size of {(last + 1) * ElementSize()} are out of bounds for storage of size {(long)_storage.Length * ElementSize()}");
        return Dispatcher.Call1(new AsStridedViewOp(sz, st, off), [this]);
    }

    public Tensor ViewAs(Tensor other) => View(other.Shape);
    public Tensor ReshapeAs(Tensor other) => Reshape(other.Shape);

    /// <summary>Merges dims startDim..endDim into one (a view when the layout allows, else a copy).</summary>
    public Tensor Flatten(int startDim = 0, int endDim = -1)
    {
        // a mode (tracing) records aten::flatten, which replays for any batch size, rather than a fixed-size view
        if (Dispatcher.ModeActive) return Dispatcher.CallComposite(new FlattenOp(startDim, endDim), [this])[0];
        return FlattenDecomposed(startDim, endDim);
    }

    internal Tensor FlattenDecomposed(int startDim, int endDim)
    {
        if (Dim == 0) return Reshape(1);
        int a = ShapeUtil.WrapDim(startDim, Dim), b = ShapeUtil.WrapDim(endDim, Dim);
        if (a > b) throw new ArgumentException("flatten() has invalid args: start_dim cannot come after end_dim");
        if (a == b) return this;
        var s = new List<long>();
        for (int i = 0; i < a; i++) s.Add(_sizes[i]);
        long m = 1;
        for (int i = a; i <= b; i++) m *= _sizes[i];
        s.Add(m);
        for (int i = b + 1; i < Dim; i++) s.Add(_sizes[i]);
        return Reshape(s.ToArray());
    }

    /// <summary>Splits dim into the given sizes (one may be −1).</summary>
    public Tensor Unflatten(int dim, params long[] sizes)
    {
        int d = ShapeUtil.WrapDim(dim, Dim);
        if (sizes.Length == 0) throw new ArgumentException("unflatten: sizes must be non-empty");
        long prod = 1; int infer = -1;
        for (int i = 0; i < sizes.Length; i++)
        {
            if (sizes[i] == -1)
            {
                if (infer >= 0) throw new ArgumentException("only one dimension can be inferred");
                infer = i;
            }
            else prod *= sizes[i];
        }
        var full = (long[])sizes.Clone();
        if (infer >= 0)
        {
            if (prod == 0 || _sizes[d] % prod != 0)
                throw new ArgumentException($"unflatten: Provided sizes [{string.Join(", ", sizes)}] don't multiply up to the size of dim {dim} ({_sizes[d]}) in the input tensor");
            full[infer] = _sizes[d] / prod;
        }
        else if (prod != _sizes[d])
            throw new ArgumentException($"unflatten: Provided sizes [{string.Join(", ", sizes)}] don't multiply up to the size of dim {dim} ({_sizes[d]}) in the input tensor");
        var s = new List<long>();
        for (int i = 0; i < d; i++) s.Add(_sizes[i]);
        s.AddRange(full);
        for (int i = d + 1; i < Dim; i++) s.Add(_sizes[i]);
        return View(s.ToArray());
    }

    public Tensor Movedim(int source, int destination) => Movedim([source], [destination]);

    /// <summary>Moves dims source[i] to positions destination[i]; the other dims keep their order.</summary>
    public Tensor Movedim(int[] source, int[] destination)
    {
        if (source.Length != destination.Length)
            throw new ArgumentException($"movedim: Invalid source or destination dims: source ([{string.Join(", ", source)}] dims) should contain the same number of dims as destination ([{string.Join(", ", destination)}] dims)");
        int n = Dim;
        var perm = new long[n];
        Array.Fill(perm, -1L);
        var used = new bool[n];
        for (int i = 0; i < source.Length; i++)
        {
            int s = ShapeUtil.WrapDim(source[i], n), dd = ShapeUtil.WrapDim(destination[i], n);
            if (perm[dd] != -1) throw new ArgumentException($"movedim: repeated dim in `destination` ([{string.Join(", ", destination)}])");
            if (used[s]) throw new ArgumentException($"movedim: repeated dim in `source` ([{string.Join(", ", source)}])");
            perm[dd] = s; used[s] = true;
        }
        int next = 0;
        for (int i = 0; i < n; i++)
        {
            if (perm[i] != -1) continue;
            while (used[next]) next++;
            perm[i] = next++;
        }
        return Permute(perm);
    }

    public Tensor Moveaxis(int source, int destination) => Movedim(source, destination);
    public Tensor Swapaxes(int axis0, int axis1) => Transpose(axis0, axis1);
    public Tensor Swapdims(int dim0, int dim1) => Transpose(dim0, dim1);
}
