using Flint.Kernels.Cpu;

namespace Flint.Ops;

/// <summary>aten::flip(dims): a copy read through negative strides.</summary>
public sealed class FlipOp(int[] dims) : Op
{
    public override string Name => "flip";
    public override OpKind Kind => OpKind.Extern;
    public override string FormatAttributes() => $"dims=[{string.Join(", ", dims)}]";
    public override TensorMeta[] Meta(Tensor[] x) => [TensorMeta.Like(x[0])];
    public override Tensor[] Forward(Tensor[] x)
    {
        var t = x[0];
        var strides = (int[])t._strides.Clone();
        int off = t._offset;
        foreach (var d in dims)
        {
            if (t._sizes[d] == 0) continue;
            off += (t._sizes[d] - 1) * strides[d];
            strides[d] = -strides[d];
        }
        return [t.AsStridedRaw(t._sizes, strides, off).CloneRaw()];
    }
    public override Tensor?[] Backward(BackwardContext ctx) => [ctx.Grad().Flip(dims)];
}

/// <summary>aten::roll(shifts, dims): elements shifted cyclically along each dim.</summary>
public sealed class RollOp(long[] shifts, int[] dims) : Op
{
    public override string Name => "roll";
    public override OpKind Kind => OpKind.Extern;
    public override string FormatAttributes() => $"shifts=[{string.Join(", ", shifts)}], dims=[{string.Join(", ", dims)}]";
    public override TensorMeta[] Meta(Tensor[] x) => [TensorMeta.Like(x[0])];
    public override Tensor[] Forward(Tensor[] x)
    {
        var cur = x[0];
        for (int k = 0; k < dims.Length; k++)
        {
            int d = dims[k], n = cur._sizes[d];
            var y = Tensor.Empty(cur._sizes, cur.DType);
            if (n == 0) { cur = y; continue; }
            int s = (int)(((shifts[k] % n) + n) % n);
            // y[s:] = cur[:n-s], y[:s] = cur[n-s:]
            StridedCopy.Copy(cur.SliceRaw(d, 0, n - s), y.SliceRaw(d, s, n - s));
            if (s > 0) StridedCopy.Copy(cur.SliceRaw(d, n - s, s), y.SliceRaw(d, 0, s));
            cur = y;
        }
        return [ReferenceEquals(cur, x[0]) ? cur.CloneRaw() : cur];
    }
    public override Tensor?[] Backward(BackwardContext ctx)
    {
        var neg = new long[shifts.Length];
        for (int i = 0; i < neg.Length; i++) neg[i] = -shifts[i];
        return [ctx.Grad().Roll(neg, dims)];
    }
}

/// <summary>aten::repeat(repeats): the tensor tiled repeats[i] times along each dim (leading dims added).</summary>
public sealed class RepeatOp(long[] repeats) : Op
{
    public override string Name => "repeat";
    public override OpKind Kind => OpKind.Extern;
    public override string FormatAttributes() => $"repeats=[{string.Join(", ", repeats)}]";

    private int[] Padded(Tensor x)
    {
        if (repeats.Length < x.Dim) throw new ArgumentException("Number of dimensions of repeat dims can not be smaller than number of dimensions of tensor");
        var s = new int[repeats.Length];
        for (int i = 0; i < s.Length; i++) { int od = i - (repeats.Length - x.Dim); s[i] = od >= 0 ? x._sizes[od] : 1; }
        return s;
    }

    private int[] OutSizes(int[] padded)
    {
        var r = new int[padded.Length];
        for (int i = 0; i < r.Length; i++)
        {
            if (repeats[i] < 0) throw new ArgumentException($"Trying to create tensor with negative dimension {repeats[i]}: [{string.Join(", ", repeats)}]");
            r[i] = checked((int)(padded[i] * repeats[i]));
        }
        return r;
    }

    public override TensorMeta[] Meta(Tensor[] x) => [new(OutSizes(Padded(x[0])), x[0].DType)];

    public override Tensor[] Forward(Tensor[] x)
    {
        var t = x[0];
        var padded = Padded(t);
        var pv = t.ViewRaw(padded.Length == t.Dim ? t._sizes : padded);
        // [r0, s0, r1, s1, …] with stride 0 on the repeat dims, copied, then merged pairwise.
        int n = padded.Length;
        var sizes = new int[2 * n]; var strides = new int[2 * n];
        for (int i = 0; i < n; i++) { sizes[2 * i] = (int)repeats[i]; sizes[2 * i + 1] = padded[i]; strides[2 * i + 1] = pv._strides[i]; }
        var y = pv.AsStridedRaw(sizes, strides, pv._offset).CloneRaw();
        return [y.ViewRaw(OutSizes(padded))];
    }

    public override Tensor?[] Backward(BackwardContext ctx)
    {
        var inSizes = ctx.InputSizes(0);
        int n = repeats.Length;
        var pairs = new long[2 * n];
        var sumDims = new int[n];
        for (int i = 0; i < n; i++)
        {
            int od = i - (n - inSizes.Length);
            pairs[2 * i] = repeats[i];
            pairs[2 * i + 1] = od >= 0 ? inSizes[od] : 1;
            sumDims[i] = 2 * i;
        }
        return [ctx.Grad().Reshape(pairs).Sum(sumDims).Reshape(ShapeUtil.ToLong(inSizes))];
    }
}

/// <summary>aten::tril / aten::triu (diagonal k) over the last two dims.</summary>
public sealed class TriangleOp(bool upper, long k) : Op
{
    public override string Name => upper ? "triu" : "tril";
    public override OpKind Kind => OpKind.Extern;
    public override string FormatAttributes() => $"diagonal={k}";
    public override TensorMeta[] Meta(Tensor[] x) => [TensorMeta.Like(x[0])];
    public override Tensor[] Forward(Tensor[] x)
    {
        var t = x[0];
        if (t.Dim < 2) throw new ArgumentException($"{Name}: input tensor must have at least 2 dimensions");
        var y = t.CloneRaw();
        var kern = new ZeroK { Y = y, Upper = upper, K = k };
        Typed.RunBits(y.DType, ref kern);
        return [y];
    }
    public override Tensor?[] Backward(BackwardContext ctx) => [upper ? ctx.Grad().Triu(k) : ctx.Grad().Tril(k)];

    private struct ZeroK : ITypedKernel
    {
        public Tensor Y; public bool Upper; public long K;
        public void Run<T>() where T : unmanaged
        {
            var d = Typed.Bits<T>(Y);
            int rows = Y._sizes[^2], cols = Y._sizes[^1], mats = rows * cols == 0 ? 0 : Y._numel / (rows * cols);
            for (int m = 0; m < mats; m++)
                for (int i = 0; i < rows; i++)
                {
                    var row = d.Slice(Y._offset + (m * rows + i) * cols, cols);
                    // tril keeps j <= i + k; triu keeps j >= i + k
                    long edge = i + K;
                    if (Upper) row[..(int)Math.Clamp(edge, 0, cols)].Clear();
                    else row[(int)Math.Clamp(edge + 1, 0, cols)..].Clear();
                }
        }
    }
}

/// <summary>aten::diag_embed(offset, dim1, dim2): the last dim placed on a diagonal of two new dims.</summary>
public sealed class DiagEmbedOp(int offset, int dim1, int dim2) : Op
{
    public override string Name => "diag_embed";
    public override OpKind Kind => OpKind.Extern;
    public override string FormatAttributes() => $"offset={offset}, dim1={dim1}, dim2={dim2}";

    internal static int[] OutSizes(int[] s, int offset, int dim1, int dim2)
    {
        int n = s[^1] + Math.Abs(offset);
        var r = new List<int>(s[..^1]);
        int a = Math.Min(dim1, dim2), b = Math.Max(dim1, dim2);
        r.Insert(a, n); r.Insert(b, n);
        return r.ToArray();
    }

    public override TensorMeta[] Meta(Tensor[] x) => [new(OutSizes(x[0]._sizes, offset, dim1, dim2), x[0].DType)];
    public override Tensor[] Forward(Tensor[] x)
    {
        var sizes = OutSizes(x[0]._sizes, offset, dim1, dim2);
        var y = Tensor.Empty(sizes, x[0].DType, zeroed: true);
        var (s, st, o) = new DiagonalOp(offset, dim1, dim2).Geometry(y._sizes, y._strides, y._offset);
        y.AsStridedRaw(s, st, o).CopyFromRaw(x[0]);
        return [y];
    }
    public override Tensor?[] Backward(BackwardContext ctx) => [ctx.Grad().Diagonal(offset, dim1, dim2)];
}

/// <summary>aten::constant_pad_nd(pad, value): pads (or, with negative pads, crops) the last dims.</summary>
public sealed class ConstantPadOp(long[] pad, Scalar value) : Op
{
    public override string Name => "constant_pad_nd";
    public override OpKind Kind => OpKind.Extern;
    public override string FormatAttributes() => $"pad=[{string.Join(", ", pad)}], value={value}";

    private int[] OutSizes(Tensor x)
    {
        if (pad.Length % 2 != 0) throw new ArgumentException("Length of pad must be even but instead it equals " + pad.Length);
        if (pad.Length / 2 > x.Dim) throw new ArgumentException($"Length of pad should be no more than twice the number of dimensions of the input. Pad length is {pad.Length} while the input has {x.Dim} dimensions.");
        var s = (int[])x._sizes.Clone();
        for (int i = 0; i < pad.Length / 2; i++)
        {
            int d = x.Dim - 1 - i;
            long n = s[d] + pad[2 * i] + pad[2 * i + 1];
            if (n < 0) throw new ArgumentException($"The input size {s[d]}, plus negative padding {pad[2 * i]} and {pad[2 * i + 1]} resulted in a negative output size, which is invalid. Check dimension {d} of your input.");
            s[d] = (int)n;
        }
        return s;
    }

    public override TensorMeta[] Meta(Tensor[] x) => [new(OutSizes(x[0]), x[0].DType)];
    public override Tensor[] Forward(Tensor[] x)
    {
        var t = x[0];
        var y = Tensor.Empty(OutSizes(t), t.DType);
        y.FillRaw(value);
        var src = t; var dst = y;
        for (int i = 0; i < pad.Length / 2; i++)
        {
            int d = t.Dim - 1 - i;
            int lo = (int)pad[2 * i], hi = (int)pad[2 * i + 1];
            int srcStart = Math.Max(-lo, 0), srcEnd = t._sizes[d] - Math.Max(-hi, 0);
            int len = Math.Max(srcEnd - srcStart, 0);
            src = src.SliceRaw(d, Math.Min(srcStart, t._sizes[d]), len);
            dst = dst.SliceRaw(d, Math.Max(lo, 0), len);
        }
        if (src._numel > 0) StridedCopy.Copy(src, dst);
        return [y];
    }
    public override Tensor?[] Backward(BackwardContext ctx)
    {
        var neg = new long[pad.Length];
        for (int i = 0; i < neg.Length; i++) neg[i] = -pad[i];
        return [Torch.Pad(ctx.Grad(), neg)];
    }
}
