namespace Flint.Ops;

/// <summary>aten::cat(tensors, dim): type-promoted concatenation. 1-D empty tensors are skipped, as in PyTorch.</summary>
public sealed class CatOp(int dim) : Op
{
    public int DimArg { get; } = dim;
    public override string Name => "cat";
    public override Graphs.SchemaCall? Bind(Tensor?[] x) => Graphs.OpRegistry.Call("aten::cat", Array.ConvertAll(x, t => t!), dim);
    public override OpKind Kind => OpKind.Extern;
    public override string FormatAttributes() => $"dim={DimArg}";

    /// <summary>PyTorch's legacy rule: a 1-D tensor of size 0 takes no part in the shape checks.</summary>
    internal static bool Skipped(Tensor t) => t.Dim == 1 && t._sizes[0] == 0;

    private (int[] sizes, DType dtype, int dim) Plan(Tensor[] xs)
    {
        if (xs.Length == 0) throw new ArgumentException("torch.cat(): expected a non-empty list of Tensors");
        for (int i = 0; i < xs.Length; i++)
            if (xs[i].Dim == 0) throw new ArgumentException($"zero-dimensional tensor (at position {i}) cannot be concatenated");
        var dtype = TypePromotion.ResultType(xs);
        int refIdx = Array.FindIndex(xs, t => !Skipped(t));
        if (refIdx < 0) return ([0], dtype, 0);
        var r = xs[refIdx];
        int d = ShapeUtil.WrapDim(DimArg, r.Dim);
        var sizes = (int[])r._sizes.Clone();
        sizes[d] = 0;
        for (int i = 0; i < xs.Length; i++)
        {
            var t = xs[i];
            if (Skipped(t)) continue;
            if (t.Dim != r.Dim) throw new ArgumentException($"Tensors must have same number of dimensions: got {r.Dim} and {t.Dim}");
            for (int k = 0; k < r.Dim; k++)
                if (k != d && t._sizes[k] != r._sizes[k])
                    throw new ArgumentException($"Sizes of tensors must match except in dimension {d}. Expected size {r._sizes[k]} but got size {t._sizes[k]} for tensor number {i} in the list.");
            sizes[d] += t._sizes[d];
        }
        return (sizes, dtype, d);
    }

    public override TensorMeta[] Meta(Tensor[] x) { var (s, dt, _) = Plan(x); return [new(s, dt)]; }

    public override Tensor[] Forward(Tensor[] xs)
    {
        var (sizes, dtype, d) = Plan(xs);
        var y = Tensor.Empty(sizes, dtype);
        int pos = 0;
        foreach (var t in xs)
        {
            if (Skipped(t) && sizes.Length != 1) continue;
            var dst = y.SliceRaw(d, pos, t._sizes[d]);
            dst.CopyFromRaw(t);
            pos += t._sizes[d];
        }
        return [y];
    }

    public override Tensor?[] Backward(BackwardContext ctx)
    {
        var g = ctx.Grad();
        var r = new Tensor?[ctx.InputCount];
        int d = ShapeUtil.WrapDim(DimArg, g.Dim);
        int pos = 0;
        for (int i = 0; i < r.Length; i++)
        {
            var s = ctx.InputSizes(i);
            bool skipped = s.Length == 1 && s[0] == 0 && g.Dim != 1;
            int len = skipped ? 0 : s[d];
            if (ctx.NeedsInputGrad(i))
                r[i] = skipped ? Torch.Zeros(s, g.DType) : g.Narrow(d, pos, len).To(ctx.InputDType(i));
            pos += len;
        }
        return r;
    }
}

/// <summary>aten::stack(tensors, dim): equal-shaped tensors joined along a new dim.</summary>
public sealed class StackOp(int dim) : Op
{
    public override string Name => "stack";
    /// <summary>The new dim the inputs are stacked along.</summary>
    public int Dim => dim;
    public override OpKind Kind => OpKind.Composite;
    public override string FormatAttributes() => $"dim={dim}";

    private static int[] Check(Tensor[] xs, int dim, out int d)
    {
        if (xs.Length == 0) throw new ArgumentException("stack expects a non-empty TensorList");
        for (int i = 1; i < xs.Length; i++)
            if (!ShapeUtil.SameShape(xs[i]._sizes, xs[0]._sizes))
                throw new ArgumentException($"stack expects each tensor to be equal size, but got {ShapeUtil.Format(xs[0]._sizes)} at entry 0 and {ShapeUtil.Format(xs[i]._sizes)} at entry {i}");
        d = ShapeUtil.WrapDim(dim, xs[0].Dim + 1);
        var s = new List<int>(xs[0]._sizes);
        s.Insert(d, xs.Length);
        return s.ToArray();
    }

    public override TensorMeta[] Meta(Tensor[] x) => [new(Check(x, dim, out _), TypePromotion.ResultType(x))];

    public override Tensor[] Forward(Tensor[] xs)
    {
        var sizes = Check(xs, dim, out int d);
        var y = Tensor.Empty(sizes, TypePromotion.ResultType(xs));
        for (int i = 0; i < xs.Length; i++) y.SelectRaw(d, i).CopyFromRaw(xs[i]);
        return [y];
    }

    public override Tensor?[] Backward(BackwardContext ctx)
    {
        var g = ctx.Grad();
        int d = ShapeUtil.WrapDim(dim, g.Dim);
        var r = new Tensor?[ctx.InputCount];
        for (int i = 0; i < r.Length; i++)
            if (ctx.NeedsInputGrad(i)) r[i] = g.Select(d, i).To(ctx.InputDType(i));
        return r;
    }
}
