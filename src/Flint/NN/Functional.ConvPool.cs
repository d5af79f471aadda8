namespace Flint.NN;

// torch.nn.functional's convolution and pooling family, with PyTorch's parameter order and int-or-tuple sizes
// (F.MaxPool2d(x, 2), F.Conv2d(x, w, padding: "same")). Each forwards to the Torch implementation.
public static partial class Functional
{
    private static int[]? V(Size? s) => s?.Values;

    public static Tensor Conv1d(Tensor input, Tensor weight, Tensor? bias = null, Size? stride = null, Size? padding = null,
        Size? dilation = null, int groups = 1) => Torch.Conv1d(input, weight, bias, V(stride), V(padding), V(dilation), groups);
    public static Tensor Conv2d(Tensor input, Tensor weight, Tensor? bias = null, Size? stride = null, Size? padding = null,
        Size? dilation = null, int groups = 1) => Torch.Conv2d(input, weight, bias, V(stride), V(padding), V(dilation), groups);
    public static Tensor Conv3d(Tensor input, Tensor weight, Tensor? bias = null, Size? stride = null, Size? padding = null,
        Size? dilation = null, int groups = 1) => Torch.Conv3d(input, weight, bias, V(stride), V(padding), V(dilation), groups);

    /// <summary>conv1d with padding "same" or "valid" and no bias: F.Conv1d(x, w, padding: "same").</summary>
    public static Tensor Conv1d(Tensor input, Tensor weight, string padding, Size? stride = null, Size? dilation = null,
        int groups = 1) => Torch.Conv1d(input, weight, null, padding, V(stride), V(dilation), groups);
    /// <summary>conv1d with a bias and padding "same" or "valid": F.Conv1d(x, w, b, padding: "same").</summary>
    public static Tensor Conv1d(Tensor input, Tensor weight, Tensor? bias, string padding, Size? stride = null,
        Size? dilation = null, int groups = 1) => Torch.Conv1d(input, weight, bias, padding, V(stride), V(dilation), groups);
    /// <summary>conv2d with padding "same" or "valid" and no bias: F.Conv2d(x, w, padding: "same").</summary>
    public static Tensor Conv2d(Tensor input, Tensor weight, string padding, Size? stride = null, Size? dilation = null,
        int groups = 1) => Torch.Conv2d(input, weight, null, padding, V(stride), V(dilation), groups);
    /// <summary>conv2d with a bias and padding "same" or "valid": F.Conv2d(x, w, b, padding: "same").</summary>
    public static Tensor Conv2d(Tensor input, Tensor weight, Tensor? bias, string padding, Size? stride = null,
        Size? dilation = null, int groups = 1) => Torch.Conv2d(input, weight, bias, padding, V(stride), V(dilation), groups);
    /// <summary>conv3d with padding "same" or "valid" and no bias: F.Conv3d(x, w, padding: "same").</summary>
    public static Tensor Conv3d(Tensor input, Tensor weight, string padding, Size? stride = null, Size? dilation = null,
        int groups = 1) => Torch.Conv3d(input, weight, null, padding, V(stride), V(dilation), groups);
    /// <summary>conv3d with a bias and padding "same" or "valid": F.Conv3d(x, w, b, padding: "same").</summary>
    public static Tensor Conv3d(Tensor input, Tensor weight, Tensor? bias, string padding, Size? stride = null,
        Size? dilation = null, int groups = 1) => Torch.Conv3d(input, weight, bias, padding, V(stride), V(dilation), groups);

    public static Tensor ConvTranspose1d(Tensor input, Tensor weight, Tensor? bias = null, Size? stride = null, Size? padding = null,
        Size? outputPadding = null, int groups = 1, Size? dilation = null)
        => Torch.ConvTranspose1d(input, weight, bias, V(stride), V(padding), V(outputPadding), groups, V(dilation));
    public static Tensor ConvTranspose2d(Tensor input, Tensor weight, Tensor? bias = null, Size? stride = null, Size? padding = null,
        Size? outputPadding = null, int groups = 1, Size? dilation = null)
        => Torch.ConvTranspose2d(input, weight, bias, V(stride), V(padding), V(outputPadding), groups, V(dilation));
    public static Tensor ConvTranspose3d(Tensor input, Tensor weight, Tensor? bias = null, Size? stride = null, Size? padding = null,
        Size? outputPadding = null, int groups = 1, Size? dilation = null)
        => Torch.ConvTranspose3d(input, weight, bias, V(stride), V(padding), V(outputPadding), groups, V(dilation));

    public static Tensor MaxPool1d(Tensor input, Size kernelSize, Size? stride = null, Size? padding = null, Size? dilation = null,
        bool ceilMode = false) => Torch.MaxPool1d(input, kernelSize.Values, V(stride), V(padding), V(dilation), ceilMode);
    public static Tensor MaxPool2d(Tensor input, Size kernelSize, Size? stride = null, Size? padding = null, Size? dilation = null,
        bool ceilMode = false) => Torch.MaxPool2d(input, kernelSize.Values, V(stride), V(padding), V(dilation), ceilMode);
    public static Tensor MaxPool3d(Tensor input, Size kernelSize, Size? stride = null, Size? padding = null, Size? dilation = null,
        bool ceilMode = false) => Torch.MaxPool3d(input, kernelSize.Values, V(stride), V(padding), V(dilation), ceilMode);

    /// <summary>
    /// max_pool1d(…, return_indices=True): (values, flat in-plane indices). Naming returnIndices picks this overload
    /// (F.MaxPool1d(x, 2, returnIndices: true)); the indices come back whatever its value, since a C# call's result
    /// type cannot depend on an argument's value.
    /// </summary>
    public static (Tensor Values, Tensor Indices) MaxPool1d(Tensor input, Size kernelSize, bool returnIndices, Size? stride = null,
        Size? padding = null, Size? dilation = null, bool ceilMode = false)
        => MaxPool1dWithIndices(input, kernelSize, stride, padding, dilation, ceilMode);
    /// <summary>max_pool2d(…, return_indices=True): (values, indices); see <see cref="MaxPool1d(Tensor, Size, bool, Size?, Size?, Size?, bool)"/>.</summary>
    public static (Tensor Values, Tensor Indices) MaxPool2d(Tensor input, Size kernelSize, bool returnIndices, Size? stride = null,
        Size? padding = null, Size? dilation = null, bool ceilMode = false)
        => MaxPool2dWithIndices(input, kernelSize, stride, padding, dilation, ceilMode);
    /// <summary>max_pool3d(…, return_indices=True): (values, indices); see <see cref="MaxPool1d(Tensor, Size, bool, Size?, Size?, Size?, bool)"/>.</summary>
    public static (Tensor Values, Tensor Indices) MaxPool3d(Tensor input, Size kernelSize, bool returnIndices, Size? stride = null,
        Size? padding = null, Size? dilation = null, bool ceilMode = false)
        => MaxPool3dWithIndices(input, kernelSize, stride, padding, dilation, ceilMode);

    public static (Tensor Values, Tensor Indices) MaxPool1dWithIndices(Tensor input, Size kernelSize, Size? stride = null,
        Size? padding = null, Size? dilation = null, bool ceilMode = false)
        => Torch.MaxPoolWithIndices(input, 1, kernelSize.Values, V(stride), V(padding), V(dilation), ceilMode);
    public static (Tensor Values, Tensor Indices) MaxPool2dWithIndices(Tensor input, Size kernelSize, Size? stride = null,
        Size? padding = null, Size? dilation = null, bool ceilMode = false)
        => Torch.MaxPoolWithIndices(input, 2, kernelSize.Values, V(stride), V(padding), V(dilation), ceilMode);
    public static (Tensor Values, Tensor Indices) MaxPool3dWithIndices(Tensor input, Size kernelSize, Size? stride = null,
        Size? padding = null, Size? dilation = null, bool ceilMode = false)
        => Torch.MaxPoolWithIndices(input, 3, kernelSize.Values, V(stride), V(padding), V(dilation), ceilMode);

    public static Tensor AvgPool1d(Tensor input, Size kernelSize, Size? stride = null, Size? padding = null, bool ceilMode = false,
        bool countIncludePad = true) => Torch.AvgPool1d(input, kernelSize.Values, V(stride), V(padding), ceilMode, countIncludePad);
    public static Tensor AvgPool2d(Tensor input, Size kernelSize, Size? stride = null, Size? padding = null, bool ceilMode = false,
        bool countIncludePad = true, int? divisorOverride = null)
        => Torch.AvgPool2d(input, kernelSize.Values, V(stride), V(padding), ceilMode, countIncludePad, divisorOverride);
    public static Tensor AvgPool3d(Tensor input, Size kernelSize, Size? stride = null, Size? padding = null, bool ceilMode = false,
        bool countIncludePad = true, int? divisorOverride = null)
        => Torch.AvgPool3d(input, kernelSize.Values, V(stride), V(padding), ceilMode, countIncludePad, divisorOverride);

    public static Tensor AdaptiveAvgPool1d(Tensor input, Size outputSize) => Torch.AdaptiveAvgPool1d(input, outputSize.Values);
    public static Tensor AdaptiveAvgPool2d(Tensor input, Size outputSize) => Torch.AdaptiveAvgPool2d(input, outputSize.Values);
    public static Tensor AdaptiveAvgPool3d(Tensor input, Size outputSize) => Torch.AdaptiveAvgPool3d(input, outputSize.Values);
    public static Tensor AdaptiveMaxPool1d(Tensor input, Size outputSize) => Torch.AdaptiveMaxPool1d(input, outputSize.Values);
    public static Tensor AdaptiveMaxPool2d(Tensor input, Size outputSize) => Torch.AdaptiveMaxPool2d(input, outputSize.Values);
    public static Tensor AdaptiveMaxPool3d(Tensor input, Size outputSize) => Torch.AdaptiveMaxPool3d(input, outputSize.Values);

    /// <summary>adaptive_max_pool1d(…, return_indices=True): (values, indices), whatever returnIndices' value.</summary>
    public static (Tensor Values, Tensor Indices) AdaptiveMaxPool1d(Tensor input, Size outputSize, bool returnIndices)
        => AdaptiveMaxPool1dWithIndices(input, outputSize);
    /// <summary>adaptive_max_pool2d(…, return_indices=True): (values, indices), whatever returnIndices' value.</summary>
    public static (Tensor Values, Tensor Indices) AdaptiveMaxPool2d(Tensor input, Size outputSize, bool returnIndices)
        => AdaptiveMaxPool2dWithIndices(input, outputSize);
    /// <summary>adaptive_max_pool3d(…, return_indices=True): (values, indices), whatever returnIndices' value.</summary>
    public static (Tensor Values, Tensor Indices) AdaptiveMaxPool3d(Tensor input, Size outputSize, bool returnIndices)
        => AdaptiveMaxPool3dWithIndices(input, outputSize);
    public static (Tensor Values, Tensor Indices) AdaptiveMaxPool1dWithIndices(Tensor input, Size outputSize)
        => Torch.AdaptiveMaxPoolWithIndices(input, 1, outputSize.Values);
    public static (Tensor Values, Tensor Indices) AdaptiveMaxPool2dWithIndices(Tensor input, Size outputSize)
        => Torch.AdaptiveMaxPoolWithIndices(input, 2, outputSize.Values);
    public static (Tensor Values, Tensor Indices) AdaptiveMaxPool3dWithIndices(Tensor input, Size outputSize)
        => Torch.AdaptiveMaxPoolWithIndices(input, 3, outputSize.Values);

    public static Tensor MaxUnpool1d(Tensor input, Tensor indices, Size kernelSize, Size? stride = null, Size? padding = null,
        long[]? outputSize = null) => Torch.MaxUnpool(input, indices, 1, kernelSize.Values, V(stride), V(padding), outputSize);
    public static Tensor MaxUnpool2d(Tensor input, Tensor indices, Size kernelSize, Size? stride = null, Size? padding = null,
        long[]? outputSize = null) => Torch.MaxUnpool(input, indices, 2, kernelSize.Values, V(stride), V(padding), outputSize);
    public static Tensor MaxUnpool3d(Tensor input, Tensor indices, Size kernelSize, Size? stride = null, Size? padding = null,
        long[]? outputSize = null) => Torch.MaxUnpool(input, indices, 3, kernelSize.Values, V(stride), V(padding), outputSize);

    /// <summary>
    /// Power-average pooling: (Σ x^p over each window)^(1/p), as PyTorch computes it — an average pool of x^p times
    /// the window size, with sign(s)·relu(|s|) before the root (no padding; stride defaults to the kernel).
    /// </summary>
    public static Tensor LpPool1d(Tensor input, double normType, Size kernelSize, Size? stride = null, bool ceilMode = false)
        => LpPool(input, 1, normType, kernelSize, stride, ceilMode);
    public static Tensor LpPool2d(Tensor input, double normType, Size kernelSize, Size? stride = null, bool ceilMode = false)
        => LpPool(input, 2, normType, kernelSize, stride, ceilMode);
    /// <summary>lp_pool3d (PyTorch 2.2+), the same formula over three dims.</summary>
    public static Tensor LpPool3d(Tensor input, double normType, Size kernelSize, Size? stride = null, bool ceilMode = false)
        => LpPool(input, 3, normType, kernelSize, stride, ceilMode);

    private static Tensor LpPool(Tensor input, int dims, double p, Size kernelSize, Size? stride, bool ceilMode)
    {
        var k = Torch.Tuple(kernelSize.Values, dims, 1, "kernel_size");
        var powered = input.Pow(p);
        var s = V(stride);
        var avg = dims switch
        {
            1 => Torch.AvgPool1d(powered, k, s, null, ceilMode),
            2 => Torch.AvgPool2d(powered, k, s, null, ceilMode),
            _ => Torch.AvgPool3d(powered, k, s, null, ceilMode),
        };
        int window = 1;
        foreach (var v in k) window *= v;
        return (avg.Sign() * avg.Abs().Relu() * window).Pow(1.0 / p);
    }

    /// <summary>Splits the channels into groups and interleaves them: (N, g·c, …) → (N, c·g, …).</summary>
    public static Tensor ChannelShuffle(Tensor input, int groups)
    {
        if (groups <= 0) throw new ArgumentException($"Number of groups to divide channels in must be positive. Value of groups:{groups}");
        if (input.Dim < 3) throw new ArgumentException($"channel_shuffle expects input to have at least 3 dimensions, but got input with sizes {ShapeUtil.Format(input._sizes)}");
        long c = input.Size(1);
        if (c % groups != 0) throw new ArgumentException($"Number of channels must be divisible by groups. Got {c} channels and {groups} groups.");
        var shape = input.Shape;
        long[] grouped = [shape[0], groups, c / groups, .. shape[2..]];
        return input.Reshape(grouped).Transpose(1, 2).Reshape(shape);
    }

    /// <summary>F.upsample (deprecated in PyTorch in favour of interpolate, which it calls).</summary>
    public static Tensor Upsample(Tensor input, long[]? size = null, double[]? scaleFactor = null, string mode = "nearest",
        bool? alignCorners = null) => Interpolate(input, size, scaleFactor, mode, alignCorners);
    /// <summary>F.upsample_nearest: interpolate with mode "nearest".</summary>
    public static Tensor UpsampleNearest(Tensor input, long[]? size = null, double[]? scaleFactor = null)
        => Interpolate(input, size, scaleFactor, "nearest");
    /// <summary>F.upsample_bilinear: interpolate with mode "bilinear" and align_corners=True.</summary>
    public static Tensor UpsampleBilinear(Tensor input, long[]? size = null, double[]? scaleFactor = null)
        => Interpolate(input, size, scaleFactor, "bilinear", alignCorners: true);
}
