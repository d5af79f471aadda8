namespace Flint.Ops;

/// <summary>
/// aten::_unsafe_view: a fresh contiguous result seen with other sizes. Not a view for autograd (no base, no
/// aliasing rules): matmul uses it on outputs it just allocated, which is why PyTorch shows UnsafeViewBackward0.
/// </summary>
public sealed class UnsafeViewOp(int[] sizes) : Op
{
    public int[] Sizes { get; } = sizes;
    public override string Name => "_unsafe_view";
    public override OpKind Kind => OpKind.View;
    public override string FormatAttributes() => $"size={ShapeUtil.Format(Sizes)}";
    public override TensorMeta[] Meta(Tensor[] x) => [new(Sizes, x[0].DType)];
    public override Tensor[] Forward(Tensor[] x)
    {
        var t = x[0].IsContiguous() ? x[0] : x[0].ContiguousRaw();
        return [new Tensor(t._storage, t._offset, Sizes, ShapeUtil.ContiguousStrides(Sizes))];
    }
    public override Tensor?[] Backward(BackwardContext ctx) => [ctx.Grad().Reshape(ShapeUtil.ToLong(ctx.InputSizes(0)))];
}
