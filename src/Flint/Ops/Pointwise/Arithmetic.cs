using Flint.Kernels.Cpu;

namespace Flint.Ops;

// add/sub/mul/div and the other binary arithmetic ops: PyTorch's type promotion, broadcasting, and gradients reduced
// back to each input's shape (SumToSize).

/// <summary>aten::add(self, other, alpha): self + alpha·other. sub is add with −alpha.</summary>
public sealed class AddOp : Op
{
    public static readonly AddOp Default = new(), SubDefault = new(1, "sub");
    private readonly Action<Tensor, Tensor, Tensor> _kernel;
    private readonly double _signedAlpha;

    public AddOp(double alpha = 1, string name = "add")
    {
        Alpha = alpha; Name = name;
        double a = _signedAlpha = name == "sub" ? -alpha : alpha;
        var k = new NumericBinaryKernel(NumericBinaryFn.Add, a);
        _kernel = (x, y, z) => KernelDispatch.Numeric(x, y, z, k);
    }

    public double Alpha { get; }
    public override string Name { get; }
    // an integral alpha binds as an int, as PyTorch records it (and as integer tensors require)
    public override Graphs.SchemaCall? Bind(Tensor?[] x) => Graphs.OpRegistry.Call($"aten::{Name}.Tensor", x[0], x[1],
        Alpha == Math.Round(Alpha) && Math.Abs(Alpha) < 1e15 ? (object)(long)Alpha : Alpha);
    public override OpKind Kind => OpKind.Pointwise;
    public override string FormatAttributes() => Alpha == 1 ? "" : $"alpha={PyFormat.Float(Alpha)}";

    public override TensorMeta[] Meta(Tensor[] x) => [new(ShapeUtil.Broadcast(x[0]._sizes, x[1]._sizes), TypePromotion.ResultType(x[0], x[1]))];

    public override Tensor[] Forward(Tensor[] x)
    {
        Tensor a = x[0], b = x[1];
        // W7's case (two one-element float tensors of one shape): no broadcasting, casting or kernel setup at all.
        if (a._numel == 1 && b._numel == 1 && a.DType == DType.Float32 && b.DType == DType.Float32 && a._sizes.Length == b._sizes.Length
            && ShapeUtil.SameShape(a._sizes, b._sizes))
        {
            var z = Tensor.Empty(a._sizes, DType.Float32);
            ((Storage<float>)z._storage).Span[0] = ((Storage<float>)a._storage).Span[a._offset] + (float)_signedAlpha * ((Storage<float>)b._storage).Span[b._offset];
            return [z];
        }
        var dt = TypePromotion.ResultType(a, b);
        if (dt == DType.Bool && _signedAlpha != 1 && _signedAlpha != 0) throw new ArgumentException("Boolean alpha only supported for Boolean results.");
        return [PointwiseForward.Binary(a, b, dt, _kernel)];
    }

    public override Tensor?[] Backward(BackwardContext ctx)
    {
        var g = ctx.Grad();
        return [
            ctx.NeedsInputGrad(0) ? g.SumToSize(ctx.InputSizes(0)) : null,
            ctx.NeedsInputGrad(1) ? (_signedAlpha == 1 ? g : g * _signedAlpha).SumToSize(ctx.InputSizes(1)) : null,
        ];
    }
}

/// <summary>How a binary op's result dtype follows its inputs'.</summary>
public enum BinaryResult
{
    /// <summary>torch.result_type of the two inputs.</summary>
    Promote,
    /// <summary>result_type, with integers and bool becoming the default float dtype (div, atan2).</summary>
    PromoteFloat,
}

/// <summary>
/// An elementwise op of two broadcast tensors, declared by name, kernel and derivative; its scalar attributes (if
/// any) are listed in <see cref="Scalars"/>, and composite ones (the fused activation derivatives) say so by their
/// <see cref="Kind"/>.
/// </summary>
public sealed class BinaryOp(string name, Action<Tensor, Tensor, Tensor> kernel, Func<BackwardContext, Tensor?[]>? derivative,
    BinaryResult result = BinaryResult.Promote, string attributes = "", string? backwardName = null,
    OpKind kind = OpKind.Pointwise, double[]? scalars = null) : Op
{
    public override string Name { get; } = name;

    /// <summary>How a call with attributes becomes a schema call (null: the default binding by name).</summary>
    public Func<Tensor?[], Graphs.SchemaCall>? Binding { get; init; }
    public override Graphs.SchemaCall? Bind(Tensor?[] x) => Binding?.Invoke(x);
    public override OpKind Kind { get; } = kind;
    /// <summary>The scalar attributes, in the order <see cref="FormatAttributes"/> prints them.</summary>
    public IReadOnlyList<double> Scalars { get; } = scalars ?? [];
    public override bool Differentiable => derivative != null;
    public override string BackwardName => backwardName ?? base.BackwardName;
    public override string FormatAttributes() => attributes;

    public DType ResultType(Tensor a, Tensor b)
    {
        var t = TypePromotion.ResultType(a, b);
        return result == BinaryResult.PromoteFloat ? TypePromotion.ToFloat(t) : t;
    }

    public override TensorMeta[] Meta(Tensor[] x) => [new(ShapeUtil.Broadcast(x[0]._sizes, x[1]._sizes), ResultType(x[0], x[1]))];
    public override Tensor[] Forward(Tensor[] x) => [PointwiseForward.Binary(x[0], x[1], ResultType(x[0], x[1]), kernel)];
    public override Tensor?[] Backward(BackwardContext ctx)
    {
        var g = derivative!(ctx);
        for (int i = 0; i < g.Length; i++)
            if (g[i] is { } gi) g[i] = ctx.NeedsInputGrad(i) ? gi.SumToSize(ctx.InputSizes(i)) : null;
        return g;
    }
}

/// <summary>The binary arithmetic op declarations.</summary>
public static class BinaryOps
{
    internal static Action<Tensor, Tensor, Tensor> N(NumericBinaryFn fn) => (a, b, z) => KernelDispatch.Numeric(a, b, z, new NumericBinaryKernel(fn));
    internal static Action<Tensor, Tensor, Tensor> F(FloatBinaryFn fn) => (a, b, z) => KernelDispatch.Float(a, b, z, new FloatBinaryKernel(fn));

    private static Tensor?[] Zeros(BackwardContext c) => [Torch.ZerosLike(c.Grad()), Torch.ZerosLike(c.Grad())];

    public static readonly BinaryOp Mul = new("mul", N(NumericBinaryFn.Mul), c => [
        c.NeedsInputGrad(0) ? c.Grad() * c.Input(1) : null,
        c.NeedsInputGrad(1) ? c.Grad() * c.Input(0) : null]);

    public static readonly BinaryOp Div = new("div", static (a, b, z) => KernelDispatch.Float(a, b, z, new DivKernel()), c =>
    {
        var g = c.Grad(); var b = c.Input(1);
        return [c.NeedsInputGrad(0) ? g / b : null, c.NeedsInputGrad(1) ? -g * c.Input(0) / (b * b) : null];
    }, BinaryResult.PromoteFloat);

    public static readonly BinaryOp DivTrunc = new("div", N(NumericBinaryFn.DivTrunc), Zeros, attributes: "rounding_mode='trunc'", backwardName: "DivBackward2")
        { Binding = x => Graphs.OpRegistry.Call("aten::div.Tensor_mode", x[0], x[1], "trunc") };
    public static readonly BinaryOp DivFloor = new("div", N(NumericBinaryFn.DivFloor), Zeros, attributes: "rounding_mode='floor'", backwardName: "DivBackward2")
        { Binding = x => Graphs.OpRegistry.Call("aten::div.Tensor_mode", x[0], x[1], "floor") };
    public static readonly BinaryOp FloorDivide = new("floor_divide", N(NumericBinaryFn.DivFloor), null);

    public static readonly BinaryOp Pow = new("pow", static (a, b, z) =>
    {
        if (z.DType.IsFloatingPoint()) KernelDispatch.Float(a, b, z, new FloatBinaryKernel(FloatBinaryFn.Pow));
        else KernelDispatch.Numeric(a, b, z, new NumericBinaryKernel(NumericBinaryFn.Pow));
    }, c =>
    {
        Tensor x = c.Input(0), e = c.Input(1), g = c.Grad();
        Tensor? gx = null, ge = null;
        if (c.NeedsInputGrad(0)) gx = Torch.Where(e.Eq(0), 0.0, g * e * x.Pow(e - 1));
        if (c.NeedsInputGrad(1)) ge = Torch.Where(x.Eq(0).LogicalAnd(e >= 0), 0.0, g * c.Output() * x.Log());
        return [gx, ge];
    }, backwardName: "PowBackward1");

    public static readonly BinaryOp Maximum = new("maximum", N(NumericBinaryFn.Maximum), c => MaxMinGrads(c, true));
    public static readonly BinaryOp Minimum = new("minimum", N(NumericBinaryFn.Minimum), c => MaxMinGrads(c, false));

    // maximum/minimum: the gradient goes to the larger (smaller) input, split in half on ties.
    private static Tensor?[] MaxMinGrads(BackwardContext c, bool max)
    {
        Tensor a = c.Input(0), b = c.Input(1), g = c.Grad();
        var tie = a.Eq(b);
        var half = Torch.Where(tie, g / 2, g);
        return [
            c.NeedsInputGrad(0) ? Torch.Where(max ? a < b : a > b, 0.0, half) : null,
            c.NeedsInputGrad(1) ? Torch.Where(max ? a > b : a < b, 0.0, half) : null];
    }

    public static readonly BinaryOp Fmax = new("fmax", N(NumericBinaryFn.Fmax), c => FmaxFminGrads(c, true));
    public static readonly BinaryOp Fmin = new("fmin", N(NumericBinaryFn.Fmin), c => FmaxFminGrads(c, false));

    // fmax/fmin: self gets the gradient where it won (ties and a NaN other included), other elsewhere.
    private static Tensor?[] FmaxFminGrads(BackwardContext c, bool max)
    {
        Tensor a = c.Input(0), b = c.Input(1), g = c.Grad();
        var selfWins = (max ? a >= b : a <= b).LogicalOr(b.IsNan());
        return [c.NeedsInputGrad(0) ? Torch.Where(selfWins, g, 0.0) : null, c.NeedsInputGrad(1) ? Torch.Where(selfWins, 0.0, g) : null];
    }

    public static readonly BinaryOp Fmod = new("fmod", N(NumericBinaryFn.Fmod), c => [
        c.NeedsInputGrad(0) ? c.Grad() : null,
        c.NeedsInputGrad(1) ? -c.Grad() * c.Input(0).Div(c.Input(1), "trunc") : null]);
    public static readonly BinaryOp Remainder = new("remainder", N(NumericBinaryFn.Remainder), c => [
        c.NeedsInputGrad(0) ? c.Grad() : null,
        c.NeedsInputGrad(1) ? -c.Grad() * c.Input(0).Div(c.Input(1), "floor") : null]);

    public static readonly BinaryOp Atan2 = new("atan2", F(FloatBinaryFn.Atan2), c =>
    {
        Tensor a = c.Input(0), b = c.Input(1), g = c.Grad();
        var r = a * a + b * b;
        return [c.NeedsInputGrad(0) ? g * b / r : null, c.NeedsInputGrad(1) ? g * -a / r : null];
    }, BinaryResult.PromoteFloat);

    public static readonly BinaryOp Hypot = new("hypot", F(FloatBinaryFn.Hypot), c =>
    {
        var y = c.Output();
        return [c.NeedsInputGrad(0) ? c.Grad() * c.Input(0) / y : null, c.NeedsInputGrad(1) ? c.Grad() * c.Input(1) / y : null];
    });
}

/// <summary>aten::pow(Tensor, Scalar): exponent as an attribute; integer tensors keep integer results.</summary>
public sealed class PowScalarOp(Scalar exponent) : Op
{
    public Scalar Exponent { get; } = exponent;
    public override string Name => "pow";
    public override Graphs.SchemaCall? Bind(Tensor?[] x) => Graphs.OpRegistry.Call("aten::pow.Tensor_Scalar", x[0], ScalarValue(Exponent));
    internal static object ScalarValue(Scalar s) => s.IsFloatingPoint ? s.ToDouble() : s.IsBool ? s.ToBool() : s.ToInt64();
    public override OpKind Kind => OpKind.Pointwise;
    public override string FormatAttributes() => $"exponent={Exponent}";
    private DType ResultType(Tensor x) => TypePromotion.ResultType(x, Exponent);
    public override TensorMeta[] Meta(Tensor[] x) => [new(x[0]._sizes, ResultType(x[0]))];

    public override Tensor[] Forward(Tensor[] x)
    {
        var dt = ResultType(x[0]);
        double e = Exponent.ToDouble();
        if (!dt.IsFloatingPoint() && e < 0) throw new ArgumentException("Integers to negative integer powers are not allowed.");
        // as PyTorch's pow_out: exponent 0 fills ones (NaN bases included), 1 copies
        if (e == 0) { var ones = Tensor.Empty(x[0]._sizes, dt); ones.FillRaw(1); return [ones]; }
        if (e == 1) return [PointwiseForward.Unary(x[0], dt, static (a, y) => KernelDispatch.Numeric(a, y, new NumericFnKernel(NumericFn.Identity)))];
        if (dt.IsFloatingPoint())
        {
            // float exponents as the compute dtype sees them (a float32 tensor's pow rounds the exponent to float)
            var k = new PowScalarKernel(e);
            return [PointwiseForward.Unary(x[0], dt, (a, y) => KernelDispatch.Float(a, y, k))];
        }
        var exp = Torch.ScalarTensor(Exponent, PointwiseForward.ComputeDType(dt));
        return [PointwiseForward.Binary(x[0], exp, dt, static (a, b, z) => KernelDispatch.Numeric(a, b, z, new NumericBinaryKernel(NumericBinaryFn.Pow)))];
    }

    public override Tensor?[] Backward(BackwardContext ctx)
    {
        double e = Exponent.ToDouble();
        if (e == 0) return [Torch.ZerosLike(ctx.Grad())];
        return [ctx.Grad() * e * ctx.Input(0).Pow(Exponent.IsFloatingPoint ? (Scalar)(e - 1) : (Scalar)(Exponent.ToInt64() - 1))];
    }
}
