using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Flint.Kernels.Cpu;

/// <summary>
/// The float32 softmax inner loops with VMath's Cephes-style vector exp (range reduction by ln 2, degree-6 polynomial,
/// about 1 ulp) fused with the shift and the sum: one pass computes exp(x − max) and Σ at once. The arguments are
/// always ≤ 0 here (x − max), so only underflow needs care: below −87.3 the result is 0 (the true value is a
/// denormal under 1.2e−38, invisible next to a sum ≥ 1). NaN passes through.
/// </summary>
internal static class SoftmaxExp
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> C(float v) => Vector256.Create(v);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> ExpNonPositive(Vector256<float> x)
    {
        var y = VMath.ExpClamped(Vector256.Max(x, C(-87.33654f)));
        y = Vector256.ConditionalSelect(Vector256.LessThan(x, C(-87.33654f)), Vector256<float>.Zero, y);
        return Vector256.ConditionalSelect(Vector256.Equals(x, x), y, x);
    }

    /// <summary>y = exp(x − shift) elementwise; returns Σ y.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static float ExpShiftSum(ReadOnlySpan<float> x, float shift, Span<float> y)
    {
        int n = x.Length, i = 0;
        ref float px = ref MemoryMarshal.GetReference(x);
        ref float py = ref MemoryMarshal.GetReference(y);
        var vs = C(shift);
        Vector256<float> acc0 = default, acc1 = default;
        for (; i <= n - 16; i += 16)
        {
            var e0 = ExpNonPositive(Vector256.LoadUnsafe(ref px, (nuint)i) - vs);
            var e1 = ExpNonPositive(Vector256.LoadUnsafe(ref px, (nuint)(i + 8)) - vs);
            e0.StoreUnsafe(ref py, (nuint)i); e1.StoreUnsafe(ref py, (nuint)(i + 8));
            acc0 += e0; acc1 += e1;
        }
        for (; i <= n - 8; i += 8)
        {
            var e0 = ExpNonPositive(Vector256.LoadUnsafe(ref px, (nuint)i) - vs);
            e0.StoreUnsafe(ref py, (nuint)i);
            acc0 += e0;
        }
        float sum = Vector256.Sum(acc0 + acc1);
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
            var e = ExpNonPositive(Vector256.LoadUnsafe(ref px, (nuint)i) - Vector256.LoadUnsafe(ref ps, (nuint)i));
            e.StoreUnsafe(ref py, (nuint)i);
            (Vector256.LoadUnsafe(ref pa, (nuint)i) + e).StoreUnsafe(ref pa, (nuint)i);
        }
        for (; i < n; i++) { float e = MathF.Exp(x[i] - shift[i]); y[i] = e; sum[i] += e; }
    }
}
