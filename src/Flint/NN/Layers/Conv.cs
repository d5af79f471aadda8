namespace Flint.NN;

/// <summary>
/// The shared body of Conv{1,2,3}d and ConvTranspose{1,2,3}d: PyTorch's _ConvNd — weight [out, in/groups, *k]
/// (transposed: [in, out/groups, *k]), kaiming_uniform_(a=√5) init, bias uniform(±1/√fan_in), padding modes.
/// </summary>
public abstract class ConvNd : Module<Tensor, Tensor>
{
    public Parameter weight;
    public Parameter? bias;
    public long InChannels { get; }
    public long OutChannels { get; }
    public int[] KernelSize { get; }
    public int[] Stride { get; }
    public int[] Padding { get; }
    /// <summary>"same" or "valid" when padding was given as a string.</summary>
    public string? PaddingString { get; }
    public int[] Dilation { get; }
    public int[] OutputPadding { get; }
    public int Groups { get; }
    public string PaddingMode { get; }
    public bool Transposed { get; }
    private readonly int _dims;

    protected ConvNd(int dims, bool transposed, long inChannels, long outChannels, int[] kernelSize, int[]? stride, int[]? padding,
        string? paddingString, int[]? dilation, int[]? outputPadding, int groups, bool hasBias, string paddingMode, DType? dtype)
    {
        if (groups <= 0) throw new ArgumentException("groups must be a positive integer");
        if (inChannels % groups != 0) throw new ArgumentException("in_channels must be divisible by groups");
        if (outChannels % groups != 0) throw new ArgumentException("out_channels must be divisible by groups");
        if (paddingMode is not ("zeros" or "reflect" or "replicate" or "circular"))
            throw new ArgumentException($"padding_mode must be one of ['zeros', 'reflect', 'replicate', 'circular'], but got padding_mode='{paddingMode}'");
        if (paddingString is not null && paddingString is not ("same" or "valid"))
            throw new ArgumentException($"Invalid padding string '{paddingString}', should be one of ['valid', 'same']");
        _dims = dims;
        Transposed = transposed;
        InChannels = inChannels; OutChannels = outChannels; Groups = groups; PaddingMode = paddingMode;
        KernelSize = Torch.Tuple(kernelSize, dims, 1, "kernel_size");
        Stride = Torch.Tuple(stride, dims, 1, "stride");
        Dilation = Torch.Tuple(dilation, dims, 1, "dilation");
        OutputPadding = Torch.Tuple(outputPadding, dims, 0, "output_padding");
        PaddingString = paddingString;
        Padding = paddingString == "same" ? KernelSize.Select((k, i) => Dilation[i] * (k - 1) / 2).ToArray() : Torch.Tuple(padding, dims, 0, "padding");
        if (paddingString == "same" && Stride.Any(s => s != 1)) throw new ArgumentException("padding='same' is not supported for strided convolutions");
        var dt = dtype ?? Torch.DefaultDType;
        long[] wShape = transposed
            ? [inChannels, outChannels / groups, .. KernelSize.Select(k => (long)k)]
            : [outChannels, inChannels / groups, .. KernelSize.Select(k => (long)k)];
        weight = new Parameter(Torch.Empty(wShape, dt));
        bias = hasBias ? new Parameter(Torch.Empty([outChannels], dt)) : null;
        ResetParameters();
    }

    public void ResetParameters()
    {
        Init.KaimingUniform_(weight, a: Math.Sqrt(5));
        if (bias is not null)
        {
            var (fanIn, _) = Init.CalculateFanInAndFanOut(weight);
            if (fanIn != 0)
            {
                double bound = 1 / Math.Sqrt(fanIn);
                Init.Uniform_(bias, -bound, bound);
            }
        }
    }

    public override Tensor Forward(Tensor input)
    {
        if (Transposed)
            return Torch.Convolution(input, weight, bias, _dims, Stride, Padding, Dilation, true, OutputPadding, Groups);
        if (PaddingString == "same" || PaddingString == "valid")
            return _dims switch
            {
                1 => Torch.Conv1d(input, weight, bias, Stride, PaddingString, Dilation, Groups),
                2 => Torch.Conv2d(input, weight, bias, Stride, PaddingString, Dilation, Groups),
                _ => Torch.Conv3d(input, weight, bias, Stride, PaddingString, Dilation, Groups),
            };
        if (PaddingMode != "zeros")
        {
            var x = input;
            for (int d = 0; d < _dims; d++) x = PadDim(x, x.Dim - _dims + d, Padding[d], PaddingMode);
            return Torch.Convolution(x, weight, bias, _dims, Stride, null, Dilation, false, null, Groups);
        }
        return Torch.Convolution(input, weight, bias, _dims, Stride, Padding, Dilation, false, null, Groups);
    }

    /// <summary>
    /// Pads one dim on both sides by gathering source positions (reflect: mirror without the edge, replicate: clamp,
    /// circular: wrap); index_select's derivative sums the gradient back onto the sources.
    /// </summary>
    private static Tensor PadDim(Tensor x, int dim, int pad, string mode)
    {
        if (pad == 0) return x;
        int n = (int)x.Size(dim);
        if (mode == "reflect" && pad >= n)
            throw new ArgumentException($"Argument #4: Padding size should be less than the corresponding input dimension, but got: padding ({pad}, {pad}) at dimension {dim} of input {ShapeUtil.Format(x._sizes)}");
        var idx = new long[n + 2 * pad];
        for (int i = 0; i < idx.Length; i++)
        {
            int j = i - pad;
            idx[i] = mode switch
            {
                "reflect" => j < 0 ? -j : j >= n ? 2 * (n - 1) - j : j,
                "replicate" => Math.Clamp(j, 0, n - 1),
                _ => ((j % n) + n) % n,
            };
        }
        return x.IndexSelect(dim, Torch.Tensor(idx, [idx.Length]));
    }

    /// <summary>PyTorch's _ConvNd.extra_repr: settings that differ from their defaults.</summary>
    public override string ExtraRepr()
    {
        var s = $"{InChannels}, {OutChannels}, kernel_size={Tup(KernelSize)}, stride={Tup(Stride)}";
        if (PaddingString is not null) s += $", padding={PaddingString}";
        else if (Padding.Any(p => p != 0)) s += $", padding={Tup(Padding)}";
        if (Dilation.Any(d => d != 1)) s += $", dilation={Tup(Dilation)}";
        if (OutputPadding.Any(p => p != 0)) s += $", output_padding={Tup(OutputPadding)}";
        if (Groups != 1) s += $", groups={Groups}";
        if (bias is null) s += ", bias=False";
        if (PaddingMode != "zeros") s += $", padding_mode={PaddingMode}";
        return s;
    }

    /// <summary>A Python tuple: (5, 5) or (5,).</summary>
    internal static string Tup(int[] v) => v.Length == 1 ? $"({v[0]},)" : "(" + string.Join(", ", v) + ")";
}

public sealed class Conv1d : ConvNd
{
    public Conv1d(long inChannels, long outChannels, int kernelSize, int stride = 1, int padding = 0, int dilation = 1,
        int groups = 1, bool bias = true, string paddingMode = "zeros", DType? dtype = null)
        : base(1, false, inChannels, outChannels, [kernelSize], [stride], [padding], null, [dilation], null, groups, bias, paddingMode, dtype) { }

    /// <summary>Per-dim sizes (kernelSize: [3, 5], stride: [1, 2] …).</summary>
    public Conv1d(long inChannels, long outChannels, int[] kernelSize, int[]? stride = null, int[]? padding = null, int[]? dilation = null,
        int groups = 1, bool bias = true, string paddingMode = "zeros", DType? dtype = null)
        : base(1, false, inChannels, outChannels, kernelSize, stride, padding, null, dilation, null, groups, bias, paddingMode, dtype) { }

    /// <summary>padding = "same" or "valid".</summary>
    public Conv1d(long inChannels, long outChannels, int kernelSize, string padding, int stride = 1, int dilation = 1,
        int groups = 1, bool bias = true, string paddingMode = "zeros", DType? dtype = null)
        : base(1, false, inChannels, outChannels, [kernelSize], [stride], null, padding, [dilation], null, groups, bias, paddingMode, dtype) { }
}

public sealed class ConvTranspose1d : ConvNd
{
    public ConvTranspose1d(long inChannels, long outChannels, int kernelSize, int stride = 1, int padding = 0, int outputPadding = 0,
        int groups = 1, bool bias = true, int dilation = 1, DType? dtype = null)
        : base(1, true, inChannels, outChannels, [kernelSize], [stride], [padding], null, [dilation], [outputPadding], groups, bias, "zeros", dtype) { }

    public ConvTranspose1d(long inChannels, long outChannels, int[] kernelSize, int[]? stride = null, int[]? padding = null, int[]? outputPadding = null,
        int groups = 1, bool bias = true, int[]? dilation = null, DType? dtype = null)
        : base(1, true, inChannels, outChannels, kernelSize, stride, padding, null, dilation, outputPadding, groups, bias, "zeros", dtype) { }
}

public sealed class Conv2d : ConvNd
{
    public Conv2d(long inChannels, long outChannels, int kernelSize, int stride = 1, int padding = 0, int dilation = 1,
        int groups = 1, bool bias = true, string paddingMode = "zeros", DType? dtype = null)
        : base(2, false, inChannels, outChannels, [kernelSize], [stride], [padding], null, [dilation], null, groups, bias, paddingMode, dtype) { }

    /// <summary>Per-dim sizes (kernelSize: [3, 5], stride: [1, 2] …).</summary>
    public Conv2d(long inChannels, long outChannels, int[] kernelSize, int[]? stride = null, int[]? padding = null, int[]? dilation = null,
        int groups = 1, bool bias = true, string paddingMode = "zeros", DType? dtype = null)
        : base(2, false, inChannels, outChannels, kernelSize, stride, padding, null, dilation, null, groups, bias, paddingMode, dtype) { }

    /// <summary>padding = "same" or "valid".</summary>
    public Conv2d(long inChannels, long outChannels, int kernelSize, string padding, int stride = 1, int dilation = 1,
        int groups = 1, bool bias = true, string paddingMode = "zeros", DType? dtype = null)
        : base(2, false, inChannels, outChannels, [kernelSize], [stride], null, padding, [dilation], null, groups, bias, paddingMode, dtype) { }
}

public sealed class ConvTranspose2d : ConvNd
{
    public ConvTranspose2d(long inChannels, long outChannels, int kernelSize, int stride = 1, int padding = 0, int outputPadding = 0,
        int groups = 1, bool bias = true, int dilation = 1, DType? dtype = null)
        : base(2, true, inChannels, outChannels, [kernelSize], [stride], [padding], null, [dilation], [outputPadding], groups, bias, "zeros", dtype) { }

    public ConvTranspose2d(long inChannels, long outChannels, int[] kernelSize, int[]? stride = null, int[]? padding = null, int[]? outputPadding = null,
        int groups = 1, bool bias = true, int[]? dilation = null, DType? dtype = null)
        : base(2, true, inChannels, outChannels, kernelSize, stride, padding, null, dilation, outputPadding, groups, bias, "zeros", dtype) { }
}

public sealed class Conv3d : ConvNd
{
    public Conv3d(long inChannels, long outChannels, int kernelSize, int stride = 1, int padding = 0, int dilation = 1,
        int groups = 1, bool bias = true, string paddingMode = "zeros", DType? dtype = null)
        : base(3, false, inChannels, outChannels, [kernelSize], [stride], [padding], null, [dilation], null, groups, bias, paddingMode, dtype) { }

    /// <summary>Per-dim sizes (kernelSize: [3, 5], stride: [1, 2] …).</summary>
    public Conv3d(long inChannels, long outChannels, int[] kernelSize, int[]? stride = null, int[]? padding = null, int[]? dilation = null,
        int groups = 1, bool bias = true, string paddingMode = "zeros", DType? dtype = null)
        : base(3, false, inChannels, outChannels, kernelSize, stride, padding, null, dilation, null, groups, bias, paddingMode, dtype) { }

    /// <summary>padding = "same" or "valid".</summary>
    public Conv3d(long inChannels, long outChannels, int kernelSize, string padding, int stride = 1, int dilation = 1,
        int groups = 1, bool bias = true, string paddingMode = "zeros", DType? dtype = null)
        : base(3, false, inChannels, outChannels, [kernelSize], [stride], null, padding, [dilation], null, groups, bias, paddingMode, dtype) { }
}

public sealed class ConvTranspose3d : ConvNd
{
    public ConvTranspose3d(long inChannels, long outChannels, int kernelSize, int stride = 1, int padding = 0, int outputPadding = 0,
        int groups = 1, bool bias = true, int dilation = 1, DType? dtype = null)
        : base(3, true, inChannels, outChannels, [kernelSize], [stride], [padding], null, [dilation], [outputPadding], groups, bias, "zeros", dtype) { }

    public ConvTranspose3d(long inChannels, long outChannels, int[] kernelSize, int[]? stride = null, int[]? padding = null, int[]? outputPadding = null,
        int groups = 1, bool bias = true, int[]? dilation = null, DType? dtype = null)
        : base(3, true, inChannels, outChannels, kernelSize, stride, padding, null, dilation, outputPadding, groups, bias, "zeros", dtype) { }
}

