using Flint.Autograd;
using Flint.Kernels.Cpu;

namespace Flint.Ops;

/// <summary>
/// im2col (F.unfold): (N, C, H, W) → (N, C·kh·kw, L), one column per sliding window. Its derivative is col2im over
/// the same geometry, and col2im's is im2col: the two are adjoint linear maps.
/// </summary>
public sealed class Im2ColOp(int[] kernel, int[] dilation, int[] padding, int[] stride) : Op
{
    public override string Name => "im2col";
    public override OpKind Kind => OpKind.Extern;
    public override string FormatAttributes() => VisionGeometry.Describe(null, kernel, dilation, padding, stride);

    ConvGeometry Geometry(int[] x)
    {
        VisionGeometry.Check(kernel, dilation, padding, stride);
        int oh = ConvGeometry.OutputSize(x[2], kernel[0], stride[0], padding[0], dilation[0]);
        int ow = ConvGeometry.OutputSize(x[3], kernel[1], stride[1], padding[1], dilation[1]);
        if (oh < 1 || ow < 1)
            throw new ArgumentException($"Given input with spatial size ({x[2]}, {x[3]}), kernel_size=({kernel[0]}, {kernel[1]}), dilation=({dilation[0]}, {dilation[1]}), padding=({padding[0]}, {padding[1]}), calculated shape of the array of sliding blocks as ({oh}, {ow}), but its components must be at least one.");
        return new ConvGeometry(x[1], x.AsSpan(2), [oh, ow], kernel, stride, padding, dilation);
    }

    public override TensorMeta[] Meta(Tensor[] x)
    {
        var g = Geometry(x[0]._sizes);
        return [new([x[0]._sizes[0], g.ColRows, g.OutputPlane], x[0].DType)];
    }

    public override unsafe Tensor[] Forward(Tensor[] inputs)
    {
        var x = inputs[0];
        var g = Geometry(x._sizes);
        var ct = VisionGeometry.ComputeType(x.DType, "im2col");
        var xc = x.CastRaw(ct).ContiguousRaw();
        int n = x._sizes[0];
        var y = Tensor.Empty([n, g.ColRows, g.OutputPlane], ct);
        long inStride = (long)g.Channels * g.InputPlane, outStride = (long)g.ColRows * g.OutputPlane;
        if (ct == DType.Float32)
            fixed (float* px = xc.RawSpan<float>(), py = y.RawSpan<float>())
                for (int b = 0; b < n; b++) Im2Col.Unroll(px + b * inStride, py + b * outStride, g);
        else
            fixed (double* px = xc.RawSpan<double>(), py = y.RawSpan<double>())
                for (int b = 0; b < n; b++) Im2Col.Unroll(px + b * inStride, py + b * outStride, g);
        return [y.CastRaw(x.DType)];
    }

    public override Tensor?[] Backward(BackwardContext ctx)
    {
        var s = ctx.InputSizes(0);
        return [Dispatcher.Call1(new Col2ImOp([s[2], s[3]], kernel, dilation, padding, stride), [ctx.Grad()])];
    }
}

/// <summary>col2im (F.fold): (N, C·kh·kw, L) → (N, C, H, W), summing where windows overlap.</summary>
public sealed class Col2ImOp(int[] outputSize, int[] kernel, int[] dilation, int[] padding, int[] stride) : Op
{
    public override string Name => "col2im";
    public override OpKind Kind => OpKind.Extern;
    public override string FormatAttributes() => VisionGeometry.Describe(outputSize, kernel, dilation, padding, stride);

    ConvGeometry Geometry(int[] x)
    {
        VisionGeometry.Check(kernel, dilation, padding, stride);
        int kv = kernel[0] * kernel[1];
        if (x[1] % kv != 0)
            throw new ArgumentException($"Expected size of input's dimension 1 to be divisible by the product of kernel_size, but got input.size(1)={x[1]} and kernel_size=({kernel[0]}, {kernel[1]}).");
        int oh = ConvGeometry.OutputSize(outputSize[0], kernel[0], stride[0], padding[0], dilation[0]);
        int ow = ConvGeometry.OutputSize(outputSize[1], kernel[1], stride[1], padding[1], dilation[1]);
        if (oh < 1 || ow < 1)
            throw new ArgumentException($"Given output_size=({outputSize[0]}, {outputSize[1]}), kernel_size=({kernel[0]}, {kernel[1]}), dilation=({dilation[0]}, {dilation[1]}), padding=({padding[0]}, {padding[1]}), stride=({stride[0]}, {stride[1]}), calculated shape of the array of sliding blocks as ({oh}, {ow}), but its components must be at least one.");
        if ((long)oh * ow != x[2])
            throw new ArgumentException($"Given output_size=({outputSize[0]}, {outputSize[1]}), kernel_size=({kernel[0]}, {kernel[1]}), dilation=({dilation[0]}, {dilation[1]}), padding=({padding[0]}, {padding[1]}), stride=({stride[0]}, {stride[1]}), expected size of input's dimension 2 to match the calculated number of sliding blocks {oh} * {ow} = {oh * ow}, but got input.size(2)={x[2]}.");
        return new ConvGeometry(x[1] / kv, outputSize, [oh, ow], kernel, stride, padding, dilation);
    }

    public override TensorMeta[] Meta(Tensor[] x)
    {
        var g = Geometry(x[0]._sizes);
        return [new([x[0]._sizes[0], g.Channels, outputSize[0], outputSize[1]], x[0].DType)];
    }

    public override unsafe Tensor[] Forward(Tensor[] inputs)
    {
        var x = inputs[0];
        var g = Geometry(x._sizes);
        var ct = VisionGeometry.ComputeType(x.DType, "col2im");
        var xc = x.CastRaw(ct).ContiguousRaw();
        int n = x._sizes[0];
        var y = Tensor.Empty([n, g.Channels, outputSize[0], outputSize[1]], ct, zeroed: true);
        long colStride = (long)g.ColRows * g.OutputPlane, imStride = (long)g.Channels * g.InputPlane;
        if (ct == DType.Float32)
            fixed (float* px = xc.RawSpan<float>(), py = y.RawSpan<float>())
                for (int b = 0; b < n; b++) Im2Col.Fold(px + b * colStride, py + b * imStride, g);
        else
            fixed (double* px = xc.RawSpan<double>(), py = y.RawSpan<double>())
                for (int b = 0; b < n; b++) Im2Col.Fold(px + b * colStride, py + b * imStride, g);
        return [y.CastRaw(x.DType)];
    }

    public override Tensor?[] Backward(BackwardContext ctx)
        => [Dispatcher.Call1(new Im2ColOp(kernel, dilation, padding, stride), [ctx.Grad()])];
}

static class VisionGeometry
{
    public static void Check(int[] kernel, int[] dilation, int[] padding, int[] stride)
    {
        if (kernel[0] <= 0 || kernel[1] <= 0) throw new ArgumentException($"kernel size should be greater than zero, but got kernel_height: {kernel[0]} kernel_width: {kernel[1]}");
        if (dilation[0] <= 0 || dilation[1] <= 0) throw new ArgumentException($"dilation should be greater than zero, but got dilation_height: {dilation[0]} dilation_width: {dilation[1]}");
        if (padding[0] < 0 || padding[1] < 0) throw new ArgumentException($"padding should be non-negative, but got pad_height: {padding[0]} pad_width: {padding[1]}");
        if (stride[0] <= 0 || stride[1] <= 0) throw new ArgumentException($"stride should be greater than zero, but got stride_height: {stride[0]} stride_width: {stride[1]}");
    }

    /// <summary>Kernels run in float or double; half types go through float (their results are rounded back).</summary>
    public static DType ComputeType(DType t, string name) => t switch
    {
        DType.Float64 => DType.Float64,
        DType.Float32 or DType.Float16 or DType.BFloat16 => DType.Float32,
        _ => throw new ArgumentException($"\"{name}_out_cpu\" not implemented for '{Tensor.CastName(t)}'"),
    };

    public static string Describe(int[]? outputSize, int[] k, int[] d, int[] p, int[] s)
        => (outputSize is null ? "" : $"output_size=[{outputSize[0]}, {outputSize[1]}], ")
           + $"kernel_size=[{k[0]}, {k[1]}], dilation=[{d[0]}, {d[1]}], padding=[{p[0]}, {p[1]}], stride=[{s[0]}, {s[1]}]";
}
