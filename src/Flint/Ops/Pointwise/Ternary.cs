using Flint.Kernels.Cpu;

namespace Flint.Ops;

/// <summary>Broadcasting of three inputs (where, lerp, addcmul, addcdiv, clamp with tensor bounds).</summary>
internal static class TernaryForward
{
    public static int[] Shape(Tensor?[] x)
    {
        int[]? s = null;
        foreach (var t in x)
            if (t is not null) s = s is null ? t._sizes : ShapeUtil.SameShape(s, t._sizes) ? s : ShapeUtil.Broadcast(s, t._sizes);
        return s!;
    }
}

/// <summary>aten::where(condition, self, other): self where condition, other elsewhere.</summary>
public sealed class WhereOp : Op
{
    public static readonly WhereOp Instance = new();
    public override string Name => "where";
    public override OpKind Kind => OpKind.Pointwise;
    public override string BackwardName => "WhereBackward0";
    public override TensorMeta[] Meta(Tensor[] x) => [new(TernaryForward.Shape(x), TypePromotion.ResultType(x[1], x[2]))];

    public override Tensor[] Forward(Tensor[] x)
    {
        if (x[0].DType != DType.Bool && x[0].DType != DType.UInt8)
            throw new ArgumentException($"where expected condition to be a boolean tensor, but got a tensor with dtype {Tensor.CastName(x[0].DType)}");
        var shape = TernaryForward.Shape(x);
        var dt = TypePromotion.ResultType(x[1], x[2]);
        var c = PointwiseForward.Prepare(x[0], shape, DType.Bool);
        var a = PointwiseForward.Prepare(x[1], shape, dt);
        var b = PointwiseForward.Prepare(x[2], shape, dt);
        var z = Tensor.Empty(shape, dt);
        WhereKernel.Run(c, a, b, z);
        return [z];
    }

    public override Tensor?[] Backward(BackwardContext ctx)
    {
        var g = ctx.Grad(); var c = ctx.Input(0);
        return [null,
            ctx.NeedsInputGrad(1) ? Torch.Where(c, g, 0.0).SumToSize(ctx.InputSizes(1)) : null,
            ctx.NeedsInputGrad(2) ? Torch.Where(c, 0.0, g).SumToSize(ctx.InputSizes(2)) : null];
    }
}

/// <summary>lerp / addcmul / addcdiv: three broadcast inputs in their promoted dtype.</summary>
public sealed class TernaryOp(string name, TernaryFn fn, double value, Func<BackwardContext, Tensor?[]> derivative, string attributes = "", string? backwardName = null) : Op
{
    public override string Name { get; } = name;
    public override OpKind Kind => OpKind.Pointwise;
    public override string BackwardName => backwardName ?? base.BackwardName;
    public override string FormatAttributes() => attributes;
    private static DType ResultType(Tensor[] x) => TypePromotion.ResultType(x);
    public override TensorMeta[] Meta(Tensor[] x) => [new(TernaryForward.Shape(x), ResultType(x))];

    public override Tensor[] Forward(Tensor[] x)
    {
        var shape = TernaryForward.Shape(x);
        var dt = ResultType(x);
        var ct = PointwiseForward.ComputeDType(dt);
        var a = PointwiseForward.Prepare(x[0], shape, ct);
        var b = PointwiseForward.Prepare(x[1], shape, ct);
        var c = PointwiseForward.Prepare(x[2], shape, ct);
        var z = Tensor.Empty(shape, ct);
        new TernaryKernel(fn, value).Run(a, b, c, z);
        return [ct == dt ? z : z.CastRaw(dt)];
    }

    public override Tensor?[] Backward(BackwardContext ctx)
    {
        var g = derivative(ctx);
        for (int i = 0; i < g.Length; i++)
            if (g[i] is { } gi) g[i] = ctx.NeedsInputGrad(i) ? gi.SumToSize(ctx.InputSizes(i)) : null;
        return g;
    }

    public static TernaryOp Lerp(bool scalarWeight) => new("lerp", TernaryFn.Lerp, 0, c =>
    {
        Tensor s = c.Input(0), e = c.Input(1), w = c.Input(2), g = c.Grad();
        return [c.NeedsInputGrad(0) ? g * (1 - w) : null, c.NeedsInputGrad(1) ? g * w : null, c.NeedsInputGrad(2) ? g * (e - s) : null];
    }, backwardName: scalarWeight ? "LerpBackward0" : "LerpBackward1");

    public static TernaryOp Addcmul(double value) => new("addcmul", TernaryFn.Addcmul, value, c =>
    {
        Tensor t1 = c.Input(1), t2 = c.Input(2), g = c.Grad();
        return [c.NeedsInputGrad(0) ? g : null, c.NeedsInputGrad(1) ? g * t2 * value : null, c.NeedsInputGrad(2) ? g * t1 * value : null];
    }, value == 1 ? "" : $"value={PyFormat.Float(value)}");

    public static TernaryOp Addcdiv(double value) => new("addcdiv", TernaryFn.Addcdiv, value, c =>
    {
        Tensor t1 = c.Input(1), t2 = c.Input(2), g = c.Grad();
        return [c.NeedsInputGrad(0) ? g : null, c.NeedsInputGrad(1) ? g * value / t2 : null,
            c.NeedsInputGrad(2) ? -g * value * t1 / (t2 * t2) : null];
    }, value == 1 ? "" : $"value={PyFormat.Float(value)}");
}

/// <summary>aten::clamp(self, min: Tensor?, max: Tensor?): max(x, min) then min(·, max), NaN propagating.</summary>
public sealed class ClampTensorOp : Op
{
    public static readonly ClampTensorOp Instance = new();
    public override string Name => "clamp";
    public override OpKind Kind => OpKind.Pointwise;
    public override string BackwardName => "ClampBackward0";
    public override TensorMeta[] Meta(Tensor[] x) => [new(TernaryForward.Shape(x), TypePromotion.ResultType(x))];

    public override Tensor[] Forward(Tensor[] x)
    {
        var shape = TernaryForward.Shape(x);
        var dt = TypePromotion.ResultType(x!);
        var ct = PointwiseForward.ComputeDType(dt);
        var z = PointwiseForward.Prepare(x[0]!, shape, ct);
        if (x[1] is { } lo) z = PointwiseForward.Binary(z, lo, ct, static (a, b, o) => KernelDispatch.Numeric(a, b, o, new NumericBinaryKernel(NumericBinaryFn.Maximum)));
        if (x[2] is { } hi) z = PointwiseForward.Binary(z, hi, ct, static (a, b, o) => KernelDispatch.Numeric(a, b, o, new NumericBinaryKernel(NumericBinaryFn.Minimum)));
        if (ReferenceEquals(z, x[0])) z = z.CloneRaw();
        return [ct == dt ? z : z.CastRaw(dt)];
    }

    public override Tensor?[] Backward(BackwardContext ctx)
    {
        var g = ctx.Grad(); var x = ctx.Input(0);
        var lo = ctx.InputOrNull(1); var hi = ctx.InputOrNull(2);
        Tensor? inside = null;
        if (lo is not null) inside = x >= lo;
        if (hi is not null) inside = inside is null ? x <= hi : inside.LogicalAnd(x <= hi);
        // With both bounds, an empty interval (min > max) gives max: min gets gradient only where min < max.
        Tensor? toLo = lo is null ? null : hi is null ? x < lo : (x < lo).LogicalAnd(lo < hi);
        Tensor? toHi = hi is null ? null : lo is null ? x > hi : (x > hi).LogicalOr(hi < lo);
        return [
            ctx.NeedsInputGrad(0) ? (inside is null ? g : g * inside).SumToSize(ctx.InputSizes(0)) : null,
            toLo is not null && ctx.NeedsInputGrad(1) ? (g * toLo).SumToSize(ctx.InputSizes(1)) : null,
            toHi is not null && ctx.NeedsInputGrad(2) ? (g * toHi).SumToSize(ctx.InputSizes(2)) : null];
    }
}
