namespace Flint.NN;

/// <summary>An int-or-tuple module argument, printed the way the user gave it (2 or (2, 3)), as PyTorch's repr does.</summary>
public readonly record struct Size(int[] Values, bool IsScalar)
{
    public static implicit operator Size(int v) => new([v], true);
    public static implicit operator Size(int[] v) => new(v, false);
    public static implicit operator Size((int, int) v) => new([v.Item1, v.Item2], false);
    public static implicit operator Size((int, int, int) v) => new([v.Item1, v.Item2, v.Item3], false);
    public override string ToString() => IsScalar ? Values[0].ToString() : ConvNd.Tup(Values);
    internal Size AsTuple(int dims) => new(Torch.Tuple(Values, dims, 0, "size"), false);
}

/// <summary>MaxPool{1,2,3}d: stride defaults to the kernel size; ForwardWithIndices gives return_indices=True.</summary>
public abstract class MaxPoolNd(int dims, Size kernelSize, Size? stride, Size padding, Size dilation, bool returnIndices, bool ceilMode)
    : Module<Tensor, Tensor>
{
    public Size KernelSize { get; } = kernelSize;
    public Size Stride { get; } = stride ?? kernelSize;
    public Size Padding { get; } = padding;
    public Size Dilation { get; } = dilation;
    public bool ReturnIndices { get; } = returnIndices;
    public bool CeilMode { get; } = ceilMode;

    public override Tensor Forward(Tensor input) => ForwardWithIndices(input).Values;

    public (Tensor Values, Tensor Indices) ForwardWithIndices(Tensor input)
        => Torch.MaxPoolWithIndices(input, dims, KernelSize.Values, Stride.Values, Padding.Values, Dilation.Values, CeilMode);

    public override string ExtraRepr() => $"kernel_size={KernelSize}, stride={Stride}, padding={Padding}, dilation={Dilation}, ceil_mode={Py(CeilMode)}";
}

public sealed class MaxPool1d(Size kernelSize, Size? stride = null, int padding = 0, int dilation = 1, bool returnIndices = false, bool ceilMode = false)
    : MaxPoolNd(1, kernelSize, stride, padding, dilation, returnIndices, ceilMode);
public sealed class MaxPool2d(Size kernelSize, Size? stride = null, Size? padding = null, Size? dilation = null, bool returnIndices = false, bool ceilMode = false)
    : MaxPoolNd(2, kernelSize, stride, padding ?? 0, dilation ?? 1, returnIndices, ceilMode);
public sealed class MaxPool3d(Size kernelSize, Size? stride = null, Size? padding = null, Size? dilation = null, bool returnIndices = false, bool ceilMode = false)
    : MaxPoolNd(3, kernelSize, stride, padding ?? 0, dilation ?? 1, returnIndices, ceilMode);

/// <summary>AvgPool1d prints its sizes as 1-tuples (PyTorch applies _single); 2d/3d print them as given.</summary>
public sealed class AvgPool1d(Size kernelSize, Size? stride = null, int padding = 0, bool ceilMode = false, bool countIncludePad = true)
    : Module<Tensor, Tensor>
{
    public Size KernelSize { get; } = kernelSize.AsTuple(1);
    public Size Stride { get; } = (stride ?? kernelSize).AsTuple(1);
    public Size Padding { get; } = ((Size)padding).AsTuple(1);
    public bool CeilMode { get; } = ceilMode;
    public bool CountIncludePad { get; } = countIncludePad;
    public override Tensor Forward(Tensor input) => Torch.AvgPool1d(input, KernelSize.Values, Stride.Values, Padding.Values, CeilMode, CountIncludePad);
    public override string ExtraRepr() => $"kernel_size={KernelSize}, stride={Stride}, padding={Padding}";
}

public abstract class AvgPoolNd(int dims, Size kernelSize, Size? stride, Size padding, bool ceilMode, bool countIncludePad, int? divisorOverride)
    : Module<Tensor, Tensor>
{
    public Size KernelSize { get; } = kernelSize;
    public Size Stride { get; } = stride ?? kernelSize;
    public Size Padding { get; } = padding;
    public bool CeilMode { get; } = ceilMode;
    public bool CountIncludePad { get; } = countIncludePad;
    public int? DivisorOverride { get; } = divisorOverride;
    public override Tensor Forward(Tensor input) => dims == 2
        ? Torch.AvgPool2d(input, KernelSize.Values, Stride.Values, Padding.Values, CeilMode, CountIncludePad, DivisorOverride)
        : Torch.AvgPool3d(input, KernelSize.Values, Stride.Values, Padding.Values, CeilMode, CountIncludePad, DivisorOverride);
    public override string ExtraRepr() => $"kernel_size={KernelSize}, stride={Stride}, padding={Padding}";
}

public sealed class AvgPool2d(Size kernelSize, Size? stride = null, Size? padding = null, bool ceilMode = false, bool countIncludePad = true, int? divisorOverride = null)
    : AvgPoolNd(2, kernelSize, stride, padding ?? 0, ceilMode, countIncludePad, divisorOverride);
public sealed class AvgPool3d(Size kernelSize, Size? stride = null, Size? padding = null, bool ceilMode = false, bool countIncludePad = true, int? divisorOverride = null)
    : AvgPoolNd(3, kernelSize, stride, padding ?? 0, ceilMode, countIncludePad, divisorOverride);

public abstract class AdaptivePoolNd(int dims, Size outputSize, bool max) : Module<Tensor, Tensor>
{
    public Size OutputSize { get; } = outputSize;
    public override Tensor Forward(Tensor input) => max
        ? Torch.AdaptiveMaxPoolWithIndices(input, dims, OutputSize.Values).Values
        : dims switch
        {
            1 => Torch.AdaptiveAvgPool1d(input, OutputSize.Values),
            2 => Torch.AdaptiveAvgPool2d(input, OutputSize.Values),
            _ => Torch.AdaptiveAvgPool3d(input, OutputSize.Values),
        };
    public (Tensor Values, Tensor Indices) ForwardWithIndices(Tensor input) => Torch.AdaptiveMaxPoolWithIndices(input, dims, OutputSize.Values);
    public override string ExtraRepr() => $"output_size={OutputSize}";
}

public sealed class AdaptiveAvgPool1d(Size outputSize) : AdaptivePoolNd(1, outputSize, false);
public sealed class AdaptiveAvgPool2d(Size outputSize) : AdaptivePoolNd(2, outputSize, false);
public sealed class AdaptiveAvgPool3d(Size outputSize) : AdaptivePoolNd(3, outputSize, false);
public sealed class AdaptiveMaxPool1d(Size outputSize, bool returnIndices = false) : AdaptivePoolNd(1, outputSize, true) { public bool ReturnIndices { get; } = returnIndices; }
public sealed class AdaptiveMaxPool2d(Size outputSize, bool returnIndices = false) : AdaptivePoolNd(2, outputSize, true) { public bool ReturnIndices { get; } = returnIndices; }
public sealed class AdaptiveMaxPool3d(Size outputSize, bool returnIndices = false) : AdaptivePoolNd(3, outputSize, true) { public bool ReturnIndices { get; } = returnIndices; }

/// <summary>MaxUnpool{1,2}d: the inverse of max pooling, given its indices. Sizes print as tuples (PyTorch applies _pair).</summary>
public sealed class MaxUnpool2d(Size kernelSize, Size? stride = null, Size? padding = null) : Module<Tensor, Tensor, Tensor>
{
    public Size KernelSize { get; } = kernelSize.AsTuple(2);
    public Size Stride { get; } = (stride ?? kernelSize).AsTuple(2);
    public Size Padding { get; } = (padding ?? 0).AsTuple(2);
    public override Tensor Forward(Tensor input, Tensor indices) => Forward(input, indices, null);
    public Tensor Forward(Tensor input, Tensor indices, long[]? outputSize)
        => Torch.MaxUnpool2d(input, indices, KernelSize.Values, Stride.Values, Padding.Values, outputSize);
    public override string ExtraRepr() => $"kernel_size={KernelSize}, stride={Stride}, padding={Padding}";
}

public sealed class MaxUnpool1d(Size kernelSize, Size? stride = null, Size? padding = null) : Module<Tensor, Tensor, Tensor>
{
    public Size KernelSize { get; } = kernelSize.AsTuple(1);
    public Size Stride { get; } = (stride ?? kernelSize).AsTuple(1);
    public Size Padding { get; } = (padding ?? 0).AsTuple(1);
    public override Tensor Forward(Tensor input, Tensor indices)
        => Torch.MaxUnpool1d(input, indices, KernelSize.Values, Stride.Values, Padding.Values);
    public override string ExtraRepr() => $"kernel_size={KernelSize}, stride={Stride}, padding={Padding}";
}

internal static class LpRepr
{
    /// <summary>PyTorch prints norm_type as the user wrote it; an integral value is taken to have been an int.</summary>
    public static string NormRepr(double p) => p % 1 == 0 ? ((long)p).ToString() : PyFormat.Float(p);
}

/// <summary>LPPool{1,2}d: power-average pooling (see <see cref="Functional.LpPool2d"/>).</summary>
public abstract class LPPoolNd(int dims, double normType, Size kernelSize, Size? stride, bool ceilMode) : Module<Tensor, Tensor>
{
    public double NormType { get; } = normType;
    public Size KernelSize { get; } = kernelSize;
    public Size? Stride { get; } = stride;
    public bool CeilMode { get; } = ceilMode;
    public override Tensor Forward(Tensor input) => dims == 1
        ? Functional.LpPool1d(input, NormType, KernelSize, Stride, CeilMode)
        : Functional.LpPool2d(input, NormType, KernelSize, Stride, CeilMode);
    public override string ExtraRepr()
        => $"norm_type={LpRepr.NormRepr(NormType)}, kernel_size={KernelSize}, stride={(Stride is { } s ? s.ToString() : "None")}, ceil_mode={Py(CeilMode)}";
}

public sealed class LPPool1d(double normType, Size kernelSize, Size? stride = null, bool ceilMode = false)
    : LPPoolNd(1, normType, kernelSize, stride, ceilMode);
public sealed class LPPool2d(double normType, Size kernelSize, Size? stride = null, bool ceilMode = false)
    : LPPoolNd(2, normType, kernelSize, stride, ceilMode);

/// <summary>nn.ChannelShuffle: see <see cref="Functional.ChannelShuffle"/>.</summary>
public sealed class ChannelShuffle(int groups) : Module<Tensor, Tensor>
{
    public int Groups { get; } = groups;
    public override Tensor Forward(Tensor input) => Functional.ChannelShuffle(input, Groups);
    public override string ExtraRepr() => $"groups={Groups}";
}
