using Flint.Kernels.Cpu;

namespace Flint.Ops;

internal static class MaskChecks
{
    public static void Bool(string op, Tensor mask)
    {
        if (mask.DType != DType.Bool && mask.DType != DType.UInt8)
            throw new ArgumentException($"{op} only supports boolean masks, but got mask with dtype {mask.DType.Name()}");
    }
}

/// <summary>aten::masked_fill(self, mask, value): value where mask is true (mask and self broadcast).</summary>
public sealed class MaskedFillOp(Scalar value) : Op
{
    public override string Name => "masked_fill";
    public override OpKind Kind => OpKind.Pointwise;
    public override string FormatAttributes() => $"value={value}";
    public override TensorMeta[] Meta(Tensor[] x) => [new(ShapeUtil.Broadcast(x[0]._sizes, x[1]._sizes), x[0].DType)];
    public override Tensor[] Forward(Tensor[] x)
    {
        MaskChecks.Bool("masked_fill_", x[1]);
        var shape = ShapeUtil.Broadcast(x[0]._sizes, x[1]._sizes);
        var y = Tensor.Empty(shape, x[0].DType);
        y.CopyFromRaw(x[0]);
        var pos = AdvancedIndexKernels.NonzeroPositions(x[1].ExpandRaw(shape));
        AdvancedIndexKernels.PutFlat(y, pos, Torch.ScalarTensor(value, y.DType));
        return [y];
    }
    public override Tensor?[] Backward(BackwardContext ctx)
        => [ctx.Grad().MaskedFill(ctx.Input(1), 0).SumToSize(ctx.InputSizes(0)), null];
}

/// <summary>aten::masked_select(self, mask): the elements where mask is true, as a 1-D tensor.</summary>
public sealed class MaskedSelectOp : Op
{
    public static readonly MaskedSelectOp Instance = new();
    public override string Name => "masked_select";
    public override OpKind Kind => OpKind.Indexing;
    public override TensorMeta[] Meta(Tensor[] x) => throw new InvalidOperationException("masked_select has a data-dependent output shape");
    public override Tensor[] Forward(Tensor[] x)
    {
        MaskChecks.Bool("masked_select:", x[1]);
        if (x[1].DType != DType.Bool) throw new ArgumentException($"masked_select: expected BoolTensor for mask");
        var shape = ShapeUtil.Broadcast(x[0]._sizes, x[1]._sizes);
        var pos = AdvancedIndexKernels.NonzeroPositions(x[1].ExpandRaw(shape));
        var y = Tensor.Empty([pos.Count], x[0].DType);
        AdvancedIndexKernels.TakeFlat(x[0].ExpandRaw(shape), pos, y);
        return [y];
    }
    public override Tensor?[] Backward(BackwardContext ctx)
    {
        var mask = ctx.Input(1);
        var shape = ShapeUtil.Broadcast(ctx.InputSizes(0), mask._sizes);
        var g = ctx.Grad();
        return [Torch.Zeros(shape, g.DType).MaskedScatter(mask, g).SumToSize(ctx.InputSizes(0)), null];
    }
}

/// <summary>aten::masked_scatter(self, mask, source): source's elements, in order, written where mask is true.</summary>
public sealed class MaskedScatterOp : Op
{
    public static readonly MaskedScatterOp Instance = new();
    public override string Name => "masked_scatter";
    public override OpKind Kind => OpKind.Indexing;
    public override TensorMeta[] Meta(Tensor[] x) => [new(ShapeUtil.Broadcast(x[0]._sizes, x[1]._sizes), x[0].DType)];
    public override Tensor[] Forward(Tensor[] x)
    {
        if (x[1].DType != DType.Bool) throw new ArgumentException("masked_scatter_ only supports boolean masks, but got mask with dtype " + x[1].DType.Name());
        if (x[2].DType != x[0].DType) throw new ArgumentException($"masked_scatter: expected self and source to have same dtypes but got{x[0].DType.Name()} and {x[2].DType.Name()}");
        var shape = ShapeUtil.Broadcast(x[0]._sizes, x[1]._sizes);
        var y = Tensor.Empty(shape, x[0].DType);
        y.CopyFromRaw(x[0]);
        var pos = AdvancedIndexKernels.NonzeroPositions(x[1].ExpandRaw(shape));
        if (pos.Count > x[2]._numel) throw new ArgumentException("masked_scatter: expected source to have at least as many elements as the ones in mask");
        var src = x[2].ContiguousRaw().ViewRaw([x[2]._numel]).SliceRaw(0, 0, pos.Count);
        AdvancedIndexKernels.PutFlat(y, pos, src);
        return [y];
    }
    public override Tensor?[] Backward(BackwardContext ctx)
    {
        var g = ctx.Grad();
        var mask = ctx.Input(1);
        Tensor? gs = null;
        if (ctx.NeedsInputGrad(2))
        {
            // The used prefix of source gets the masked gradient; the unused rest gets zeros.
            var sel = g.MaskedSelect(mask);
            long n = 1; foreach (var s in ctx.InputSizes(2)) n *= s;
            long pad = n - sel.Numel();
            if (pad > 0) sel = Torch.Cat([sel, Torch.Zeros([(int)pad], g.DType)]);
            gs = sel.Reshape(ShapeUtil.ToLong(ctx.InputSizes(2)));
        }
        return [ctx.NeedsInputGrad(0) ? g.MaskedFill(mask, 0).SumToSize(ctx.InputSizes(0)) : null, null, gs];
    }
}
