namespace Flint;

// Convolutions (torch.conv1d/2d/3d, conv_transpose1d/2d/3d). Scalars given as one-element arrays repeat over dims.
public static partial class Torch
{
    public static Tensor Conv1d(Tensor input, Tensor weight, Tensor? bias = null, int[]? stride = null, int[]? padding = null, int[]? dilation = null, int groups = 1)
        => Convolution(input, weight, bias, 1, stride, padding, dilation, false, null, groups);
    public static Tensor Conv2d(Tensor input, Tensor weight, Tensor? bias = null, int[]? stride = null, int[]? padding = null, int[]? dilation = null, int groups = 1)
        => Convolution(input, weight, bias, 2, stride, padding, dilation, false, null, groups);
    public static Tensor Conv3d(Tensor input, Tensor weight, Tensor? bias = null, int[]? stride = null, int[]? padding = null, int[]? dilation = null, int groups = 1)
        => Convolution(input, weight, bias, 3, stride, padding, dilation, false, null, groups);

    /// <summary>conv with padding="same" or "valid".</summary>
    public static Tensor Conv1d(Tensor input, Tensor weight, Tensor? bias, int[]? stride, string padding, int[]? dilation = null, int groups = 1)
        => ConvolutionStringPadding(input, weight, bias, 1, stride, padding, dilation, groups);
    public static Tensor Conv2d(Tensor input, Tensor weight, Tensor? bias, int[]? stride, string padding, int[]? dilation = null, int groups = 1)
        => ConvolutionStringPadding(input, weight, bias, 2, stride, padding, dilation, groups);
    public static Tensor Conv3d(Tensor input, Tensor weight, Tensor? bias, int[]? stride, string padding, int[]? dilation = null, int groups = 1)
        => ConvolutionStringPadding(input, weight, bias, 3, stride, padding, dilation, groups);

    /// <summary>conv1d with padding "same" or "valid" and no bias: Conv1d(x, w, padding: "same").</summary>
    public static Tensor Conv1d(Tensor input, Tensor weight, string padding, int[]? stride = null, int[]? dilation = null, int groups = 1)
        => ConvolutionStringPadding(input, weight, null, 1, stride, padding, dilation, groups);
    /// <summary>conv1d with a bias and padding "same" or "valid": Conv1d(x, w, b, padding: "same").</summary>
    public static Tensor Conv1d(Tensor input, Tensor weight, Tensor? bias, string padding, int[]? stride = null, int[]? dilation = null, int groups = 1)
        => ConvolutionStringPadding(input, weight, bias, 1, stride, padding, dilation, groups);
    /// <summary>conv2d with padding "same" or "valid" and no bias: Conv2d(x, w, padding: "same").</summary>
    public static Tensor Conv2d(Tensor input, Tensor weight, string padding, int[]? stride = null, int[]? dilation = null, int groups = 1)
        => ConvolutionStringPadding(input, weight, null, 2, stride, padding, dilation, groups);
    /// <summary>conv2d with a bias and padding "same" or "valid": Conv2d(x, w, b, padding: "same").</summary>
    public static Tensor Conv2d(Tensor input, Tensor weight, Tensor? bias, string padding, int[]? stride = null, int[]? dilation = null, int groups = 1)
        => ConvolutionStringPadding(input, weight, bias, 2, stride, padding, dilation, groups);
    /// <summary>conv3d with padding "same" or "valid" and no bias: Conv3d(x, w, padding: "same").</summary>
    public static Tensor Conv3d(Tensor input, Tensor weight, string padding, int[]? stride = null, int[]? dilation = null, int groups = 1)
        => ConvolutionStringPadding(input, weight, null, 3, stride, padding, dilation, groups);
    /// <summary>conv3d with a bias and padding "same" or "valid": Conv3d(x, w, b, padding: "same").</summary>
    public static Tensor Conv3d(Tensor input, Tensor weight, Tensor? bias, string padding, int[]? stride = null, int[]? dilation = null, int groups = 1)
        => ConvolutionStringPadding(input, weight, bias, 3, stride, padding, dilation, groups);

    public static Tensor ConvTranspose1d(Tensor input, Tensor weight, Tensor? bias = null, int[]? stride = null, int[]? padding = null, int[]? outputPadding = null, int groups = 1, int[]? dilation = null)
        => Convolution(input, weight, bias, 1, stride, padding, dilation, true, outputPadding, groups);
    public static Tensor ConvTranspose2d(Tensor input, Tensor weight, Tensor? bias = null, int[]? stride = null, int[]? padding = null, int[]? outputPadding = null, int groups = 1, int[]? dilation = null)
        => Convolution(input, weight, bias, 2, stride, padding, dilation, true, outputPadding, groups);
    public static Tensor ConvTranspose3d(Tensor input, Tensor weight, Tensor? bias = null, int[]? stride = null, int[]? padding = null, int[]? outputPadding = null, int groups = 1, int[]? dilation = null)
        => Convolution(input, weight, bias, 3, stride, padding, dilation, true, outputPadding, groups);

    /// <summary>Expands an int-or-tuple argument to one value per spatial dim (PyTorch's _single/_pair/_triple).</summary>
    internal static int[] Tuple(int[]? v, int dims, int defaultValue, string name)
    {
        if (v is null || v.Length == 0) { var r = new int[dims]; Array.Fill(r, defaultValue); return r; }
        if (v.Length == 1 && dims > 1) { var r = new int[dims]; Array.Fill(r, v[0]); return r; }
        if (v.Length != dims) throw new ArgumentException($"expected {name} to be a single integer value or a list of {dims} values to match the convolution dimensions, but got {name}={ShapeUtil.Format(v)}");
        return v;
    }

    /// <summary>aten::convolution for 1-3 spatial dims, accepting unbatched input like PyTorch.</summary>
    public static Tensor Convolution(Tensor input, Tensor weight, Tensor? bias, int spatialDims, int[]? stride, int[]? padding, int[]? dilation,
        bool transposed, int[]? outputPadding, int groups)
    {
        var s = Tuple(stride, spatialDims, 1, "stride");
        var p = Tuple(padding, spatialDims, 0, "padding");
        var d = Tuple(dilation, spatialDims, 1, "dilation");
        var op = Tuple(outputPadding, spatialDims, 0, "output_padding");
        foreach (var v in s) if (v <= 0) throw new ArgumentException("non-positive stride is not supported");
        foreach (var v in p) if (v < 0) throw new ArgumentException("negative padding is not supported");
        if (groups <= 0) throw new ArgumentException("non-positive groups is not supported");
        bool unbatched = input.Dim == spatialDims + 1;
        var x = unbatched ? input.View([1, .. input.Shape]) : input;
        var conv = new ConvolutionOp(s, p, d, transposed, op, groups);
        var y = Ops.Dispatcher.Call1(conv, bias is null ? [x, weight] : [x, weight, bias]);
        return unbatched ? y.View(y.Shape[1..]) : y;
    }

    private static Tensor ConvolutionStringPadding(Tensor input, Tensor weight, Tensor? bias, int sd, int[]? stride, string padding, int[]? dilation, int groups)
    {
        var s = Tuple(stride, sd, 1, "stride");
        var d = Tuple(dilation, sd, 1, "dilation");
        if (padding == "valid") return Convolution(input, weight, bias, sd, s, null, d, false, null, groups);
        if (padding != "same") throw new ArgumentException($"Invalid padding string '{padding}', should be one of ['valid', 'same']");
        foreach (var v in s) if (v != 1) throw new ArgumentException("padding='same' is not supported for strided convolutions");
        // total padding d·(k−1) per dim; PyTorch pads the extra odd element on the right
        var sym = new int[sd];
        var extra = new long[2 * sd];
        bool asym = false;
        for (int i = 0; i < sd; i++)
        {
            int total = d[i] * ((int)weight.Size(i + 2) - 1);
            sym[i] = total / 2;
            int rest = total - 2 * sym[i];
            if (rest != 0) { asym = true; extra[2 * (sd - 1 - i) + 1] = rest; }
        }
        var x = input;
        if (asym) x = ConstantPadRight(x, extra);
        return Convolution(x, weight, bias, sd, s, sym, d, false, null, groups);
    }

    /// <summary>Zero-pads the end of the trailing dims (pad in F.pad order: last dim first, (left, right) pairs).</summary>
    private static Tensor ConstantPadRight(Tensor x, long[] pad)
    {
        var shape = x.Shape;
        for (int i = 0; i < pad.Length / 2; i++) shape[x.Dim - 1 - i] += pad[2 * i + 1];
        var big = Zeros(shape, x.DType);
        // Writing x into the leading corner records CopySlices, so the gradient flows back to x.
        big.AsStridedRaw(x._sizes, big._strides, big._offset).Copy_(x);
        return big;
    }
}
