using Flint.Kernels.Cpu;

namespace Flint.Ops;

/// <summary>Comparisons, logical ops and isclose: two broadcast tensors compared in their promoted dtype → bool.</summary>
public sealed class CompareOp(string name, CompareFn fn, double rtol = 0, double atol = 0, string attributes = "") : Op
{
    public override string Name { get; } = name;
    public override OpKind Kind => OpKind.Pointwise;
    public override bool Differentiable => false;
    public override string FormatAttributes() => attributes;
    public override TensorMeta[] Meta(Tensor[] x) => [new(ShapeUtil.Broadcast(x[0]._sizes, x[1]._sizes), DType.Bool)];
    public override Tensor[] Forward(Tensor[] x)
        => [PointwiseForward.BinaryToBool(x[0], x[1], TypePromotion.ResultType(x[0], x[1]), (a, b, z) => KernelDispatch.Compare(a, b, z, new CompareKernel(fn, rtol, atol)))];
    public override Tensor?[] Backward(BackwardContext ctx) => [null, null];

    public static readonly CompareOp Eq = new("eq", CompareFn.Eq), Ne = new("ne", CompareFn.Ne), Lt = new("lt", CompareFn.Lt),
        Le = new("le", CompareFn.Le), Gt = new("gt", CompareFn.Gt), Ge = new("ge", CompareFn.Ge),
        LogicalAnd = new("logical_and", CompareFn.LogicalAnd), LogicalOr = new("logical_or", CompareFn.LogicalOr),
        LogicalXor = new("logical_xor", CompareFn.LogicalXor);
}

/// <summary>bitwise_and/or/xor on integer and bool tensors (bool computes as uint8 and stays 0/1).</summary>
public sealed class BitwiseOp(string name, BitwiseFn fn) : Op
{
    public override string Name => name;
    public override OpKind Kind => OpKind.Pointwise;
    public override bool Differentiable => false;
    public override TensorMeta[] Meta(Tensor[] x) => [new(ShapeUtil.Broadcast(x[0]._sizes, x[1]._sizes), TypePromotion.ResultType(x[0], x[1]))];
    public override Tensor[] Forward(Tensor[] x)
    {
        var dt = TypePromotion.ResultType(x[0], x[1]);
        if (dt.IsFloatingPoint()) throw new ArgumentException($"\"{name}_cpu\" not implemented for '{Tensor.CastName(dt)}'");
        return [PointwiseForward.Binary(x[0], x[1], dt, (a, b, z) => KernelDispatch.Integer(a, b, z, new BitwiseKernel(fn)))];
    }
    public override Tensor?[] Backward(BackwardContext ctx) => [null, null];

    public static readonly BitwiseOp And = new("bitwise_and", BitwiseFn.And), Or = new("bitwise_or", BitwiseFn.Or), Xor = new("bitwise_xor", BitwiseFn.Xor);
}

/// <summary>bitwise_not: ~x for integers (x ^ −1), logical not for bool (x ^ 1).</summary>
public sealed class BitwiseNotOp : Op
{
    public static readonly BitwiseNotOp Instance = new();
    public override string Name => "bitwise_not";
    public override OpKind Kind => OpKind.Pointwise;
    public override bool Differentiable => false;
    public override TensorMeta[] Meta(Tensor[] x) => [TensorMeta.Like(x[0])];
    public override Tensor[] Forward(Tensor[] x)
    {
        var dt = x[0].DType;
        if (dt.IsFloatingPoint()) throw new ArgumentException($"\"bitwise_not_cpu\" not implemented for '{Tensor.CastName(dt)}'");
        var ones = Torch.ScalarTensor(dt == DType.Bool ? 1 : -1, PointwiseForward.ComputeDType(dt));
        return [PointwiseForward.Binary(x[0], ones, dt, static (a, b, z) => KernelDispatch.Integer(a, b, z, new BitwiseKernel(BitwiseFn.Xor)))];
    }
    public override Tensor?[] Backward(BackwardContext ctx) => [null];
}
