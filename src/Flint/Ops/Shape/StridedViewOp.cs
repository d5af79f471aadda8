using Flint.Kernels.Cpu;

namespace Flint.Ops;

/// <summary>
/// A view op that is a pure re-striding of its input (select, slice, squeeze, unsqueeze, diagonal, unfold,
/// as_strided …). Each declares only its <see cref="Geometry"/>: the output's sizes, strides and offset from the
/// input's. The derivative is shared: the same geometry applied to a contiguous buffer of the input's shape tells
/// where each output element came from, so the gradient is a zero buffer with the output gradient added into that
/// view (<see cref="ViewScatterOp"/>; added, not copied, because unfold/as_strided views may overlap).
/// </summary>
public abstract class StridedViewOp : Op
{
    public override OpKind Kind => OpKind.View;
    public override bool IsView => true;

    /// <summary>The output layout for an input layout. Throws PyTorch's errors for bad arguments.</summary>
    public abstract (int[] Sizes, int[] Strides, int Offset) Geometry(int[] sizes, int[] strides, int offset);

    /// <summary>The aten name of the backward op (select_backward …), which names its own grad_fn under double backward.</summary>
    protected virtual string BackwardOpName => Name + "_backward";

    public override TensorMeta[] Meta(Tensor[] x) => [new(Geometry(x[0]._sizes, x[0]._strides, x[0]._offset).Sizes, x[0].DType)];

    public override Tensor[] Forward(Tensor[] x)
    {
        var (s, st, o) = Geometry(x[0]._sizes, x[0]._strides, x[0]._offset);
        return [x[0].AsStridedRaw(s, st, o)];
    }

    public override Tensor?[] Backward(BackwardContext ctx)
    {
        var inSizes = ctx.InputSizes(0);
        var (s, st, o) = Geometry(inSizes, ShapeUtil.ContiguousStrides(inSizes), 0);
        return [Dispatcher.Call1(new ViewScatterOp(BackwardOpName, inSizes, s, st, o), [ctx.Grad()])];
    }
}

/// <summary>
/// The derivative of a strided view: zeros of the base shape with src added into the view (sizes, strides,
/// offset) of a contiguous buffer. Its own derivative reads that view back out of the gradient.
/// </summary>
public sealed class ViewScatterOp(string name, int[] baseSizes, int[] sizes, int[] strides, int offset) : Op
{
    public override string Name { get; } = name;
    public override OpKind Kind => OpKind.Indexing;
    public override TensorMeta[] Meta(Tensor[] x) => [new(baseSizes, x[0].DType)];

    public override Tensor[] Forward(Tensor[] x)
    {
        var r = Tensor.Empty(baseSizes, x[0].DType, zeroed: true);
        StridedAccumulate.AddInto(x[0], r.AsStridedRaw(sizes, strides, offset));
        return [r];
    }

    public override Tensor?[] Backward(BackwardContext ctx)
        => [Dispatcher.Call1(new AsStridedViewOp(sizes, strides, offset, relative: true), [ctx.Grad().Contiguous()])];
}

/// <summary>
/// aten::as_strided(size, stride, storage_offset). With <c>relative</c> the offset counts from the input's own
/// offset (used for derivatives, whose inputs are contiguous).
/// </summary>
public sealed class AsStridedViewOp(int[] sizes, int[] strides, int? offset, bool relative = false) : StridedViewOp
{
    public override string Name => "as_strided";
    public override string FormatAttributes() => $"size={ShapeUtil.Format(sizes)}, stride={ShapeUtil.Format(strides)}";
    public override (int[] Sizes, int[] Strides, int Offset) Geometry(int[] s, int[] st, int o)
        => (sizes, strides, relative ? o + (offset ?? 0) : offset ?? o);
}

/// <summary>aten::select(dim, index): drops dim, at one index.</summary>
public sealed class SelectOp(int dim, long index) : StridedViewOp
{
    public override string Name => "select";
    public override string FormatAttributes() => $"dim={dim}, index={index}";
    public override (int[] Sizes, int[] Strides, int Offset) Geometry(int[] s, int[] st, int o)
    {
        if (s.Length == 0) throw new IndexOutOfRangeException("select() cannot be applied to a 0-dim tensor.");
        int d = ShapeUtil.WrapDim(dim, s.Length);
        long i = index;
        if (i < -s[d] || i >= s[d])
            throw new IndexOutOfRangeException($"select(): index {index} out of range for tensor of size {ShapeUtil.Format(s)} at dimension {d}");
        if (i < 0) i += s[d];
        return (Remove(s, d), Remove(st, d), o + (int)i * st[d]);
    }
    internal static int[] Remove(int[] a, int d) { var r = new int[a.Length - 1]; for (int i = 0, j = 0; i < a.Length; i++) if (i != d) r[j++] = a[i]; return r; }
}

/// <summary>aten::slice(dim, start, end, step): start/end are clamped as Python slices are; step must be positive.</summary>
public sealed class SliceOp(int dim, long start, long end, long step) : StridedViewOp
{
    public override string Name => "slice";
    public override string FormatAttributes() => $"dim={dim}, start={start}, end={end}, step={step}";
    public override (int[] Sizes, int[] Strides, int Offset) Geometry(int[] s, int[] st, int o)
    {
        int d = ShapeUtil.WrapDim(dim, s.Length);
        if (step <= 0) throw new ArgumentException("slice step must be positive");
        long n = s[d];
        long a = start < 0 ? start + n : start, b = end < 0 ? end + n : end;
        a = Math.Clamp(a, 0, n); b = Math.Clamp(b, a, n);
        var sizes = (int[])s.Clone(); var strides = (int[])st.Clone();
        sizes[d] = (int)((b - a + step - 1) / step);
        strides[d] = (int)(st[d] * step);
        return (sizes, strides, o + (int)a * st[d]);
    }
}

/// <summary>aten::squeeze (all size-1 dims) and squeeze.dim (one dim, left alone unless its size is 1).</summary>
public sealed class SqueezeOp(int? dim) : StridedViewOp
{
    public override string Name => "squeeze";
    public override string BackwardName => dim is null ? "SqueezeBackward0" : "SqueezeBackward1";
    public override string FormatAttributes() => dim is null ? "" : $"dim={dim}";
    public override (int[] Sizes, int[] Strides, int Offset) Geometry(int[] s, int[] st, int o)
    {
        int only = dim is { } dd ? ShapeUtil.WrapDim(dd, s.Length) : -1;
        var sizes = new List<int>(); var strides = new List<int>();
        for (int i = 0; i < s.Length; i++)
        {
            bool drop = s[i] == 1 && (dim is null || i == only);
            if (!drop) { sizes.Add(s[i]); strides.Add(st[i]); }
        }
        return (sizes.ToArray(), strides.ToArray(), o);
    }
    public override Tensor?[] Backward(BackwardContext ctx) => [ctx.Grad().Reshape(ShapeUtil.ToLong(ctx.InputSizes(0)))];
}

/// <summary>aten::unsqueeze(dim): a new size-1 dim.</summary>
public sealed class UnsqueezeOp(int dim) : StridedViewOp
{
    public override string Name => "unsqueeze";
    public override string FormatAttributes() => $"dim={dim}";
    public override (int[] Sizes, int[] Strides, int Offset) Geometry(int[] s, int[] st, int o)
    {
        int d = ShapeUtil.WrapDim(dim, s.Length + 1);
        var sizes = new int[s.Length + 1]; var strides = new int[s.Length + 1];
        for (int i = 0, j = 0; i < sizes.Length; i++)
        {
            if (i == d) { sizes[i] = 1; strides[i] = j < s.Length ? s[j] * st[j] : 1; }
            else { sizes[i] = s[j]; strides[i] = st[j]; j++; }
        }
        return (sizes, strides, o);
    }
    public override Tensor?[] Backward(BackwardContext ctx) => [ctx.Grad().Reshape(ShapeUtil.ToLong(ctx.InputSizes(0)))];
}

/// <summary>aten::diagonal(offset, dim1, dim2): the diagonal becomes the last dim.</summary>
public sealed class DiagonalOp(int offset, int dim1, int dim2) : StridedViewOp
{
    public override string Name => "diagonal";
    public override string FormatAttributes() => $"offset={offset}, dim1={dim1}, dim2={dim2}";
    public override (int[] Sizes, int[] Strides, int Offset) Geometry(int[] s, int[] st, int o)
    {
        int a = ShapeUtil.WrapDim(dim1, s.Length), b = ShapeUtil.WrapDim(dim2, s.Length);
        if (a == b) throw new ArgumentException($"diagonal dimensions cannot be identical {dim1}, {dim2}");
        int len, off = o;
        if (offset >= 0) { len = Math.Max(Math.Min(s[a], s[b] - offset), 0); if (len > 0) off += offset * st[b]; }
        else { len = Math.Max(Math.Min(s[a] + offset, s[b]), 0); if (len > 0) off -= offset * st[a]; }
        var sizes = new List<int>(); var strides = new List<int>();
        for (int i = 0; i < s.Length; i++) if (i != a && i != b) { sizes.Add(s[i]); strides.Add(st[i]); }
        sizes.Add(len); strides.Add(st[a] + st[b]);
        return (sizes.ToArray(), strides.ToArray(), off);
    }
}

/// <summary>aten::unfold(dimension, size, step): sliding windows of dim as a new last dim (windows may overlap).</summary>
public sealed class UnfoldOp(int dim, int size, int step) : StridedViewOp
{
    public override string Name => "unfold";
    public override string FormatAttributes() => $"dimension={dim}, size={size}, step={step}";
    public override (int[] Sizes, int[] Strides, int Offset) Geometry(int[] s, int[] st, int o)
    {
        int d = s.Length == 0 ? 0 : ShapeUtil.WrapDim(dim, s.Length);
        int n = s.Length == 0 ? 1 : s[d], stride = s.Length == 0 ? 1 : st[d];
        if (size > n) throw new ArgumentException($"maximum size for tensor at dimension {d} is {n} but size is {size}");
        if (step <= 0) throw new ArgumentException($"step is {step} but must be > 0");
        var sizes = new int[s.Length + 1]; var strides = new int[s.Length + 1];
        for (int i = 0; i < s.Length; i++) { sizes[i] = s[i]; strides[i] = st[i]; }
        if (s.Length > 0) { sizes[d] = (n - size) / step + 1; strides[d] = step * stride; }
        sizes[^1] = size; strides[^1] = stride;
        return (sizes, strides, o);
    }
}
