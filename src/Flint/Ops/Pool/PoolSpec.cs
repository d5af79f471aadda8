namespace Flint.Ops;

/// <summary>
/// What a pooling op slides over its input's trailing 1-3 dims: a strided/padded/dilated kernel, or adaptive
/// windows that produce a requested output size. Builds the per-dim windows for a given input.
/// </summary>
public sealed class PoolSpec
{
    public int Spatial { get; }
    public bool Adaptive { get; }
    public int[] Kernel { get; } = [];
    public int[] Stride { get; } = [];
    public int[] Padding { get; } = [];
    public int[] Dilation { get; } = [];
    public bool CeilMode { get; }
    public int[] OutputSize { get; } = [];

    public PoolSpec(int spatial, int[] kernel, int[] stride, int[] padding, int[] dilation, bool ceilMode)
    {
        Spatial = spatial; Kernel = kernel; Stride = stride; Padding = padding; Dilation = dilation; CeilMode = ceilMode;
        for (int d = 0; d < spatial; d++)
        {
            if (kernel[d] <= 0) throw new ArgumentException($"kernel_size must be greater than zero, but got kH={kernel[d]}");
            if (stride[d] <= 0) throw new ArgumentException($"stride should be greater than zero, but got dH={stride[d]}");
            if (dilation[d] <= 0) throw new ArgumentException($"dilation should be greater than zero, but got dilationH={dilation[d]}");
            if (padding[d] > (dilation[d] * (kernel[d] - 1) + 1) / 2)
                throw new ArgumentException($"pad should be at most half of effective kernel size, but got pad={padding[d]}, kernel_size={kernel[d]} and dilation={dilation[d]}");
        }
    }

    public PoolSpec(int spatial, int[] outputSize)
    {
        Spatial = spatial; Adaptive = true; OutputSize = outputSize;
    }

    public string Describe() => Adaptive
        ? $"output_size={ShapeUtil.Format(OutputSize)}"
        : $"kernel_size={ShapeUtil.Format(Kernel)}, stride={ShapeUtil.Format(Stride)}, padding={ShapeUtil.Format(Padding)}, dilation={ShapeUtil.Format(Dilation)}, ceil_mode={(CeilMode ? "True" : "False")}";

    /// <summary>Output sizes (batch/channel dims kept) for an input, checking its rank.</summary>
    public int[] OutputSizes(int[] input, string opName)
    {
        if (input.Length != Spatial + 1 && input.Length != Spatial + 2)
            throw new ArgumentException($"{opName}: Expected {Spatial + 1}D or {Spatial + 2}D tensor, but got input of size: {ShapeUtil.Format(input)}");
        var r = (int[])input.Clone();
        int off = input.Length - Spatial;
        for (int d = 0; d < Spatial; d++)
        {
            int i = input[off + d];
            int o = Adaptive ? OutputSize[d] : ConvGeometry.OutputSize(i, Kernel[d], Stride[d], Padding[d], Dilation[d], CeilMode);
            if (o <= 0)
                throw new ArgumentException($"Given input size: ({string.Join("x", input.Skip(off - 1))}). Calculated output size: ({string.Join("x", Enumerable.Range(0, Spatial).Select(k => r[off + k]))}). Output size is too small");
            r[off + d] = o;
        }
        return r;
    }

    /// <summary>Windows along D, H, W (leading missing dims become a single window of size 1).</summary>
    public (PoolWindow[] d, PoolWindow[] h, PoolWindow[] w) Windows(int[] input, int[] output)
    {
        var res = new PoolWindow[3][];
        int off = input.Length - Spatial;
        for (int k = 0; k < 3; k++)
        {
            int d = k - (3 - Spatial);
            if (d < 0) { res[k] = [new PoolWindow(0, 1, 1, 1)]; continue; }
            int i = input[off + d], o = output[off + d];
            res[k] = Adaptive ? PoolKernels.AdaptiveWindows(i, o) : PoolKernels.Windows(i, o, Kernel[d], Stride[d], Padding[d], Dilation[d]);
        }
        return (res[0], res[1], res[2]);
    }

    /// <summary>(planes, D, H, W) of the input: every leading dim folds into planes.</summary>
    public (int planes, int d, int h, int w) Planes(int[] sizes)
    {
        int off = sizes.Length - Spatial;
        int planes = 1;
        for (int i = 0; i < off; i++) planes *= sizes[i];
        int D = Spatial >= 3 ? sizes[off + Spatial - 3] : 1, H = Spatial >= 2 ? sizes[off + Spatial - 2] : 1, W = sizes[^1];
        return (planes, D, H, W);
    }
}
