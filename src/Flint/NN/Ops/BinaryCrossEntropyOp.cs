namespace Flint.NN;

/// <summary>
/// aten::binary_cross_entropy without weight or reduction (inputs x, y of one shape): −(y·log x + (1−y)·log(1−x))
/// with each log clamped at −100, computed in double. Its own op so the input's derivative is PyTorch's
/// (x − y) / max(x(1−x), 1e-12): finite at probabilities of exactly 0 and 1, where the composite's clamp would cut
/// one of the two terms off. The target's derivative is log(1−x) − log x with the same clamps (PyTorch 2's
/// binary_cross_entropy_target_backward). Both are written with ops, so they differentiate again.
/// </summary>
internal sealed class BinaryCrossEntropyOp : Op
{
    public static readonly BinaryCrossEntropyOp Instance = new();
    private const double Eps = 1e-12;
    public override string Name => "binary_cross_entropy";
    public override OpKind Kind => OpKind.Composite;

    public override TensorMeta[] Meta(Tensor[] x)
        => [new(x[0]._sizes, TypePromotion.ResultType(x[0], x[1]))];

    public override Tensor[] Forward(Tensor[] inputs)
    {
        var dt = Meta(inputs)[0].DType;
        var x = inputs[0].CastRaw(DType.Float64).ContiguousRaw().RawSpan<double>();
        var y = inputs[1].CastRaw(DType.Float64).ContiguousRaw().RawSpan<double>();
        var r = Tensor.Empty(inputs[0]._sizes, DType.Float64);
        var o = r.RawSpan<double>();
        for (int i = 0; i < o.Length; i++)
            o[i] = -(y[i] * Math.Max(Math.Log(x[i]), -100) + (1 - y[i]) * Math.Max(Math.Log(1 - x[i]), -100));
        return [r.CastRaw(dt)];
    }

    public override Tensor?[] Backward(BackwardContext ctx)
    {
        var g = ctx.Grad(); var x = ctx.Input(0); var y = ctx.Input(1);
        Tensor? gx = null, gy = null;
        if (ctx.NeedsInputGrad(0)) gx = g * (x - y) / (x * (1 - x)).ClampMin(Eps);
        if (ctx.NeedsInputGrad(1)) gy = g * ((1 - x).Log().ClampMin(-100) - x.Log().ClampMin(-100));
        return [gx, gy];
    }
}
