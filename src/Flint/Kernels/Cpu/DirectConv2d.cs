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
        int k = g.ColRows;
        int coutPad = (cout + MR - 1) / MR * MR;
        // Weights padded with zero rows to whole 6-row blocks; tap offsets into the padded sample.
        var wPad = GC.AllocateUninitializedArray<float>(coutPad * k, pinned: true);
        new ReadOnlySpan<float>(w, cout * k).CopyTo(wPad);
        wPad.AsSpan(cout * k).Clear();
        var offsets = TapOffsets(g, k);
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
        CopyPadded(x, xp, g);
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

    /// <summary>
    /// dW[r, t] = Σ_samples Σ_j b[r, j] · a_padded[offset_t + j]: the weight gradient (B = grad_out of a conv whose
    /// input A has geometry g; for a transposed conv the roles swap, as in ConvKernels.WeightGrad). B is laid out at
    /// the padded width with zeros in the discarded columns, so the sum over j runs over contiguous vectors of both.
    /// Each core keeps its samples' buffers and vector partial sums, reduced once per tile.
    /// </summary>
    public static void WeightGrad(float* a, float* b, float* dw, int n, int bRows, ConvGeometry g)
    {
        int k = g.ColRows;
        int rowsPad = (bRows + MR - 1) / MR * MR, kPad = (k + 1) & ~1;
        var offsets = TapOffsets(g, kPad);
        // an odd tap count: TapOffsets repeats the last tap, whose pair result is computed and dropped
        int parts = Math.Min(n, CpuParallel.MaxThreads);
        var partial = new float[parts][];
        nint pa = (nint)a, pb = (nint)b;
        var geometry = g;
        fixed (int* po = offsets)
        {
            nint opp = (nint)po;
            CpuParallel.ForParts(parts, part =>
            {
                int s0 = (int)((long)n * part / parts), s1 = (int)((long)n * (part + 1) / parts);
                partial[part] = WeightGradPart((float*)pa, (float*)pb, s0, s1, bRows, rowsPad, kPad, (int*)opp, geometry);
            });
        }
        GC.KeepAlive(offsets);
        for (int r = 0; r < bRows; r++)
            for (int t = 0; t < k; t++)
            {
                float sum = 0;
                foreach (var p in partial) sum += p[r * kPad + t];
                dw[(nint)r * k + t] = sum;
            }
    }

    private static float[] WeightGradPart(float* a, float* b, int s0, int s1, int bRows, int rowsPad, int kPad, int* offsets, in ConvGeometry g)
    {
        int hp = g.IH + 2 * g.PH, wp = g.IW + 2 * g.PW, plane = hp * wp;
        int full = g.OH * wp, fullPad = (full + 7) & ~7, samples = s1 - s0;
        int padLen = g.Channels * plane + NR + g.KW;
        float* ap = Scratch<float>.Get(2, samples * padLen);
        float* bp = Scratch<float>.Get(3, samples * rowsPad * fullPad);
        new Span<float>(ap, samples * padLen).Clear();
        new Span<float>(bp, samples * rowsPad * fullPad).Clear();
        for (int s = 0; s < samples; s++)
        {
            float* asrc = a + (nint)(s0 + s) * g.Channels * g.InputPlane, adst = ap + (nint)s * padLen;
            CopyPadded(asrc, adst, g);
            float* bsrc = b + (nint)(s0 + s) * bRows * g.OutputPlane, bdst = bp + (nint)s * rowsPad * fullPad;
            for (int r = 0; r < bRows; r++)
                for (int oy = 0; oy < g.OH; oy++)
                    new ReadOnlySpan<float>(bsrc + ((nint)r * g.OH + oy) * g.OW, g.OW)
                        .CopyTo(new Span<float>(bdst + (nint)r * fullPad + oy * wp, g.OW));
        }
        var result = new float[rowsPad * kPad];
        var acc = stackalloc Vector256<float>[2 * MR];
        for (int rb = 0; rb < rowsPad; rb += MR)
            for (int t = 0; t < kPad; t += 2)
            {
                for (int i = 0; i < 2 * MR; i++) acc[i] = default;
                for (int s = 0; s < samples; s++)
                    DotTile(ap + (nint)s * padLen + offsets[t], ap + (nint)s * padLen + offsets[t + 1],
                        bp + ((nint)s * rowsPad + rb) * fullPad, fullPad, acc);
                for (int r = 0; r < MR; r++)
                {
                    result[(rb + r) * kPad + t] = Vector256.Sum(acc[2 * r]);
                    result[(rb + r) * kPad + t + 1] = Vector256.Sum(acc[2 * r + 1]);
                }
            }
        return result;
    }

    /// <summary>acc[2r + i] += Σ_j b[r, j] · x_i[j] over j in [0, len), for the 6 rows of one block and two taps.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void DotTile(float* x0, float* x1, float* b, int len, Vector256<float>* acc)
    {
        Vector256<float> c00 = acc[0], c01 = acc[1], c10 = acc[2], c11 = acc[3], c20 = acc[4], c21 = acc[5],
            c30 = acc[6], c31 = acc[7], c40 = acc[8], c41 = acc[9], c50 = acc[10], c51 = acc[11];
        float* b1 = b + len, b2 = b1 + len, b3 = b2 + len, b4 = b3 + len, b5 = b4 + len;
        for (int j = 0; j < len; j += 8)
        {
            var u = Avx.LoadVector256(x0 + j);
            var v = Avx.LoadVector256(x1 + j);
            var g = Avx.LoadVector256(b + j); c00 = Fma.MultiplyAdd(g, u, c00); c01 = Fma.MultiplyAdd(g, v, c01);
            g = Avx.LoadVector256(b1 + j); c10 = Fma.MultiplyAdd(g, u, c10); c11 = Fma.MultiplyAdd(g, v, c11);
            g = Avx.LoadVector256(b2 + j); c20 = Fma.MultiplyAdd(g, u, c20); c21 = Fma.MultiplyAdd(g, v, c21);
            g = Avx.LoadVector256(b3 + j); c30 = Fma.MultiplyAdd(g, u, c30); c31 = Fma.MultiplyAdd(g, v, c31);
            g = Avx.LoadVector256(b4 + j); c40 = Fma.MultiplyAdd(g, u, c40); c41 = Fma.MultiplyAdd(g, v, c41);
            g = Avx.LoadVector256(b5 + j); c50 = Fma.MultiplyAdd(g, u, c50); c51 = Fma.MultiplyAdd(g, v, c51);
        }
        acc[0] = c00; acc[1] = c01; acc[2] = c10; acc[3] = c11; acc[4] = c20; acc[5] = c21;
        acc[6] = c30; acc[7] = c31; acc[8] = c40; acc[9] = c41; acc[10] = c50; acc[11] = c51;
    }

    /// <summary>
    /// Where each kernel tap (channel, ky, kx) starts in a padded sample; entries past the real taps (length &gt; taps)
    /// repeat the last one.
    /// </summary>
    private static int[] TapOffsets(in ConvGeometry g, int length)
    {
        int wp = g.IW + 2 * g.PW, plane = (g.IH + 2 * g.PH) * wp;
        var offsets = GC.AllocateUninitializedArray<int>(length, pinned: true);
        int t = 0;
        for (int c = 0; c < g.Channels; c++)
            for (int ky = 0; ky < g.KH; ky++)
                for (int kx = 0; kx < g.KW; kx++) offsets[t++] = c * plane + ky * wp + kx;
        for (; t < length; t++) offsets[t] = offsets[t - 1];
        return offsets;
    }

    /// <summary>One sample's planes into the interior of a zeroed buffer of padded planes.</summary>
    private static void CopyPadded(float* x, float* padded, in ConvGeometry g)
    {
        int wp = g.IW + 2 * g.PW, plane = (g.IH + 2 * g.PH) * wp;
        for (int c = 0; c < g.Channels; c++)
            for (int iy = 0; iy < g.IH; iy++)
                new ReadOnlySpan<float>(x + ((nint)c * g.IH + iy) * g.IW, g.IW)
                    .CopyTo(new Span<float>(padded + (nint)c * plane + (iy + g.PH) * wp + g.PW, g.IW));
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
