namespace Flint.Kernels.Cpu;

/// <summary>
/// The geometry of a 1-, 2- or 3-D convolution or pooling window, held as 3-D (missing leading spatial dims have
/// size 1), so one im2col / col2im / pooling loop nest serves every dimensionality.
/// </summary>
public readonly struct ConvGeometry
{
    public readonly int Channels;               // input channels per group (conv) or channels (pooling)
    public readonly int ID, IH, IW;             // input spatial sizes
    public readonly int KD, KH, KW;             // kernel
    public readonly int SD, SH, SW;             // stride
    public readonly int PD, PH, PW;             // padding (both sides)
    public readonly int DD, DH, DW;             // dilation
    public readonly int OD, OH, OW;             // output spatial sizes

    public ConvGeometry(int channels, ReadOnlySpan<int> input, ReadOnlySpan<int> output, ReadOnlySpan<int> kernel,
        ReadOnlySpan<int> stride, ReadOnlySpan<int> padding, ReadOnlySpan<int> dilation)
    {
        int n = input.Length, o = 3 - n;
        Span<int> i3 = stackalloc int[3], out3 = stackalloc int[3], k3 = stackalloc int[3], s3 = stackalloc int[3], p3 = stackalloc int[3], d3 = stackalloc int[3];
        i3.Fill(1); out3.Fill(1); k3.Fill(1); s3.Fill(1); p3.Clear(); d3.Fill(1);
        for (int d = 0; d < n; d++)
        {
            i3[o + d] = input[d]; out3[o + d] = output[d]; k3[o + d] = kernel[d];
            s3[o + d] = stride[d]; p3[o + d] = padding[d]; d3[o + d] = dilation[d];
        }
        Channels = channels;
        (ID, IH, IW) = (i3[0], i3[1], i3[2]);
        (OD, OH, OW) = (out3[0], out3[1], out3[2]);
        (KD, KH, KW) = (k3[0], k3[1], k3[2]);
        (SD, SH, SW) = (s3[0], s3[1], s3[2]);
        (PD, PH, PW) = (p3[0], p3[1], p3[2]);
        (DD, DH, DW) = (d3[0], d3[1], d3[2]);
    }

    public int InputPlane => ID * IH * IW;
    public int OutputPlane => OD * OH * OW;
    public int KernelVolume => KD * KH * KW;
    /// <summary>Rows of the column matrix: channels × kernel volume.</summary>
    public int ColRows => Channels * KernelVolume;

    /// <summary>A 1×1(×1) kernel with unit stride and no padding: the column matrix is the input itself.</summary>
    public bool IsPointwise => KernelVolume == 1 && SD == 1 && SH == 1 && SW == 1 && PD == 0 && PH == 0 && PW == 0;

    /// <summary>
    /// Output size of one dim: floor((in + 2p − d(k−1) − 1 (+ s−1 with ceil_mode)) / s) + 1; with ceil_mode the last
    /// window must start inside the input or its left padding (PyTorch's pooling_output_shape).
    /// </summary>
    public static int OutputSize(int input, int kernel, int stride, int padding, int dilation, bool ceilMode = false)
    {
        long numer = (long)input + 2L * padding - (long)dilation * (kernel - 1) - 1 + (ceilMode ? stride - 1 : 0);
        long size = (long)Math.Floor((double)numer / stride) + 1;
        if (ceilMode && (size - 1) * stride >= (long)input + padding) size--;
        return (int)size;
    }
}
