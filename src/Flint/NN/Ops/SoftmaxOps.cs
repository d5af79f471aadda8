using System.Numerics;

namespace Flint.NN;

/// <summary>aten::_softmax / aten::_log_softmax along one dim, numerically stable (max subtracted first).
/// Half and bfloat16 compute in float32 and round the result, as PyTorch's CPU kernels do.</summary>
internal sealed class SoftmaxOp(int dim, bool log) : Op
{
    public int DimIndex { get; } = dim;
    public bool Log { get; } = log;
    public override string Name => Log ? "_log_softmax" : "_softmax";
    public override string BackwardName => Log ? "LogSoftmaxBackward0" : "SoftmaxBackward0";
    public override string FormatAttributes() => $"dim={DimIndex}, half_to_float=False";
    public override TensorMeta[] Meta(Tensor[] x) => [TensorMeta.Like(x[0])];

    public override Tensor[] Forward(Tensor[] inputs)
    {
        var x = inputs[0];
        var dt = x.DType;
        if (!dt.IsFloatingPoint()) throw new ArgumentException($"\"{(Log ? "log_softmax_lastdim_kernel_impl" : "softmax_lastdim_kernel_impl")}\" not implemented for '{Tensor.CastName(dt)}'");
        var ct = dt is DType.Float16 or DType.BFloat16 ? DType.Float32 : dt;
        var src = x.CastRaw(ct).ContiguousRaw();
        var y = Tensor.Empty(x._sizes, ct);
        if (x._numel > 0)
        {
            int d = x.Dim == 0 ? 0 : DimIndex;
            int size = x.Dim == 0 ? 1 : x._sizes[d];
            int inner = 1; for (int i = d + 1; i < x.Dim; i++) inner *= x._sizes[i];
            int outer = x._numel / (size * inner);
            if (ct == DType.Float32) Run(KernelDispatch.Data<float>(src), KernelDispatch.Data<float>(y), outer, size, inner, Log);
            else Run(KernelDispatch.Data<double>(src), KernelDispatch.Data<double>(y), outer, size, inner, Log);
        }
        return [ct == dt ? y : y.CastRaw(dt)];
    }

    private static void Run<T>(ReadOnlySpan<T> x, Span<T> y, int outer, int size, int inner, bool log) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int o = 0; o < outer; o++)
            for (int j = 0; j < inner; j++)
            {
                int b = o * size * inner + j;
                T max = T.NegativeInfinity;
                for (int i = 0; i < size; i++) { var v = x[b + i * inner]; if (v > max || T.IsNaN(v)) max = v; }
                if (T.IsInfinity(max) && max < T.Zero) max = T.Zero;
                if (T.IsNaN(max)) max = T.Zero;
                T sum = T.Zero;
                if (log)
                {
                    for (int i = 0; i < size; i++) sum += T.Exp(x[b + i * inner] - max);
                    T lse = T.Log(sum) + max;
                    for (int i = 0; i < size; i++) y[b + i * inner] = x[b + i * inner] - lse;
                }
                else
                {
                    for (int i = 0; i < size; i++) { var e = T.Exp(x[b + i * inner] - max); y[b + i * inner] = e; sum += e; }
                    for (int i = 0; i < size; i++) y[b + i * inner] /= sum;
                }
            }
    }

    public override Tensor?[] Backward(BackwardContext ctx)
    {
        var g = ctx.Grad(); var y = ctx.Output();
        int d = y.Dim == 0 ? 0 : DimIndex;
        if (y.Dim == 0) return [Log ? g - y.Exp() * g : g * 0];
        return Log
            ? [g - y.Exp() * g.Sum(d, keepdim: true)]
            : [y * (g - (g * y).Sum(d, keepdim: true))];
    }
}
