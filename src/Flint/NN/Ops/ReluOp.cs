using System.Numerics.Tensors;

namespace Flint.NN;

/// <summary>aten::relu: max(x, 0) (NaN stays NaN). Its derivative is threshold_backward on the output.</summary>
internal sealed class ReluOp : Op
{
    public static readonly ReluOp Instance = new();
    public override string Name => "relu";
    public override TensorMeta[] Meta(Tensor[] x) => [TensorMeta.Like(x[0])];

    public override Tensor[] Forward(Tensor[] inputs)
    {
        var x = inputs[0];
        if (x.DType == DType.Bool) throw new ArgumentException("\"clamp_min_cpu\" not implemented for 'Bool'");
        var src = x.ContiguousRaw();
        var y = Tensor.Empty(x._sizes, x.DType);
        switch (x.DType)
        {
            case DType.Float32: TensorPrimitives.Max(KernelDispatch.Data<float>(src), 0f, KernelDispatch.Data<float>(y)); break;
            case DType.Float64: TensorPrimitives.Max(KernelDispatch.Data<double>(src), 0.0, KernelDispatch.Data<double>(y)); break;
            case DType.Int64: TensorPrimitives.Max(KernelDispatch.Data<long>(src), 0L, KernelDispatch.Data<long>(y)); break;
            case DType.Int32: TensorPrimitives.Max(KernelDispatch.Data<int>(src), 0, KernelDispatch.Data<int>(y)); break;
            case DType.Int16: TensorPrimitives.Max(KernelDispatch.Data<short>(src), (short)0, KernelDispatch.Data<short>(y)); break;
            case DType.Int8: TensorPrimitives.Max(KernelDispatch.Data<sbyte>(src), (sbyte)0, KernelDispatch.Data<sbyte>(y)); break;
            case DType.UInt8: KernelDispatch.Data<byte>(src).CopyTo(KernelDispatch.Data<byte>(y)); break;
            default:
                {
                    var f = src.CastRaw(DType.Float32);
                    var r = Tensor.Empty(x._sizes, DType.Float32);
                    TensorPrimitives.Max(KernelDispatch.Data<float>(f), 0f, KernelDispatch.Data<float>(r));
                    return [r.CastRaw(x.DType)];
                }
        }
        return [y];
    }

    public override Tensor?[] Backward(BackwardContext ctx) => [ThresholdBackwardOp.Call(ctx.Grad(), ctx.Output(), 0)];
}

/// <summary>aten::threshold_backward(grad, self, threshold): grad where self &gt; threshold, else 0.</summary>
internal sealed class ThresholdBackwardOp(double threshold) : Op
{
    public double Threshold { get; } = threshold;
    public override string Name => "threshold_backward";
    public override string FormatAttributes() => $"threshold={PyFormat.Float(Threshold)}";
    public override TensorMeta[] Meta(Tensor[] x) => [new(ShapeUtil.Broadcast(x[0]._sizes, x[1]._sizes), x[0].DType)];

    public static Tensor Call(Tensor grad, Tensor self, double threshold) => Dispatcher.Call1(new ThresholdBackwardOp(threshold), [grad, self]);

    public override Tensor[] Forward(Tensor[] inputs)
    {
        var shape = ShapeUtil.Broadcast(inputs[0]._sizes, inputs[1]._sizes);
        var dt = inputs[0].DType;
        var ct = dt is DType.Float16 or DType.BFloat16 ? DType.Float32 : dt;
        var g = PointwiseForward.Prepare(inputs[0], shape, ct).ExpandRaw(shape).ContiguousRaw();
        var s = PointwiseForward.Prepare(inputs[1], shape, ct).ExpandRaw(shape).ContiguousRaw();
        var y = Tensor.Empty(shape, ct);
        if (ct == DType.Float32) Mask(KernelDispatch.Data<float>(g), KernelDispatch.Data<float>(s), KernelDispatch.Data<float>(y), (float)Threshold);
        else if (ct == DType.Float64) Mask(KernelDispatch.Data<double>(g), KernelDispatch.Data<double>(s), KernelDispatch.Data<double>(y), Threshold);
        else throw new ArgumentException($"threshold_backward: unsupported dtype {dt.Name()}");
        return [ct == dt ? y : y.CastRaw(dt)];
    }

    private static void Mask<T>(ReadOnlySpan<T> g, ReadOnlySpan<T> s, Span<T> y, T th) where T : unmanaged, System.Numerics.INumber<T>
    {
        for (int i = 0; i < y.Length; i++) y[i] = s[i] <= th ? T.Zero : g[i];
    }

    public override Tensor?[] Backward(BackwardContext ctx)
        => [ctx.NeedsInputGrad(0) ? Call(ctx.Grad(), ctx.Input(1), Threshold) : null, null];
}
