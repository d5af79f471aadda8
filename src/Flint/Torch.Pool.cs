namespace Flint;

// Pooling functions (torch.nn.functional.max_pool2d, avg_pool2d, adaptive_avg_pool2d, max_unpool2d …).
public static partial class Torch
{
    public static Tensor MaxPool1d(Tensor input, int[] kernelSize, int[]? stride = null, int[]? padding = null, int[]? dilation = null, bool ceilMode = false)
        => MaxPoolWithIndices(input, 1, kernelSize, stride, padding, dilation, ceilMode).Values;
    public static Tensor MaxPool2d(Tensor input, int[] kernelSize, int[]? stride = null, int[]? padding = null, int[]? dilation = null, bool ceilMode = false)
        => MaxPoolWithIndices(input, 2, kernelSize, stride, padding, dilation, ceilMode).Values;
    public static Tensor MaxPool3d(Tensor input, int[] kernelSize, int[]? stride = null, int[]? padding = null, int[]? dilation = null, bool ceilMode = false)
        => MaxPoolWithIndices(input, 3, kernelSize, stride, padding, dilation, ceilMode).Values;

    /// <summary>max_pool{n}d with return_indices=True: (values, flat in-plane indices).</summary>
    public static (Tensor Values, Tensor Indices) MaxPoolWithIndices(Tensor input, int spatialDims, int[] kernelSize, int[]? stride = null,
        int[]? padding = null, int[]? dilation = null, bool ceilMode = false)
    {
        var k = Tuple(kernelSize, spatialDims, 1, "kernel_size");
        var s = stride is null || stride.Length == 0 ? k : Tuple(stride, spatialDims, 1, "stride");
        var spec = new PoolSpec(spatialDims, k, s, Tuple(padding, spatialDims, 0, "padding"), Tuple(dilation, spatialDims, 1, "dilation"), ceilMode);
        var r = Ops.Dispatcher.Call(new MaxPoolOp(spec), [input]);
        return (r[0], r[1]);
    }

    public static Tensor AvgPool1d(Tensor input, int[] kernelSize, int[]? stride = null, int[]? padding = null, bool ceilMode = false, bool countIncludePad = true)
        => AvgPool(input, 1, kernelSize, stride, padding, ceilMode, countIncludePad, null);
    public static Tensor AvgPool2d(Tensor input, int[] kernelSize, int[]? stride = null, int[]? padding = null, bool ceilMode = false, bool countIncludePad = true, int? divisorOverride = null)
        => AvgPool(input, 2, kernelSize, stride, padding, ceilMode, countIncludePad, divisorOverride);
    public static Tensor AvgPool3d(Tensor input, int[] kernelSize, int[]? stride = null, int[]? padding = null, bool ceilMode = false, bool countIncludePad = true, int? divisorOverride = null)
        => AvgPool(input, 3, kernelSize, stride, padding, ceilMode, countIncludePad, divisorOverride);

    private static Tensor AvgPool(Tensor input, int sd, int[] kernelSize, int[]? stride, int[]? padding, bool ceilMode, bool countIncludePad, int? divisorOverride)
    {
        if (divisorOverride is <= 0) throw new ArgumentException("divisor must be not zero");
        var k = Tuple(kernelSize, sd, 1, "kernel_size");
        var s = stride is null || stride.Length == 0 ? k : Tuple(stride, sd, 1, "stride");
        var p = Tuple(padding, sd, 0, "padding");
        for (int d = 0; d < sd; d++)
            if (p[d] > k[d] / 2) throw new ArgumentException($"pad should be smaller than or equal to half of kernel size, but got padW = {p[d]}, padH = {p[d]}, kW = {k[d]}, kH = {k[d]}");
        var spec = new PoolSpec(sd, k, s, p, Tuple(null, sd, 1, "dilation"), ceilMode);
        return Ops.Dispatcher.Call1(new AvgPoolOp(spec, countIncludePad, divisorOverride ?? 0), [input]);
    }

    public static Tensor AdaptiveAvgPool1d(Tensor input, int[] outputSize) => AdaptiveAvgPool(input, 1, outputSize);
    public static Tensor AdaptiveAvgPool2d(Tensor input, int[] outputSize) => AdaptiveAvgPool(input, 2, outputSize);
    public static Tensor AdaptiveAvgPool3d(Tensor input, int[] outputSize) => AdaptiveAvgPool(input, 3, outputSize);

    private static Tensor AdaptiveAvgPool(Tensor input, int sd, int[] outputSize)
        => Ops.Dispatcher.Call1(new AvgPoolOp(new PoolSpec(sd, AdaptiveSizes(input, sd, outputSize))), [input]);

    public static (Tensor Values, Tensor Indices) AdaptiveMaxPoolWithIndices(Tensor input, int spatialDims, int[] outputSize)
    {
        var r = Ops.Dispatcher.Call(new MaxPoolOp(new PoolSpec(spatialDims, AdaptiveSizes(input, spatialDims, outputSize))), [input]);
        return (r[0], r[1]);
    }
    public static Tensor AdaptiveMaxPool1d(Tensor input, int[] outputSize) => AdaptiveMaxPoolWithIndices(input, 1, outputSize).Values;
    public static Tensor AdaptiveMaxPool2d(Tensor input, int[] outputSize) => AdaptiveMaxPoolWithIndices(input, 2, outputSize).Values;
    public static Tensor AdaptiveMaxPool3d(Tensor input, int[] outputSize) => AdaptiveMaxPoolWithIndices(input, 3, outputSize).Values;

    /// <summary>Adaptive output sizes; a 0 (PyTorch's None) keeps that input dim.</summary>
    private static int[] AdaptiveSizes(Tensor input, int sd, int[] outputSize)
    {
        var o = Tuple(outputSize, sd, 1, "output_size");
        var r = new int[sd];
        for (int d = 0; d < sd; d++) r[d] = o[d] <= 0 ? (int)input.Size(input.Dim - sd + d) : o[d];
        return r;
    }

    /// <summary>max_unpool{1,2,3}d: puts each value back at its max position in zero planes of the output size.</summary>
    public static Tensor MaxUnpool(Tensor input, Tensor indices, int spatialDims, int[] kernelSize, int[]? stride = null, int[]? padding = null, long[]? outputSize = null)
    {
        var k = Tuple(kernelSize, spatialDims, 1, "kernel_size");
        var s = stride is null || stride.Length == 0 ? k : Tuple(stride, spatialDims, 1, "stride");
        var p = Tuple(padding, spatialDims, 0, "padding");
        var outSizes = (int[])input._sizes.Clone();
        int off = input.Dim - spatialDims;
        for (int d = 0; d < spatialDims; d++)
            outSizes[off + d] = outputSize is not null ? (int)outputSize[outputSize.Length - spatialDims + d]
                : (input._sizes[off + d] - 1) * s[d] - 2 * p[d] + k[d];
        if (!ShapeUtil.SameShape(indices._sizes, input._sizes))
            throw new ArgumentException($"Expected shape of indices to be same as that of the input tensor ({ShapeUtil.Format(input._sizes)}) but got indices tensor with shape: {ShapeUtil.Format(indices._sizes)}");
        return Ops.Dispatcher.Call1(new PlaneScatterOp(outSizes, spatialDims, $"MaxUnpool{spatialDims}DBackward0"), [input, indices]);
    }

    public static Tensor MaxUnpool1d(Tensor input, Tensor indices, int[] kernelSize, int[]? stride = null, int[]? padding = null, long[]? outputSize = null)
        => MaxUnpool(input, indices, 1, kernelSize, stride, padding, outputSize);
    public static Tensor MaxUnpool2d(Tensor input, Tensor indices, int[] kernelSize, int[]? stride = null, int[]? padding = null, long[]? outputSize = null)
        => MaxUnpool(input, indices, 2, kernelSize, stride, padding, outputSize);
}
