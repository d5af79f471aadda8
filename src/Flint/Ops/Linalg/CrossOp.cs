using Flint.Autograd;

namespace Flint.Ops;

/// <summary>
/// aten::linalg_cross(input, other, dim): the 3-vector cross product along dim, for inputs of one shape (the caller
/// broadcasts). Derivative: grad_input = other × grad, grad_other = grad × input.
/// </summary>
public sealed class LinalgCrossOp(int dim) : Op
{
    public override string Name => "linalg_cross";
    public override OpKind Kind => OpKind.Extern;
    public override string FormatAttributes() => $"dim={dim}";
    public override TensorMeta[] Meta(Tensor[] x) => [new(x[0]._sizes, x[0].DType)];

    public override Tensor[] Forward(Tensor[] x)
    {
        var a = x[0].CastRaw(DType.Float64).ContiguousRaw().RawSpan<double>();
        var b = x[1].CastRaw(DType.Float64).ContiguousRaw().RawSpan<double>();
        var sizes = x[0]._sizes;
        int inner = 1, outer = 1;
        for (int i = dim + 1; i < sizes.Length; i++) inner *= sizes[i];
        for (int i = 0; i < dim; i++) outer *= sizes[i];
        var y = LinalgCore.Empty(sizes);
        var c = y.RawSpan<double>();
        for (int o = 0; o < outer; o++)
            for (int i = 0; i < inner; i++)
            {
                int p0 = o * 3 * inner + i, p1 = p0 + inner, p2 = p1 + inner;
                c[p0] = a[p1] * b[p2] - a[p2] * b[p1];
                c[p1] = a[p2] * b[p0] - a[p0] * b[p2];
                c[p2] = a[p0] * b[p1] - a[p1] * b[p0];
            }
        return [y.CastRaw(x[0].DType)];
    }

    public override Tensor?[] Backward(BackwardContext ctx)
    {
        var g = ctx.Grad();
        return
        [
            ctx.NeedsInputGrad(0) ? Dispatcher.Call1(this, [ctx.Input(1), g]) : null,
            ctx.NeedsInputGrad(1) ? Dispatcher.Call1(this, [g, ctx.Input(0)]) : null,
        ];
    }
}
