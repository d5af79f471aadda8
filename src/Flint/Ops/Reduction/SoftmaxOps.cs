using Flint.Kernels.Cpu;

namespace Flint.Ops;

/// <summary>
/// aten::_softmax / aten::_log_softmax over one dim (floating inputs; float16/bfloat16 compute in float32).
/// Backward: softmax y·(g − Σ g·y), log_softmax g − exp(y)·Σ g, both written with tensor ops.
/// </summary>
public sealed class SoftmaxOp(int dim, bool log) : Op
{
    public override string Name => log ? "_log_softmax" : "_softmax";
    public override string FormatAttributes() => $"dim={dim}, half_to_float=False";

    private void Check(Tensor x)
    {
        int d = ShapeUtil.WrapDim(dim, x.Dim);
        if (!x.DType.IsFloatingPoint())
            throw new InvalidOperationException($"\"{(log ? "log_softmax" : "softmax")}{(d == x.Dim - 1 || x.Dim == 0 ? "_lastdim" : "")}_kernel_impl\" not implemented for '{ReduceCore.TypeName(x.DType)}'");
    }

    public override TensorMeta[] Meta(Tensor[] x) { Check(x[0]); return [TensorMeta.Like(x[0])]; }

    public override Tensor[] Forward(Tensor[] x)
    {
        var t = x[0]; Check(t);
        int d = ShapeUtil.WrapDim(dim, t.Dim);
        var ct = t.DType == DType.Float64 ? DType.Float64 : DType.Float32;
        var xc = t.ContiguousRaw().CastRaw(ct);
        var (outer, n, inner) = IndexGrad.Split(t._sizes, t.Dim == 0 ? 0 : d);
        var y = Tensor.Empty(t._sizes, ct);
        if (ct == DType.Float32)
            SoftmaxKernels.Run<float>(((Storage<float>)xc._storage).Memory.Slice(xc._offset, xc._numel), ((Storage<float>)y._storage).Memory, outer, n, inner, log);
        else
            SoftmaxKernels.Run<double>(((Storage<double>)xc._storage).Memory.Slice(xc._offset, xc._numel), ((Storage<double>)y._storage).Memory, outer, n, inner, log);
        return [y.CastRaw(t.DType)];
    }

    public override Tensor?[] Backward(BackwardContext ctx)
    {
        var g = ctx.Grad(); var y = ctx.Output(0);
        if (log) return [g - y.Exp() * g.Sum(dim, keepdim: true)];
        var gy = g * y;
        return [gy - y * gy.Sum(dim, keepdim: true)];
    }
}
