using Flint.Kernels.Cpu;

namespace Flint.Ops;

// add, sub, mul, div: PyTorch's type promotion, broadcasting, and gradients reduced back to each input's shape.

/// <summary>aten::add(self, other, alpha): self + alpha·other. sub is add with −alpha.</summary>
public sealed class AddOp(double alpha = 1, string name = "add") : Op
{
    public static readonly AddOp Default = new();
    public double Alpha { get; } = alpha;
    public override string Name { get; } = name;
    public override string FormatAttributes() => Alpha == 1 ? "" : $"alpha={PyFormat.Float(Alpha)}";

    public override TensorMeta[] Meta(Tensor[] x) => [new(ShapeUtil.Broadcast(x[0]._sizes, x[1]._sizes), TypePromotion.ResultType(x[0], x[1]))];

    public override Tensor[] Forward(Tensor[] x)
    {
        double alpha = Name == "sub" ? -Alpha : Alpha;
        var dt = TypePromotion.ResultType(x[0], x[1]);
        if (dt == DType.Bool && alpha != 1 && alpha != 0) throw new ArgumentException("Boolean alpha only supported for Boolean results.");
        return [PointwiseForward.Binary(x[0], x[1], dt, (a, b, z) => KernelDispatch.Numeric(a, b, z, new AddKernel { Alpha = alpha }))];
    }

    public override Tensor?[] Backward(BackwardContext ctx)
    {
        var g = ctx.Grad();
        double alpha = Name == "sub" ? -Alpha : Alpha;
        return [
            ctx.NeedsInputGrad(0) ? g.SumToSize(ctx.InputSizes(0)) : null,
            ctx.NeedsInputGrad(1) ? (alpha == 1 ? g : g * alpha).SumToSize(ctx.InputSizes(1)) : null,
        ];
    }
}

/// <summary>aten::mul.</summary>
public sealed class MulOp : Op
{
    public static readonly MulOp Instance = new();
    public override string Name => "mul";
    public override TensorMeta[] Meta(Tensor[] x) => [new(ShapeUtil.Broadcast(x[0]._sizes, x[1]._sizes), TypePromotion.ResultType(x[0], x[1]))];
    public override Tensor[] Forward(Tensor[] x)
        => [PointwiseForward.Binary(x[0], x[1], TypePromotion.ResultType(x[0], x[1]), static (a, b, z) => KernelDispatch.Numeric(a, b, z, new MulKernel()))];
    public override Tensor?[] Backward(BackwardContext ctx)
    {
        var g = ctx.Grad();
        return [
            ctx.NeedsInputGrad(0) ? (g * ctx.Input(1)).SumToSize(ctx.InputSizes(0)) : null,
            ctx.NeedsInputGrad(1) ? (g * ctx.Input(0)).SumToSize(ctx.InputSizes(1)) : null,
        ];
    }
}

/// <summary>aten::div (true division; integer inputs give the default float dtype).</summary>
public sealed class DivOp : Op
{
    public static readonly DivOp Instance = new();
    public override string Name => "div";
    private static DType ResultType(Tensor a, Tensor b) => TypePromotion.ToFloat(TypePromotion.ResultType(a, b));
    public override TensorMeta[] Meta(Tensor[] x) => [new(ShapeUtil.Broadcast(x[0]._sizes, x[1]._sizes), ResultType(x[0], x[1]))];
    public override Tensor[] Forward(Tensor[] x)
        => [PointwiseForward.Binary(x[0], x[1], ResultType(x[0], x[1]), static (a, b, z) => KernelDispatch.Float(a, b, z, new DivKernel()))];
    public override Tensor?[] Backward(BackwardContext ctx)
    {
        var g = ctx.Grad();
        var b = ctx.Input(1);
        return [
            ctx.NeedsInputGrad(0) ? (g / b).SumToSize(ctx.InputSizes(0)) : null,
            ctx.NeedsInputGrad(1) ? (-g * ctx.Input(0) / (b * b)).SumToSize(ctx.InputSizes(1)) : null,
        ];
    }
}
