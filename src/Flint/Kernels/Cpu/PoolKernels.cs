using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Flint.Kernels.Cpu;

/// <summary>One pooling window along one dim: in-bounds positions Start + i·Step for i in [0, Count).</summary>
public readonly record struct PoolWindow(int Start, int Count, int Step, int PaddedCount);

/// <summary>
/// Pooling over planes (N·C of them, each D×H×W, contiguous): max with flat in-plane argmax indices, average with a
/// per-window divisor, and the index scatter/gather that max pooling's backward and max_unpool use.
/// </summary>
public static unsafe class PoolKernels
{
    /// <summary>Windows of a strided, padded, dilated kernel along one dim.</summary>
    public static PoolWindow[] Windows(int input, int output, int kernel, int stride, int padding, int dilation)
    {
        var w = new PoolWindow[output];
        for (int o = 0; o < output; o++)
        {
            int start = o * stride - padding;
            // PyTorch's avg pool counts the window clipped to the padded input for count_include_pad
            int paddedEnd = Math.Min(start + (kernel - 1) * dilation + 1, input + padding);
            int first = start, k0 = 0;
            while (first < 0) { first += dilation; k0++; }
            int count = 0;
            for (int k = k0; k < kernel; k++) { int i = start + k * dilation; if (i >= input) break; count++; }
            w[o] = new PoolWindow(first, count, dilation, paddedEnd - start);
        }
        return w;
    }

    /// <summary>Adaptive windows: [floor(o·I/O), ceil((o+1)·I/O)).</summary>
    public static PoolWindow[] AdaptiveWindows(int input, int output)
    {
        var w = new PoolWindow[output];
        for (int o = 0; o < output; o++)
        {
            int s = (int)((long)o * input / output);
            int e = (int)(((long)(o + 1) * input + output - 1) / output);
            w[o] = new PoolWindow(s, e - s, 1, e - s);
        }
        return w;
    }

    /// <summary>Max pooling; planes split across cores when the input is large.</summary>
    public static void Max<T>(T* x, T* y, long* idx, int planes, int id, int ih, int iw, PoolWindow[] wd, PoolWindow[] wh, PoolWindow[] ww)
        where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        int parts = (long)planes * id * ih * iw >= CpuParallel.DefaultGrain ? Math.Min(planes, CpuParallel.MaxThreads) : 1;
        if (parts <= 1) { MaxPlanes(x, y, idx, 0, planes, id, ih, iw, wd, wh, ww); return; }
        nint px = (nint)x, py = (nint)y, pi = (nint)idx;
        CpuParallel.ForParts(parts, part =>
        {
            int p0 = (int)((long)planes * part / parts), p1 = (int)((long)planes * (part + 1) / parts);
            MaxPlanes((T*)px, (T*)py, (long*)pi, p0, p1, id, ih, iw, wd, wh, ww);
        });
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void MaxPlanes<T>(T* x, T* y, long* idx, int p0, int p1, int id, int ih, int iw, PoolWindow[] wd, PoolWindow[] wh, PoolWindow[] ww)
        where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        int inPlane = id * ih * iw, outPlane = wd.Length * wh.Length * ww.Length;
        if (typeof(T) == typeof(float) && Avx2.IsSupported && id == 1 && wd.Length == 1 && IsPairs(wh) && IsPairs(ww) && ww.Length >= 8)
        {
            MaxPlanes2x2((float*)x, (float*)y, idx, p0, p1, ih, iw, wh.Length, ww.Length);
            return;
        }
        for (int p = p0; p < p1; p++)
        {
            T* xp = x + (nint)p * inPlane;
            int o = p * outPlane;
            foreach (var a in wd)
                foreach (var b in wh)
                    foreach (var c in ww)
                    {
                        // Branch-free (random data mispredicts a compare-and-branch): m is the running max, used
                        // only to compare; the winner's index moves on v > m or v NaN (PyTorch: the first NaN, else
                        // the first maximum), and the value is read back at that index, so -0 vs +0 stays exact.
                        T m = T.NegativeInfinity;
                        int bestIdx = (a.Start * ih + b.Start) * iw + c.Start;
                        for (int i = 0, z = a.Start; i < a.Count; i++, z += a.Step)
                            for (int j = 0, yy = b.Start; j < b.Count; j++, yy += b.Step)
                            {
                                int rowIdx = (z * ih + yy) * iw;
                                for (int k = 0, xx = c.Start; k < c.Count; k++, xx += c.Step)
                                {
                                    T v = xp[rowIdx + xx];
                                    bool take = (v > m) | (T.IsNaN(v) & !T.IsNaN(m));
                                    int mask = -(int)Unsafe.As<bool, byte>(ref take);
                                    bestIdx = (bestIdx & ~mask) | ((rowIdx + xx) & mask);
                                    m = T.Max(m, v);
                                }
                            }
                        y[o] = xp[bestIdx]; idx[o] = bestIdx; o++;
                    }
        }
    }

    /// <summary>Windows [2o, 2o+1] (kernel 2, stride 2, no padding or dilation): MaxPool2d(2), the common case.</summary>
    private static bool IsPairs(PoolWindow[] w)
    {
        for (int o = 0; o < w.Length; o++)
            if (w[o].Start != 2 * o || w[o].Count != 2 || w[o].Step != 1) return false;
        return true;
    }

    /// <summary>
    /// 2×2 windows, 8 outputs per step with AVX2: the even and odd columns of both input rows are split out, and the
    /// four candidates are scanned in PyTorch's order (row-major; the first maximum, or the first NaN, wins). A row
    /// whose width is not a multiple of 8 ends with a step overlapping the previous one (same values rewritten).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void MaxPlanes2x2(float* x, float* y, long* idx, int p0, int p1, int ih, int iw, int oh, int ow)
    {
        var lane = Vector256.Create(0, 2, 4, 6, 8, 10, 12, 14);
        for (int p = p0; p < p1; p++)
        {
            float* xp = x + (nint)p * ih * iw;
            float* yp = y + (nint)p * oh * ow;
            long* ip = idx + (nint)p * oh * ow;
            for (int oy = 0; oy < oh; oy++)
            {
                float* r0 = xp + 2 * oy * iw, r1 = r0 + iw;
                var rowBase = Vector256.Create(2 * oy * iw);
                for (int ox = 0; ; ox += 8)
                {
                    if (ox > ow - 8) ox = ow - 8;
                    var (e0, o0) = EvenOdd(r0 + 2 * ox);
                    var (e1, o1) = EvenOdd(r1 + 2 * ox);
                    var best = e0;
                    var code = Vector256<int>.Zero; // 0: (0,0), 1: (0,1), iw: (1,0), iw+1: (1,1)
                    Take(ref best, ref code, o0, Vector256.Create(1));
                    Take(ref best, ref code, e1, Vector256.Create(iw));
                    Take(ref best, ref code, o1, Vector256.Create(iw + 1));
                    best.Store(yp + oy * ow + ox);
                    var flat = rowBase + code + lane + Vector256.Create(2 * ox);
                    Avx2.ConvertToVector256Int64(flat.GetLower()).Store(ip + oy * ow + ox);
                    Avx2.ConvertToVector256Int64(flat.GetUpper()).Store(ip + oy * ow + ox + 4);
                    if (ox == ow - 8) break;
                }
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (Vector256<float> Even, Vector256<float> Odd) EvenOdd(float* p)
    {
        var a = Vector256.Load(p); var b = Vector256.Load(p + 8);
        // within 128-bit lanes: [a0 a2 b0 b2 | a4 a6 b4 b6]; the 64-bit permute puts them in order
        var even = Avx.Shuffle(a, b, 0b10_00_10_00).AsDouble();
        var odd = Avx.Shuffle(a, b, 0b11_01_11_01).AsDouble();
        return (Avx2.Permute4x64(even, 0b11_01_10_00).AsSingle(), Avx2.Permute4x64(odd, 0b11_01_10_00).AsSingle());
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Take(ref Vector256<float> best, ref Vector256<int> code, Vector256<float> c, Vector256<int> cCode)
    {
        // c > best, or c is NaN while best is not
        var take = Vector256.GreaterThan(c, best) | (~Vector256.Equals(c, c) & Vector256.Equals(best, best));
        best = Vector256.ConditionalSelect(take, c, best);
        code = Vector256.ConditionalSelect(take.AsInt32(), cCode, code);
    }

    /// <summary>Average pooling; divisor per window: override, or the padded window size, or the in-bounds count.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Avg<T>(T* x, T* y, int planes, int id, int ih, int iw, PoolWindow[] wd, PoolWindow[] wh, PoolWindow[] ww,
        bool countIncludePad, int divisorOverride, bool backward)
        where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        // forward: y[o] = Σ x[window] / div; backward (x = grad_out, y = grad_in, zeroed by caller): y[window] += x[o] / div
        int inPlane = id * ih * iw, outPlane = wd.Length * wh.Length * ww.Length;
        for (int p = 0; p < planes; p++)
        {
            int o = p * outPlane;
            foreach (var a in wd)
                foreach (var b in wh)
                    foreach (var c in ww)
                    {
                        int div = divisorOverride > 0 ? divisorOverride
                            : countIncludePad ? a.PaddedCount * b.PaddedCount * c.PaddedCount : a.Count * b.Count * c.Count;
                        T inv = T.One / T.CreateTruncating(div);
                        if (!backward)
                        {
                            T* xp = x + (nint)p * inPlane;
                            T sum = T.Zero;
                            for (int i = 0; i < a.Count; i++)
                                for (int j = 0; j < b.Count; j++)
                                {
                                    T* row = xp + ((nint)(a.Start + i * a.Step) * ih + b.Start + j * b.Step) * iw;
                                    for (int k = 0; k < c.Count; k++) sum += row[c.Start + k * c.Step];
                                }
                            y[o] = sum * inv;
                        }
                        else
                        {
                            T* gp = y + (nint)p * inPlane;
                            T g = x[o] * inv;
                            for (int i = 0; i < a.Count; i++)
                                for (int j = 0; j < b.Count; j++)
                                {
                                    T* row = gp + ((nint)(a.Start + i * a.Step) * ih + b.Start + j * b.Step) * iw;
                                    for (int k = 0; k < c.Count; k++) row[c.Start + k * c.Step] += g;
                                }
                        }
                        o++;
                    }
        }
    }

    /// <summary>dst[plane, idx[plane, o]] += src[plane, o] (dst zeroed by the caller).</summary>
    public static void Scatter<T>(T* src, long* idx, T* dst, int planes, int srcPlane, int dstPlane) where T : unmanaged, System.Numerics.INumber<T>
    {
        for (int p = 0; p < planes; p++)
        {
            T* d = dst + (nint)p * dstPlane;
            for (int o = 0, s = p * srcPlane; o < srcPlane; o++, s++)
            {
                long i = idx[s];
                if ((ulong)i >= (ulong)dstPlane) throw new IndexOutOfRangeException($"Found an invalid max index: {i} (output volumes are of size {dstPlane}");
                d[i] += src[s];
            }
        }
    }

    /// <summary>dst[plane, o] = src[plane, idx[plane, o]].</summary>
    public static void Gather<T>(T* src, long* idx, T* dst, int planes, int dstPlane, int srcPlane) where T : unmanaged
    {
        for (int p = 0; p < planes; p++)
        {
            T* s = src + (nint)p * srcPlane;
            for (int o = 0, d = p * dstPlane; o < dstPlane; o++, d++) dst[d] = s[idx[d]];
        }
    }
}
