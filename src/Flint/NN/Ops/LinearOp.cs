namespace Flint.NN;

/// <summary>
/// y = x @ Wᵀ + b for a 2-D x (F.Linear reshapes other ranks around it). The weight is read through its strides as
/// the transposed operand, so no copy is made, and a single row (batch-1 inference) lands on the GEMM's
/// vector × matrix path. The derivative is written with linear itself, so it can be differentiated again.
/// </summary>
internal sealed class LinearOp(bool bias) : Op
{
    public static readonly LinearOp WithBias = new(true), NoBias = new(false);
    public override string Name => "linear";

    public override TensorMeta[] Meta(Tensor[] x) => [new([x[0]._sizes[0], x[1]._sizes[0]], x[0].DType)];

    public override string BackwardName => bias ? "AddmmBackward0" : "MmBackward0";

    public override Tensor[] Forward(Tensor[] inputs)
    {
        var x = inputs[0]; var w = inputs[1];
        var b = inputs.Length > 2 ? inputs[2] : null;
        var dt = x.DType;
        var ct = dt is DType.Float16 or DType.BFloat16 ? DType.Float32 : dt;
        if (ct != x.DType) x = x.CastRaw(ct);
        if (ct != w.DType) w = w.CastRaw(ct);
        if (b is not null && ct != b.DType) b = b.CastRaw(ct);
        var y = LinearKernel.Run(x, w, b);
        return [ct == dt ? y : y.CastRaw(dt)];
    }

    public override Tensor?[] Backward(BackwardContext ctx)
    {
        var g = ctx.Grad();
        bool hasBias = bias;
        return hasBias
            ? [ctx.NeedsInputGrad(0) ? Functional.Linear(g, ctx.Input(1).T) : null,
               ctx.NeedsInputGrad(1) ? Functional.Linear(g.T, ctx.Input(0).T) : null,
               ctx.NeedsInputGrad(2) ? g.Sum(0) : null]
            : [ctx.NeedsInputGrad(0) ? Functional.Linear(g, ctx.Input(1).T) : null,
               ctx.NeedsInputGrad(1) ? Functional.Linear(g.T, ctx.Input(0).T) : null];
    }
}

/// <summary>The linear kernel over float/double tensors of any strides (no autograd, no dispatch).</summary>
internal static unsafe class LinearKernel
{
    public static Tensor Run(Tensor x, Tensor w, Tensor? b)
    {
        int m = x._sizes[0], k = x._sizes[1], n = w._sizes[0];
        var y = Tensor.Empty([m, n], x.DType);
        if (m == 0 || n == 0) return y;
        bool beta = b is not null;
        if (b is not null) y.CopyFromRaw(b.ExpandRaw([m, n]));
        else if (k == 0) y.FillRaw(0);
        if (k == 0) return y;
        if (x.DType == DType.Float32)
        {
            fixed (float* px = x.StorageSpan<float>()) fixed (float* pw = w.StorageSpan<float>()) fixed (float* py = y.StorageSpan<float>())
                Gemm.Sgemm(m, n, k, 1f, px + x._offset, x._strides[0], x._strides[1],
                    pw + w._offset, w._strides[1], w._strides[0], beta ? 1f : 0f, py, n, 1);
        }
        else if (x.DType == DType.Float64)
        {
            fixed (double* px = x.StorageSpan<double>()) fixed (double* pw = w.StorageSpan<double>()) fixed (double* py = y.StorageSpan<double>())
                Gemm.Dgemm(m, n, k, 1.0, px + x._offset, x._strides[0], x._strides[1],
                    pw + w._offset, w._strides[1], w._strides[0], beta ? 1.0 : 0.0, py, n, 1);
        }
        else throw new ArgumentException($"\"addmm_impl_cpu_\" not implemented for '{Tensor.CastName(x.DType)}'");
        return y;
    }
}
