using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Flint.Kernels.Cpu;

/// <summary>
/// The float32 softmax inner loops with VMath's Cephes-style vector exp (range reduction by ln 2, degree-6 polynomial,
/// about 1 ulp) fused with the shift and the sum: one pass computes exp(x − max) and Σ at once. The arguments are
/// always ≤ 0 here (x − max), so only underflow needs care: below −87.3 the result is 0 (the true value is a
/// denormal under 1.2e−38, invisible next to a sum ≥ 1). NaN passes through.
/// </summary>
internal static class SoftmaxExp
{
    /// <summary>
    /// The largest element of a row, as the softmax's shift. NaN may be skipped here (the native max keeps its second
    /// operand): a NaN element still makes its exp, the sum and so the whole row NaN, as in PyTorch.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static float RowMax(ReadOnlySpan<float> x)
    {
        int n = x.Length, i = 0;
        float max = float.NegativeInfinity;
        ref float px = ref MemoryMarshal.GetReference(x);
        if (n >= 8)
        {
            var m0 = Vector256.LoadUnsafe(ref px);
            var m1 = m0;
            for (i = 8; i <= n - 16; i += 16)
            {
                m0 = Vector256.MaxNative(m0, Vector256.LoadUnsafe(ref px, (nuint)i));
                m1 = Vector256.MaxNative(m1, Vector256.LoadUnsafe(ref px, (nuint)(i + 8)));
            }
            for (; i <= n - 8; i += 8) m0 = Vector256.MaxNative(m0, Vector256.LoadUnsafe(ref px, (nuint)i));
            m0 = Vector256.MaxNative(m0, m1);
            for (int j = 0; j < 8; j++) max = MathF.Max(max, m0.GetElement(j));
        }
        for (; i < n; i++) max = MathF.Max(max, x[i]);
        return max;
    }

    /// <summary>y = exp(x − shift) elementwise; returns Σ y.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static float ExpShiftSum(ReadOnlySpan<float> x, float shift, Span<float> y)
    {
        int n = x.Length, i = 0;
        ref float px = ref MemoryMarshal.GetReference(x);
        ref float py = ref MemoryMarshal.GetReference(y);
        var vs = Vector256.Create(shift);
        Vector256<float> acc = default;
        for (; i <= n - 8; i += 8)
        {
            var e = VMath.ExpNonPositive(Vector256.LoadUnsafe(ref px, (nuint)i) - vs);
            e.StoreUnsafe(ref py, (nuint)i);
            acc += e;
        }
        float sum = Vector256.Sum(acc);
        for (; i < n; i++) { float e = MathF.Exp(x[i] - shift); y[i] = e; sum += e; }
        return sum;
    }

    /// <summary>y = exp(x − shift) elementwise with a per-element shift (the strided softmax); sum += y.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void ExpShiftAccumulate(ReadOnlySpan<float> x, ReadOnlySpan<float> shift, Span<float> y, Span<float> sum)
    {
        int n = x.Length, i = 0;
        ref float px = ref MemoryMarshal.GetReference(x);
        ref float ps = ref MemoryMarshal.GetReference(shift);
        ref float py = ref MemoryMarshal.GetReference(y);
        ref float pa = ref MemoryMarshal.GetReference(sum);
        for (; i <= n - 8; i += 8)
        {
            var e = VMath.ExpNonPositive(Vector256.LoadUnsafe(ref px, (nuint)i) - Vector256.LoadUnsafe(ref ps, (nuint)i));
            e.StoreUnsafe(ref py, (nuint)i);
            (Vector256.LoadUnsafe(ref pa, (nuint)i) + e).StoreUnsafe(ref pa, (nuint)i);
        }
        for (; i < n; i++) { float e = MathF.Exp(x[i] - shift[i]); y[i] = e; sum[i] += e; }
    }
}
