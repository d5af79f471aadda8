namespace Flint.NN;

public sealed class PixelShuffle(int upscaleFactor) : Module<Tensor, Tensor>
{
    public int UpscaleFactor { get; } = upscaleFactor;
    public override Tensor Forward(Tensor input) => Functional.PixelShuffle(input, UpscaleFactor);
    public override string ExtraRepr() => $"upscale_factor={UpscaleFactor}";
}

public sealed class PixelUnshuffle(int downscaleFactor) : Module<Tensor, Tensor>
{
    public int DownscaleFactor { get; } = downscaleFactor;
    public override Tensor Forward(Tensor input) => Functional.PixelUnshuffle(input, DownscaleFactor);
    public override string ExtraRepr() => $"downscale_factor={DownscaleFactor}";
}

/// <summary>A scale factor given as one number or one per spatial dim; printed as Python floats (2.0, (2.0, 1.5)).</summary>
public readonly record struct ScaleFactor(double[] Values, bool IsScalar)
{
    public static implicit operator ScaleFactor(double v) => new([v], true);
    public static implicit operator ScaleFactor(double[] v) => new(v, false);
    public static implicit operator ScaleFactor((double, double) v) => new([v.Item1, v.Item2], false);
    public override string ToString() => IsScalar ? PyFormat.Float(Values[0])
        : "(" + string.Join(", ", Values.Select(PyFormat.Float)) + (Values.Length == 1 ? ",)" : ")");
}

/// <summary>nn.Upsample: F.interpolate with fixed settings.</summary>
public class Upsample(Size? size = null, ScaleFactor? scaleFactor = null, string mode = "nearest", bool? alignCorners = null, bool? recomputeScaleFactor = null)
    : Module<Tensor, Tensor>
{
    public Size? OutputSize { get; } = size;
    public ScaleFactor? Scale { get; } = scaleFactor;
    public string Mode { get; } = mode;
    public bool? AlignCorners { get; } = alignCorners;
    public bool? RecomputeScaleFactor { get; } = recomputeScaleFactor;

    public override Tensor Forward(Tensor input)
    {
        long[]? s = null;
        if (OutputSize is Size sz) { s = new long[sz.Values.Length]; for (int i = 0; i < s.Length; i++) s[i] = sz.Values[i]; }
        return Functional.Interpolate(input, s, Scale?.Values, Mode, AlignCorners, RecomputeScaleFactor);
    }

    public override string ExtraRepr()
        => (Scale is ScaleFactor f ? "scale_factor=" + f : "size=" + OutputSize) + ", mode=" + Mode;
}

/// <summary>nn.UpsamplingNearest2d: Upsample with mode nearest.</summary>
public sealed class UpsamplingNearest2d(Size? size = null, ScaleFactor? scaleFactor = null) : Upsample(size, scaleFactor, "nearest");

/// <summary>nn.UpsamplingBilinear2d: Upsample with mode bilinear and align_corners=True.</summary>
public sealed class UpsamplingBilinear2d(Size? size = null, ScaleFactor? scaleFactor = null) : Upsample(size, scaleFactor, "bilinear", true);

/// <summary>nn.Unfold: extracts sliding local blocks (F.unfold). Sizes print as given.</summary>
public sealed class Unfold(Size kernelSize, Size? dilation = null, Size? padding = null, Size? stride = null) : Module<Tensor, Tensor>
{
    public Size KernelSize { get; } = kernelSize;
    public Size Dilation { get; } = dilation ?? 1;
    public Size Padding { get; } = padding ?? 0;
    public Size Stride { get; } = stride ?? 1;
    public override Tensor Forward(Tensor input) => Functional.Unfold(input, KernelSize, Dilation, Padding, Stride);
    public override string ExtraRepr() => $"kernel_size={KernelSize}, dilation={Dilation}, padding={Padding}, stride={Stride}";
}

/// <summary>nn.Fold: combines sliding local blocks into a tensor (F.fold).</summary>
public sealed class Fold(Size outputSize, Size kernelSize, Size? dilation = null, Size? padding = null, Size? stride = null) : Module<Tensor, Tensor>
{
    public Size OutputSize { get; } = outputSize;
    public Size KernelSize { get; } = kernelSize;
    public Size Dilation { get; } = dilation ?? 1;
    public Size Padding { get; } = padding ?? 0;
    public Size Stride { get; } = stride ?? 1;
    public override Tensor Forward(Tensor input) => Functional.Fold(input, OutputSize, KernelSize, Dilation, Padding, Stride);
    public override string ExtraRepr() => $"output_size={OutputSize}, kernel_size={KernelSize}, dilation={Dilation}, padding={Padding}, stride={Stride}";
}
