using Flint.Kernels.Cpu;

namespace Flint.Ops;

/// <summary>
/// aten::_softmax / aten::_log_softmax over one dim (floating inputs; float16/bfloat16 compute in float32).
/// Backward: softmax y·(g − Σ g·y), log_softmax g − exp(y)·Σ g, both written with tensor ops.
/// </summary>
public sealed class SoftmaxOp(int dim, bool log) : Op
{
    public override string Name => log ? "_log_softmax" : "_softmax";
    public override Graphs.SchemaCall? Bind(Tensor?[] x) => Graphs.OpRegistry.Call("aten::" + Name, x[0], dim, false);
    /// <summary>The dim normalized over.</summary>
    public int Dim => dim;
    /// <summary>True for log_softmax.</summary>
    public bool Log => log;
    public override OpKind Kind => OpKind.Composite;
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
            SoftmaxKernels.Run<float>(((Storage<float>)xc._storage).RawMemory.Slice(xc._offset, xc._numel), ((Storage<float>)y._storage).RawMemory, outer, n, inner, log);
        else
            SoftmaxKernels.Run<double>(((Storage<double>)xc._storage).RawMemory.Slice(xc._offset, xc._numel), ((Storage<double>)y._storage).RawMemory, outer, n, inner, log);
        return [y.CastRaw(t.DType)];
    }

    public override Tensor?[] Backward(BackwardContext ctx)
        => [Dispatcher.Call1(new SoftmaxBackwardOp(dim, log), [ctx.Grad(), ctx.Output(0)])];
}

/// <summary>
/// aten::_softmax_backward_data / _log_softmax_backward_data (inputs: grad_output, output): one fused kernel for the
/// backward of training's hottest op. Its own derivative (double backward) is written with tensor ops.
/// </summary>
public sealed class SoftmaxBackwardOp(int dim, bool log) : Op
{
    public override string Name => log ? "_log_softmax_backward_data" : "_softmax_backward_data";
    public override Graphs.SchemaCall? Bind(Tensor?[] x) => Graphs.OpRegistry.Call("aten::" + Name, x[0], x[1], dim, Graphs.ScalarTypes.Code(x[0]!.DType));
    /// <summary>The dim the forward normalized over.</summary>
    public int Dim => dim;
    /// <summary>True for log_softmax's backward.</summary>
    public bool Log => log;
    public override OpKind Kind => OpKind.Composite;
    public override string FormatAttributes() => $"dim={dim}";
    public override TensorMeta[] Meta(Tensor[] x) => [TensorMeta.Like(x[1])];

    public override Tensor[] Forward(Tensor[] x)
    {
        var y = x[1];
        int d = ShapeUtil.WrapDim(dim, y.Dim);
        var t = y.DType;
        var ct = t == DType.Float64 ? DType.Float64 : DType.Float32;
        var gc = x[0].ContiguousRaw().CastRaw(ct); var yc = y.ContiguousRaw().CastRaw(ct);
        var (outer, n, inner) = IndexGrad.Split(y._sizes, y.Dim == 0 ? 0 : d);
        var r = Tensor.Empty(y._sizes, ct);
        if (ct == DType.Float32)
            SoftmaxBackwardKernels.Run<float>(Mem<float>(gc), Mem<float>(yc), ((Storage<float>)r._storage).RawMemory, outer, n, inner, log);
        else
            SoftmaxBackwardKernels.Run<double>(Mem<double>(gc), Mem<double>(yc), ((Storage<double>)r._storage).RawMemory, outer, n, inner, log);
        return [r.CastRaw(t)];
    }

    private static ReadOnlyMemory<T> Mem<T>(Tensor t) where T : unmanaged => ((Storage<T>)t._storage).RawMemory.Slice(t._offset, t._numel);

    public override Tensor?[] Backward(BackwardContext ctx)
    {
        // gi = y·(g − Σ g·y)  ⇒  dg = y·(u − Σ u·y),  dy = u·(g − Σ g·y) − g·Σ u·y
        // gi = g − exp(y)·Σ g ⇒  dg = u − Σ u·exp(y), dy = −u·exp(y)·Σ g
        var u = ctx.Grad(); var g = ctx.Input(0); var y = ctx.Input(1);
        Tensor? dg = null, dy = null;
        if (log)
        {
            var ey = y.Exp();
            if (ctx.NeedsInputGrad(0)) dg = u - (u * ey).Sum(dim, keepdim: true);
            if (ctx.NeedsInputGrad(1)) dy = -(u * ey * g.Sum(dim, keepdim: true));
        }
        else
        {
            var uy = (u * y).Sum(dim, keepdim: true);
            if (ctx.NeedsInputGrad(0)) dg = y * (u - uy);
            if (ctx.NeedsInputGrad(1)) dy = u * (g - (g * y).Sum(dim, keepdim: true)) - g * uy;
        }
        return [dg, dy];
    }
}
