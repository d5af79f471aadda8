namespace Flint.Ops;

/// <summary>Max pooling with indices (max_pool{1,2,3}d_with_indices, adaptive_max_pool{1,2,3}d).</summary>
public sealed class MaxPoolOp(PoolSpec spec) : Op
{
    public PoolSpec Spec { get; } = spec;
    public override string Name => Spec.Adaptive ? $"adaptive_max_pool{Spec.Spatial}d" : $"max_pool{Spec.Spatial}d_with_indices";
    public override Graphs.SchemaCall? Bind(Tensor?[] x) => Spec.Adaptive
        ? Graphs.OpRegistry.Call("aten::" + Name, x[0], Spec.OutputSize)
        : Graphs.OpRegistry.Call("aten::" + Name, x[0], Spec.Kernel, Spec.Stride, Spec.Padding, Spec.Dilation, Spec.CeilMode);
    public override OpKind Kind => OpKind.Extern;
    public override string BackwardName => Spec.Adaptive ? $"AdaptiveMaxPool{Spec.Spatial}DBackward0" : $"MaxPool{Spec.Spatial}DWithIndicesBackward0";
    public override string FormatAttributes() => Spec.Describe();

    public override TensorMeta[] Meta(Tensor[] x)
    {
        var o = Spec.OutputSizes(x[0]._sizes, Name);
        return [new(o, x[0].DType), new(o, DType.Int64)];
    }

    public override unsafe Tensor[] Forward(Tensor[] inputs)
    {
        var x = inputs[0];
        if (!x.DType.IsFloatingPoint()) throw new ArgumentException($"\"max_pool{Spec.Spatial}d\" not implemented for '{Tensor.CastName(x.DType)}'");
        var outSizes = Spec.OutputSizes(x._sizes, Name);
        var (wd, wh, ww) = Spec.Windows(x._sizes, outSizes);
        var (planes, id, ih, iw) = Spec.Planes(x._sizes);
        var ct = x.DType == DType.Float64 ? DType.Float64 : DType.Float32;
        var xc = x.CastRaw(ct).ContiguousRaw();
        var y = Tensor.Empty(outSizes, ct);
        var idx = Tensor.Empty(outSizes, DType.Int64);
        fixed (long* pi = idx.RawSpan<long>())
            if (ct == DType.Float32)
                fixed (float* px = xc.RawSpan<float>(), py = y.RawSpan<float>()) PoolKernels.Max(px, py, pi, planes, id, ih, iw, wd, wh, ww);
            else
                fixed (double* px = xc.RawSpan<double>(), py = y.RawSpan<double>()) PoolKernels.Max(px, py, pi, planes, id, ih, iw, wd, wh, ww);
        return [y.CastRaw(x.DType), idx];
    }

    public override Tensor?[] Backward(BackwardContext ctx)
        => [Dispatcher.Call1(new PlaneScatterOp(ctx.InputSizes(0), Spec.Spatial), [ctx.Grad(0), ctx.Output(1)])];
}

/// <summary>Average pooling (avg_pool{1,2,3}d, adaptive_avg_pool{1,2,3}d); its backward spreads the gradient back.</summary>
public sealed class AvgPoolOp(PoolSpec spec, bool countIncludePad = true, int divisorOverride = 0, bool backward = false, int[]? inputSizes = null) : Op
{
    public PoolSpec Spec { get; } = spec;
    public override string Name => (Spec.Adaptive ? $"adaptive_avg_pool{Spec.Spatial}d" : $"avg_pool{Spec.Spatial}d") + (backward ? "_backward" : "");
    public override OpKind Kind => OpKind.Extern;
    public override string BackwardName => backward ? CamelCase(Name) + "Backward0" : Spec.Adaptive ? $"AdaptiveAvgPool{Spec.Spatial}DBackward0" : $"AvgPool{Spec.Spatial}DBackward0";
    public override string FormatAttributes() => Spec.Describe() + (Spec.Adaptive ? "" : $", count_include_pad={(countIncludePad ? "True" : "False")}, divisor_override={(divisorOverride > 0 ? divisorOverride : "None")}");

    public override TensorMeta[] Meta(Tensor[] x) => [new(backward ? inputSizes! : Spec.OutputSizes(x[0]._sizes, Name), x[0].DType)];

    public override unsafe Tensor[] Forward(Tensor[] inputs)
    {
        var x = inputs[0];
        if (!x.DType.IsFloatingPoint()) throw new ArgumentException($"\"avg_pool{Spec.Spatial}d\" not implemented for '{Tensor.CastName(x.DType)}'");
        // forward: x is the input; backward: x is grad_out and the result has the original input's sizes
        var inSizes = backward ? inputSizes! : x._sizes;
        var outSizes = Spec.OutputSizes(inSizes, Name);
        var (wd, wh, ww) = Spec.Windows(inSizes, outSizes);
        var (planes, id, ih, iw) = Spec.Planes(inSizes);
        var ct = x.DType == DType.Float64 ? DType.Float64 : DType.Float32;
        var xc = x.CastRaw(ct).ContiguousRaw();
        var y = Tensor.Empty(backward ? inSizes : outSizes, ct, zeroed: backward);
        if (ct == DType.Float32)
            fixed (float* px = xc.RawSpan<float>(), py = y.RawSpan<float>()) PoolKernels.Avg(px, py, planes, id, ih, iw, wd, wh, ww, countIncludePad, divisorOverride, backward);
        else
            fixed (double* px = xc.RawSpan<double>(), py = y.RawSpan<double>()) PoolKernels.Avg(px, py, planes, id, ih, iw, wd, wh, ww, countIncludePad, divisorOverride, backward);
        return [y.CastRaw(x.DType)];
    }

    // The two directions are adjoint linear maps, so each one's derivative is the other.
    public override Tensor?[] Backward(BackwardContext ctx)
        => [Dispatcher.Call1(new AvgPoolOp(Spec, countIncludePad, divisorOverride, !backward, backward ? null : ctx.InputSizes(0)), [ctx.Grad()])];
}

/// <summary>
/// Scatters values into zero planes at flat in-plane indices (max pooling's backward, max_unpool); its derivative
/// is the matching gather, and the gather's is this scatter.
/// </summary>
public sealed class PlaneScatterOp(int[] outputSizes, int spatial, string backwardName = "MaxPoolWithIndicesBackwardBackward0") : Op
{
    public override string Name => "plane_scatter";
    public override Graphs.SchemaCall? Bind(Tensor?[] x) => Graphs.OpRegistry.Call("flint::plane_scatter", x[0], x[1], outputSizes, spatial);
    public override OpKind Kind => OpKind.Extern;
    public override string BackwardName => backwardName;
    public override TensorMeta[] Meta(Tensor[] x) => [new(outputSizes, x[0].DType)];

    public override unsafe Tensor[] Forward(Tensor[] inputs)
    {
        var src = inputs[0]; var idx = inputs[1].CastRaw(DType.Int64).ContiguousRaw();
        var ct = src.DType == DType.Float64 ? DType.Float64 : DType.Float32;
        var s = src.CastRaw(ct).ContiguousRaw();
        var y = Tensor.Empty(outputSizes, ct, zeroed: true);
        int dstPlane = 1, srcPlane = 1;
        for (int d = 0; d < spatial; d++) { dstPlane *= outputSizes[^(d + 1)]; srcPlane *= src._sizes[^(d + 1)]; }
        int planes = srcPlane == 0 ? 0 : s._numel / srcPlane;
        fixed (long* pi = idx.RawSpan<long>())
            if (ct == DType.Float32)
                fixed (float* ps = s.RawSpan<float>(), py = y.RawSpan<float>()) PoolKernels.Scatter(ps, pi, py, planes, srcPlane, dstPlane);
            else
                fixed (double* ps = s.RawSpan<double>(), py = y.RawSpan<double>()) PoolKernels.Scatter(ps, pi, py, planes, srcPlane, dstPlane);
        return [y.CastRaw(src.DType)];
    }

    public override Tensor?[] Backward(BackwardContext ctx)
        => [Dispatcher.Call1(new PlaneGatherOp(spatial), [ctx.Grad(), ctx.Input(1)]), null];
}

/// <summary>Reads values at flat in-plane indices: y[p, o] = x[p, idx[p, o]].</summary>
public sealed class PlaneGatherOp(int spatial) : Op
{
    public override string Name => "plane_gather";
    public override OpKind Kind => OpKind.Extern;
    public override TensorMeta[] Meta(Tensor[] x) => [new(x[1]._sizes, x[0].DType)];

    public override unsafe Tensor[] Forward(Tensor[] inputs)
    {
        var src = inputs[0]; var idx = inputs[1].CastRaw(DType.Int64).ContiguousRaw();
        var ct = src.DType == DType.Float64 ? DType.Float64 : DType.Float32;
        var s = src.CastRaw(ct).ContiguousRaw();
        var y = Tensor.Empty(idx._sizes, ct);
        int srcPlane = 1, dstPlane = 1;
        for (int d = 0; d < spatial; d++) { srcPlane *= s._sizes[^(d + 1)]; dstPlane *= idx._sizes[^(d + 1)]; }
        int planes = dstPlane == 0 ? 0 : idx._numel / dstPlane;
        fixed (long* pi = idx.RawSpan<long>())
            if (ct == DType.Float32)
                fixed (float* ps = s.RawSpan<float>(), py = y.RawSpan<float>()) PoolKernels.Gather(ps, pi, py, planes, dstPlane, srcPlane);
            else
                fixed (double* ps = s.RawSpan<double>(), py = y.RawSpan<double>()) PoolKernels.Gather(ps, pi, py, planes, dstPlane, srcPlane);
        return [y.CastRaw(src.DType)];
    }

    public override Tensor?[] Backward(BackwardContext ctx)
        => [Dispatcher.Call1(new PlaneScatterOp(ctx.InputSizes(0), spatial), [ctx.Grad(), ctx.Input(1)]), null];
}
