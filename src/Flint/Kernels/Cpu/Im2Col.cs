using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Flint.Kernels.Cpu;

/// <summary>
/// im2col and col2im: unroll each receptive field of one sample into a column so a convolution becomes one GEMM
/// (W[Cout, C·k] @ cols[C·k, out]); col2im scatters columns back, adding where windows overlap.
/// </summary>
public static unsafe class Im2Col
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Unroll<T>(T* x, T* cols, in ConvGeometry g) where T : unmanaged => Unroll(x, cols, g, g.OutputPlane);

    /// <summary>Unroll into rows <paramref name="rowStride"/> apart (several samples side by side in one matrix).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Unroll<T>(T* x, T* cols, in ConvGeometry g, nint rowStride) where T : unmanaged
    {
        int outPlane = g.OutputPlane;
        int row = 0;
        for (int c = 0; c < g.Channels; c++)
        {
            T* xc = x + (nint)c * g.InputPlane;
            for (int kz = 0; kz < g.KD; kz++)
                for (int ky = 0; ky < g.KH; ky++)
                    for (int kx = 0; kx < g.KW; kx++, row++)
                    {
                        T* dst = cols + row * rowStride;
                        for (int oz = 0; oz < g.OD; oz++)
                        {
                            int iz = oz * g.SD - g.PD + kz * g.DD;
                            for (int oy = 0; oy < g.OH; oy++)
                            {
                                int iy = oy * g.SH - g.PH + ky * g.DH;
                                T* d = dst + ((nint)oz * g.OH + oy) * g.OW;
                                if ((uint)iz >= (uint)g.ID || (uint)iy >= (uint)g.IH)
                                {
                                    Zero(d, g.OW);
                                    continue;
                                }
                                T* src = xc + ((nint)iz * g.IH + iy) * g.IW;
                                int ix0 = -g.PW + kx * g.DW;
                                if (g.SW == 1)
                                {
                                    // contiguous run: zeros left of the input, a copy, zeros right of it
                                    int lo = Math.Clamp(-ix0, 0, g.OW), hi = Math.Clamp(g.IW - ix0, lo, g.OW);
                                    if (lo > 0) Zero(d, lo);
                                    if (hi > lo) Copy(src + ix0 + lo, d + lo, hi - lo);
                                    if (g.OW > hi) Zero(d + hi, g.OW - hi);
                                }
                                else
                                {
                                    for (int ox = 0; ox < g.OW; ox++)
                                    {
                                        int ix = ix0 + ox * g.SW;
                                        d[ox] = (uint)ix < (uint)g.IW ? src[ix] : default;
                                    }
                                }
                            }
                        }
                    }
        }
    }

    // Rows of a small convolution are short (10-30 elements): inline vector moves, the last one overlapping, cost far
    // less than a Span call per row.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Copy<T>(T* src, T* dst, int n) where T : unmanaged
    {
        int w = Vector256<T>.Count;
        if (n < w) { for (int i = 0; i < n; i++) dst[i] = src[i]; return; }
        for (int i = 0; i < n - w; i += w) Vector256.Load(src + i).Store(dst + i);
        Vector256.Load(src + n - w).Store(dst + n - w);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Zero<T>(T* dst, int n) where T : unmanaged
    {
        int w = Vector256<T>.Count;
        if (n < w) { for (int i = 0; i < n; i++) dst[i] = default; return; }
        for (int i = 0; i < n - w; i += w) Vector256<T>.Zero.Store(dst + i);
        Vector256<T>.Zero.Store(dst + n - w);
    }

    /// <summary>x += col2im(cols): the adjoint of <see cref="Unroll"/> (x must be zeroed by the caller to get it alone).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Fold<T>(T* cols, T* x, in ConvGeometry g) where T : unmanaged, System.Numerics.INumber<T>
    {
        int outPlane = g.OutputPlane;
        int row = 0;
        for (int c = 0; c < g.Channels; c++)
        {
            T* xc = x + (nint)c * g.InputPlane;
            for (int kz = 0; kz < g.KD; kz++)
                for (int ky = 0; ky < g.KH; ky++)
                    for (int kx = 0; kx < g.KW; kx++, row++)
                    {
                        T* src = cols + (nint)row * outPlane;
                        for (int oz = 0; oz < g.OD; oz++)
                        {
                            int iz = oz * g.SD - g.PD + kz * g.DD;
                            if ((uint)iz >= (uint)g.ID) continue;
                            for (int oy = 0; oy < g.OH; oy++)
                            {
                                int iy = oy * g.SH - g.PH + ky * g.DH;
                                if ((uint)iy >= (uint)g.IH) continue;
                                T* s = src + ((nint)oz * g.OH + oy) * g.OW;
                                T* d = xc + ((nint)iz * g.IH + iy) * g.IW;
                                int ix0 = -g.PW + kx * g.DW;
                                for (int ox = 0; ox < g.OW; ox++)
                                {
                                    int ix = ix0 + ox * g.SW;
                                    if ((uint)ix < (uint)g.IW) d[ix] += s[ox];
                                }
                            }
                        }
                    }
        }
    }
}
