using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Flint.Kernels.Cpu;

/// <summary>
/// Direct convolution for few input channels (stride 1, no dilation, one group, float32, AVX2/FMA): LeNet-sized
/// layers where im2col would write a column matrix larger than the work it feeds.
///
/// Each sample is copied into a zero-padded buffer of Hp×Wp planes. With stride 1, output (oy, ox) computed over the
/// padded width reads input element j + ky·Wp + kx of each plane, where j = oy·Wp + ox: so 16 consecutive j are 16
/// consecutive inputs for every kernel tap, even across rows. The kernel computes all Wp columns of each output row
/// (those past OW are discarded) as a 6×16 register tile: 6 output channels × 16 positions, one FMA per weight and
/// input vector, like a GEMM micro-kernel whose B operand is read straight from the image.
/// </summary>
internal static unsafe class DirectConv2d
{
    private const int MR = 6, NR = 16;

    /// <summary>
    /// Whether this convolution takes the direct path: a padded sample small enough to stay in L2 and a 6-row block
    /// of weights in L1. Larger layers go to im2col + GEMM, whose packing pays off there.
    /// </summary>
    public static bool Applies(int groups, in ConvGeometry g)
        => Fma.IsSupported && Avx2.IsSupported && groups == 1 && g.ID == 1 && g.KD == 1
           && g.SH == 1 && g.SW == 1 && g.DH == 1 && g.DW == 1 && g.ColRows <= 1024
           && (long)g.Channels * (g.IH + 2 * g.PH) * (g.IW + 2 * g.PW) <= 1 << 16;

    /// <summary>
    /// Transposed convolution with stride 1 as a direct convolution: conv_transpose(x, w, P) = conv(x, w′, K−1−P) with
    /// w′[o, i] = w[i, o] flipped in both spatial dims. g is the transposed op's geometry (see ConvKernels).
    /// </summary>
    public static bool TryTransposed(float* x, float* w, float* bias, float* y, int n, int groups, int cinG, in ConvGeometry g)
    {
        if (g.PH > g.KH - 1 || g.PW > g.KW - 1) return false;
        int coutG = g.Channels;
        var direct = new ConvGeometry(cinG, [g.OH, g.OW], [g.IH, g.IW], [g.KH, g.KW], [1, 1], [g.KH - 1 - g.PH, g.KW - 1 - g.PW], [1, 1]);
        if (groups != 1 || g.ID != 1 || g.SH != 1 || g.SW != 1 || g.DH != 1 || g.DW != 1 || !Applies(1, direct)) return false;
        int taps = g.KH * g.KW;
        var flipped = GC.AllocateUninitializedArray<float>(coutG * cinG * taps, pinned: true);
        for (int i = 0; i < cinG; i++)
            for (int o = 0; o < coutG; o++)
                for (int t = 0; t < taps; t++)
                    flipped[((nint)o * cinG + i) * taps + t] = w[((nint)i * coutG + o) * taps + taps - 1 - t];
        fixed (float* pw = flipped) Forward(x, pw, bias, y, n, coutG, direct);
        return true;
    }

    public static void Forward(float* x, float* w, float* bias, float* y, int n, int cout, ConvGeometry g)
    {
        int k = g.ColRows, hp = g.IH + 2 * g.PH, wp = g.IW + 2 * g.PW, plane = hp * wp;
        int coutPad = (cout + MR - 1) / MR * MR;
        // Weights padded with zero rows to whole 6-row blocks; tap offsets into the padded sample.
        var wPad = GC.AllocateUninitializedArray<float>(coutPad * k, pinned: true);
        new ReadOnlySpan<float>(w, cout * k).CopyTo(wPad);
        wPad.AsSpan(cout * k).Clear();
        var offsets = GC.AllocateUninitializedArray<int>(k, pinned: true);
        for (int c = 0, t = 0; c < g.Channels; c++)
            for (int ky = 0; ky < g.KH; ky++)
                for (int kx = 0; kx < g.KW; kx++) offsets[t++] = c * plane + ky * wp + kx;
        nint px = (nint)x, py = (nint)y, pb = (nint)bias;
        var geometry = g;
        fixed (float* pw = wPad) fixed (int* po = offsets)
        {
            nint wpp = (nint)pw, opp = (nint)po;
            int parts = Math.Min(n, CpuParallel.MaxThreads);
            CpuParallel.ForParts(parts, part =>
            {
                int s0 = (int)((long)n * part / parts), s1 = (int)((long)n * (part + 1) / parts);
                for (int s = s0; s < s1; s++)
                    Sample((float*)px + (nint)s * geometry.Channels * geometry.InputPlane, (float*)wpp, (int*)opp, (float*)pb,
                        (float*)py + (nint)s * cout * geometry.OutputPlane, cout, coutPad, geometry);
            });
        }
        GC.KeepAlive(wPad); GC.KeepAlive(offsets);
    }

    private static void Sample(float* x, float* w, int* offsets, float* bias, float* y, int cout, int coutPad, in ConvGeometry g)
    {
        int k = g.ColRows, hp = g.IH + 2 * g.PH, wp = g.IW + 2 * g.PW, plane = hp * wp;
        int full = g.OH * wp, blocks = (full + NR - 1) / NR, fullPad = blocks * NR;
        // The last block reads up to NR - 1 + KW - 1 elements past the planes: zeroed slack.
        int padLen = g.Channels * plane + NR + g.KW;
        float* xp = Scratch<float>.Get(2, padLen);
        new Span<float>(xp, padLen).Clear();
        for (int c = 0; c < g.Channels; c++)
            for (int iy = 0; iy < g.IH; iy++)
                new ReadOnlySpan<float>(x + ((nint)c * g.IH + iy) * g.IW, g.IW)
                    .CopyTo(new Span<float>(xp + (nint)c * plane + (iy + g.PH) * wp + g.PW, g.IW));
        float* yf = Scratch<float>.Get(3, coutPad * fullPad);
        for (int cb = 0; cb < coutPad; cb += MR)
            for (int j = 0; j < fullPad; j += NR)
                Tile(xp + j, w + (nint)cb * k, k, offsets, yf + (nint)cb * fullPad + j, fullPad);
        // Keep the OW valid columns of each row, adding the bias.
        for (int c = 0; c < cout; c++)
        {
            float b = bias == null ? 0f : bias[c];
            for (int oy = 0; oy < g.OH; oy++)
            {
                float* src = yf + (nint)c * fullPad + oy * wp;
                float* dst = y + ((nint)c * g.OH + oy) * g.OW;
                int ox = 0;
                var vb = Vector256.Create(b);
                for (; ox <= g.OW - 8; ox += 8) (Vector256.Load(src + ox) + vb).Store(dst + ox);
                for (; ox < g.OW; ox++) dst[ox] = src[ox] + b;
            }
        }
    }

    /// <summary>y[r, 0..16) = Σ_t w[r, t] · x[offsets[t] .. +16) for the 6 rows r of one block.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Tile(float* x, float* w, int k, int* offsets, float* y, int ldy)
    {
        Vector256<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default,
            c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
        float* w0 = w, w1 = w + k, w2 = w1 + k, w3 = w2 + k, w4 = w3 + k, w5 = w4 + k;
        for (int t = 0; t < k; t++)
        {
            float* p = x + offsets[t];
            var b0 = Avx.LoadVector256(p);
            var b1 = Avx.LoadVector256(p + 8);
            var a = Vector256.Create(w0[t]); c00 = Fma.MultiplyAdd(a, b0, c00); c01 = Fma.MultiplyAdd(a, b1, c01);
            a = Vector256.Create(w1[t]); c10 = Fma.MultiplyAdd(a, b0, c10); c11 = Fma.MultiplyAdd(a, b1, c11);
            a = Vector256.Create(w2[t]); c20 = Fma.MultiplyAdd(a, b0, c20); c21 = Fma.MultiplyAdd(a, b1, c21);
            a = Vector256.Create(w3[t]); c30 = Fma.MultiplyAdd(a, b0, c30); c31 = Fma.MultiplyAdd(a, b1, c31);
            a = Vector256.Create(w4[t]); c40 = Fma.MultiplyAdd(a, b0, c40); c41 = Fma.MultiplyAdd(a, b1, c41);
            a = Vector256.Create(w5[t]); c50 = Fma.MultiplyAdd(a, b0, c50); c51 = Fma.MultiplyAdd(a, b1, c51);
        }
        c00.Store(y); c01.Store(y + 8); y += ldy;
        c10.Store(y); c11.Store(y + 8); y += ldy;
        c20.Store(y); c21.Store(y + 8); y += ldy;
        c30.Store(y); c31.Store(y + 8); y += ldy;
        c40.Store(y); c41.Store(y + 8); y += ldy;
        c50.Store(y); c51.Store(y + 8);
    }
}
