namespace Flint.Ops;

/// <summary>
/// aten::detach: the same data without autograd history. Eager code makes the alias directly; while a dispatch
/// mode is active the alias goes through the dispatcher, so tracing records it and graph capture sees a view of
/// a tensor whose data may not exist yet.
/// </summary>
public sealed class DetachOp : Op
{
    public static readonly DetachOp Instance = new();
    public override string Name => "detach";
    public override bool Differentiable => false;
    public override bool IsView => true;
    public override OpKind Kind => OpKind.View;
    public override TensorMeta[] Meta(Tensor[] x) => [TensorMeta.Like(x[0])];
    public override Tensor[] Forward(Tensor[] x) => [x[0].DetachRaw()];
    public override Tensor?[] Backward(Autograd.BackwardContext ctx) => [null];
}
