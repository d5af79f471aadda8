using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Flint.Kernels.Cpu;

/// <summary>
/// The float32 softmax inner loops with VMath's Cephes-style vector exp (range reduction by ln 2, degree-6 polynomial,
/// about 1 ulp) fused with the shift and the sum: one pass computes exp(x − max) and Σ at once. The arguments are
/// always ≤ 0 here (x − max), so only underflow needs care: below −87.3 the result is 0 (the true value is a
/// denormal under 1.2e−38, invisible next to a sum ≥ 1). NaN passes through. Each loop runs at the vector width the
/// machine has (<see cref="VectorWidth"/>), with a scalar tail.
/// </summary>
internal static unsafe class SoftmaxExp
{
    /// <summary>
    /// The largest element of a row, as the softmax's shift. NaN may be skipped here (the native max keeps its second
    /// operand): a NaN element still makes its exp, the sum and so the whole row NaN, as in PyTorch.
    /// </summary>
    public static float RowMax(ReadOnlySpan<float> x)
    {
        fixed (float* px = x)
        {
            if (VectorWidth.Use512) return RowMax<Vec512<float>>(px, x.Length);
            return RowMax<Vec256<float>>(px, x.Length, Vector256.IsHardwareAccelerated);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static float RowMax<TV>(float* px, int n, bool vectors = true) where TV : struct, IVec<TV, float>
    {
        int i = 0, w = TV.Count;
        float max = float.NegativeInfinity;
        if (vectors && n >= w)
        {
            var m0 = TV.Load(px);
            var m1 = m0;
            for (i = w; i <= n - 2 * w; i += 2 * w)
            {
                m0 = TV.MaxNative(m0, TV.Load(px + i));
                m1 = TV.MaxNative(m1, TV.Load(px + i + w));
            }
            for (; i <= n - w; i += w) m0 = TV.MaxNative(m0, TV.Load(px + i));
            m0 = TV.MaxNative(m0, m1);
            for (int j = 0; j < w; j++) max = MathF.Max(max, m0.GetElement(j));
        }
        for (; i < n; i++) max = MathF.Max(max, px[i]);
        return max;
    }

    /// <summary>y = exp(x − shift) elementwise; returns Σ y.</summary>
    public static float ExpShiftSum(ReadOnlySpan<float> x, float shift, Span<float> y)
    {
        fixed (float* px = x) fixed (float* py = y)
        {
            if (VectorWidth.Use512) return ExpShiftSum<Vec512<float>>(px, shift, py, x.Length);
            return ExpShiftSum<Vec256<float>>(px, shift, py, x.Length, Vector256.IsHardwareAccelerated);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static float ExpShiftSum<TV>(float* px, float shift, float* py, int n, bool vectors = true) where TV : struct, IVec<TV, float>
    {
        int i = 0, w = TV.Count;
        float sum = 0;
        if (vectors)
        {
            var vs = TV.Create(shift);
            var acc = TV.Zero;
            for (; i <= n - w; i += w)
            {
                var e = VMath.ExpNonPositive(TV.Load(px + i) - vs);
                e.Store(py + i);
                acc += e;
            }
            sum = TV.Sum(acc);
        }
        for (; i < n; i++) { float e = MathF.Exp(px[i] - shift); py[i] = e; sum += e; }
        return sum;
    }

    /// <summary>y = exp(x − shift) elementwise with a per-element shift (the strided softmax); sum += y.</summary>
    public static void ExpShiftAccumulate(ReadOnlySpan<float> x, ReadOnlySpan<float> shift, Span<float> y, Span<float> sum)
    {
        fixed (float* px = x) fixed (float* ps = shift) fixed (float* py = y) fixed (float* pa = sum)
        {
            if (VectorWidth.Use512) ExpShiftAccumulate<Vec512<float>>(px, ps, py, pa, x.Length);
            else ExpShiftAccumulate<Vec256<float>>(px, ps, py, pa, x.Length, Vector256.IsHardwareAccelerated);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static void ExpShiftAccumulate<TV>(float* px, float* ps, float* py, float* pa, int n, bool vectors = true) where TV : struct, IVec<TV, float>
    {
        int i = 0, w = TV.Count;
        if (vectors)
        {
            for (; i <= n - w; i += w)
            {
                var e = VMath.ExpNonPositive(TV.Load(px + i) - TV.Load(ps + i));
                e.Store(py + i);
                (TV.Load(pa + i) + e).Store(pa + i);
            }
        }
        for (; i < n; i++) { float e = MathF.Exp(px[i] - ps[i]); py[i] = e; pa[i] += e; }
    }
}
