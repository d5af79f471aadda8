namespace Flint.Ops;

/// <summary>
/// An in-place write into a view of a tensor that is part of the autograd graph (PyTorch's CopySlices): the base
/// is what changes, so the base gets this node as its grad_fn; the view's region of the base gradient flows to the
/// written source, the rest to the base's previous history.
/// </summary>
internal sealed class CopySlicesOp(int[] sizes, int[] strides, int relativeOffset) : Op
{
    public override string Name => "copy_slices";
    public override OpKind Kind => OpKind.Indexing;
    public override string BackwardName => "CopySlices";
    public override bool InPlace => true;
    public override TensorMeta[] Meta(Tensor[] x) => [TensorMeta.Like(x[0])];

    public override Tensor[] Forward(Tensor[] x)
    {
        var b = x[0];
        b.AsStridedRaw(sizes, strides, b._offset + relativeOffset).CopyFromRaw(x[1]);
        return [b];
    }

    public override Tensor?[] Backward(BackwardContext ctx)
    {
        var g = ctx.Grad().Contiguous();
        Tensor? gBase = null, gSrc = null;
        if (ctx.NeedsInputGrad(1))
            gSrc = Dispatcher.Call1(new AsStridedOp(sizes, strides, relativeOffset), [g]).SumToSize(ctx.InputSizes(1));
        if (ctx.NeedsInputGrad(0))
        {
            gBase = g.CloneRaw();
            gBase.AsStridedRaw(sizes, strides, relativeOffset).FillRaw(0);
        }
        return [gBase, gSrc];
    }
}

/// <summary>aten::as_strided over a contiguous base: the view geometry a CopySlices write leaves behind.</summary>
internal sealed class AsStridedOp(int[] sizes, int[] strides, int relativeOffset) : Op
{
    public override string Name => "as_strided";
    public override OpKind Kind => OpKind.View;
    public override bool IsView => true;
    public override string FormatAttributes() => $"size={ShapeUtil.Format(sizes)}, stride={ShapeUtil.Format(strides)}, storage_offset={relativeOffset}";
    public override TensorMeta[] Meta(Tensor[] x) => [new(sizes, x[0].DType)];

    public override Tensor[] Forward(Tensor[] x)
    {
        var b = x[0];
        if (!b.IsContiguous()) throw new InvalidOperationException("as_strided: base must be contiguous");
        return [b.AsStridedRaw(sizes, strides, b._offset + relativeOffset)];
    }

    public override Tensor?[] Backward(BackwardContext ctx)
    {
        // Scatter the view's gradient back into a zero base gradient (accumulating where the view overlaps itself).
        var gBase = Torch.Zeros(ctx.InputSizes(0), ctx.InputDType(0));
        var region = gBase.AsStridedRaw(sizes, strides, relativeOffset);
        var g = ctx.Grad();
        if (HasOverlap()) AccumulateOverlapping(region, g);
        else region.CopyFromRaw(g);
        return [gBase];
    }

    private bool HasOverlap()
    {
        for (int d = 0; d < sizes.Length; d++) if (strides[d] == 0 && sizes[d] > 1) return true;
        return false;
    }

    private static void AccumulateOverlapping(Tensor region, Tensor g)
    {
        // Rare (expanded views written in place): element by element through float64.
        var gd = g.Detach().CastRaw(DType.Float64).ContiguousRaw().RawSpan<double>();
        var idx = new int[region.Dim];
        for (int n = 0; n < gd.Length; n++)
        {
            int rem = n;
            for (int d = region.Dim - 1; d >= 0; d--) { idx[d] = rem % region._sizes[d]; rem /= region._sizes[d]; }
            int off = region.OffsetOf(idx);
            if (region.DType == DType.Float64) region.StorageSpan<double>()[off] += gd[n];
            else region.StorageSpan<float>()[off] += (float)gd[n];
        }
    }
}
