using System.Runtime.CompilerServices;

namespace Flint.Kernels.Cpu;

/// <summary>
/// The vector math library (exp, sigmoid, erf, gelu), written once over <see cref="IVec{TSelf,T}"/> so that every
/// width (Vector256, Vector512) runs the same code and gets the same results lane by lane; the eager kernels call it,
/// and a code generator can call the same functions. The float functions take float vectors; <see cref="Exp{TV,T}"/>
/// and <see cref="Sigmoid{TV,T}"/> serve float and double (the JIT keeps only the branch for T).
/// </summary>
internal static class VMath
{
    public static bool IsFloat<T>() => typeof(T) == typeof(float) || typeof(T) == typeof(double);

    /// <summary>e^x: float by <see cref="ExpF{TV}"/>, double by the runtime's vector exp.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV Exp<TV, T>(TV v) where TV : struct, IVec<TV, T> where T : unmanaged
        => typeof(T) == typeof(float) ? TV.ApplyAsFloat<ExpFunction>(v) : TV.Exp(v);

    /// <summary>The range <see cref="ExpClamped{TV}"/> takes: e^−87.34 is the smallest normal float, e^88.72 the largest.</summary>
    private const float ExpLo = -87.33654f, ExpHi = 88.72283f;

    /// <summary>
    /// e^x for float vectors in float arithmetic (Cephes expf: x = n·ln2 + r, degree-6 polynomial in r, 2ⁿ put into
    /// the exponent bits; about 1 ulp). Several times faster than the runtime's Vector256.Exp(float), which goes
    /// through double. Overflow gives +inf (from 88.38 on, where 2ⁿ = 2¹²⁸ is already inf), underflow 0 (no denormal
    /// results), NaN stays NaN.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV ExpF<TV>(TV x) where TV : struct, IVec<TV, float>
        => TV.AndNot(ExpSaturating(x), TV.LessThan(x, TV.Create(ExpLo))); // below the range: 0

    /// <summary>
    /// e^x with x clamped to the range first and no fix-up after: overflow gives +inf, below the range the result stays
    /// e^−87.34 (1.2e−38), NaN passes (the native max/min keep their second operand for NaN). For sigmoid, where that
    /// low end vanishes next to 1.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static TV ExpSaturating<TV>(TV x) where TV : struct, IVec<TV, float>
        => ExpClamped(TV.MinNative(TV.Create(ExpHi), TV.MaxNative(TV.Create(ExpLo), x)));

    /// <summary><see cref="ExpF{TV}"/> for x ≤ 0 (softmax's x − max), where only the lower end needs the clamp.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static TV ExpNonPositive<TV>(TV x) where TV : struct, IVec<TV, float>
        => TV.AndNot(ExpClamped(TV.MaxNative(TV.Create(ExpLo), x)), TV.LessThan(x, TV.Create(ExpLo)));

    /// <summary>
    /// e^x for float vectors without the range fix-ups of <see cref="ExpF{TV}"/>: x is clamped to [−87.3, 88.3] (so
    /// the result stays a normal float: about 1e−38 below, 2e38 above) and NaN passes through the clamp (the native
    /// max/min return their second operand for NaN). For uses where those ends saturate anyway.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV ExpFast<TV>(TV x) where TV : struct, IVec<TV, float>
        => ExpClamped(TV.MinNative(TV.Create(88.3762626647949f), TV.MaxNative(TV.Create(ExpLo), x)));

    /// <summary>
    /// e^x for x in [−87.34, 88.73] (or NaN): x = n·ln2 + r, a degree-6 polynomial in r, 2ⁿ put into the exponent bits.
    /// n = 128 (x past 88.38) gives exponent bits 255, +inf. The functions above clamp first.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static TV ExpClamped<TV>(TV xc) where TV : struct, IVec<TV, float>
    {
        // Rounding by the magic number 1.5·2²³: adding it leaves round(x·log2 e) in the low mantissa bits (its ulp is 1),
        // and the 127 folded into it makes those bits n + 127, the biased exponent of 2ⁿ. Two operations instead of
        // round, convert and add.
        const float Magic = 12582912f + 127f;
        var t = TV.FusedMultiplyAdd(xc, TV.Create(1.44269504088896341f), TV.Create(Magic));
        var n = t - TV.Create(Magic);
        var r = TV.FusedMultiplyAdd(n, TV.Create(-0.693359375f), xc); // ln 2 in two parts: r exact
        r = TV.FusedMultiplyAdd(n, TV.Create(2.12194440e-4f), r);
        var p = TV.Create(1.9875691500E-4f);
        p = TV.FusedMultiplyAdd(p, r, TV.Create(1.3981999507E-3f));
        p = TV.FusedMultiplyAdd(p, r, TV.Create(8.3334519073E-3f));
        p = TV.FusedMultiplyAdd(p, r, TV.Create(4.1665795894E-2f));
        p = TV.FusedMultiplyAdd(p, r, TV.Create(1.6666665459E-1f));
        p = TV.FusedMultiplyAdd(p, r, TV.Create(5.0000001201E-1f));
        var y = TV.FusedMultiplyAdd(TV.FusedMultiplyAdd(p, r, TV.One), r, TV.One); // 1 + r + r²·p
        return y * TV.ShiftLeftBits(t, 23); // the shift drops the magic's own bits
    }

    /// <summary>
    /// 1 / (1 + e^{−x}), which saturates cleanly: the exponent's argument is clamped to [−87.3, 88.7], and past 88.38
    /// e^{−x} is +inf, so far below 0 the result is exactly 0 (and silu(−inf) = −inf·0 = NaN, as PyTorch).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV SigmoidF<TV>(TV x) where TV : struct, IVec<TV, float>
        => TV.One / (TV.One + ExpSaturating(-x));

    /// <summary>Sigmoid of float (<see cref="SigmoidF{TV}"/>) or double vectors.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV Sigmoid<TV, T>(TV x) where TV : struct, IVec<TV, T> where T : unmanaged
        => typeof(T) == typeof(float) ? TV.ApplyAsFloat<SigmoidFunction>(x) : TV.One / (TV.One + TV.Exp(-x));

    /// <summary>
    /// erfc(a) for a ≥ 0 by Abramowitz–Stegun 7.1.26 (absolute error below 1.5e−7, the approximation PyTorch's own
    /// vectorized CPU erf uses): erfc(a) = t·P(t)·e^{−a²}, t = 1/(1 + p·a) (a division: a = inf gives t = 0).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TV ErfcNonNegative<TV>(TV a) where TV : struct, IVec<TV, float>
    {
        var t = TV.One / TV.FusedMultiplyAdd(TV.Create(0.3275911f), a, TV.One);
        var p = TV.FusedMultiplyAdd(TV.Create(1.061405429f), t, TV.Create(-1.453152027f));
        p = TV.FusedMultiplyAdd(p, t, TV.Create(1.421413741f));
        p = TV.FusedMultiplyAdd(p, t, TV.Create(-0.284496736f));
        p = TV.FusedMultiplyAdd(p, t, TV.Create(0.254829592f));
        return t * p * ExpFast(-(a * a));
    }

    /// <summary>erf for float vectors: sign(z)·(1 − erfc(|z|)).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV Erf<TV>(TV z) where TV : struct, IVec<TV, float>
    {
        var e = TV.One - ErfcNonNegative(TV.Abs(z));
        return TV.ConditionalSelect(TV.LessThan(z, TV.Zero), -e, e);
    }

    /// <summary>
    /// x·Φ(x) for float vectors by one rational function, no exponential: with h = Φ(−|x|) (<see cref="NormalTail{TV}"/>),
    /// gelu = x·h for x &lt; 0 and x·(1 − h) otherwise. Working with the small side h keeps the negative tail accurate
    /// (½x(1 + erf) cancels there in float). Largest error against the exact gelu 5.7e−7 absolute (about an ulp near
    /// x = 4), 3.3e−7 below x = −1; PyTorch 1.13's erf-based kernel: 3.7e−7 and 2.6e−7. 1.6× faster than the
    /// Abramowitz–Stegun erfc with its e^{−a²} that this replaced. NaN stays NaN; +inf gives +inf and −inf NaN
    /// (−inf·0), as PyTorch.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV Gelu<TV>(TV x) where TV : struct, IVec<TV, float>
    {
        var h = NormalTail(TV.Abs(x));
        // h where x's sign bit is set (−0 takes h: −0·½ = −0 either way)
        return x * TV.SelectBySign(x, h, TV.One - h);
    }

    /// <summary>
    /// Φ(−a), the standard normal's tail, for a = |x| ≥ 0: P(a)/Q(a) of degrees 6 and 7, fitted on [0, 5.6] by
    /// tools/approx/fit_gelu_tail.py (|x|·error below 2e−7), and 0 beyond (Φ(−5.6) = 1.1e−8). Evaluated in Estrin's
    /// order: shorter dependency chains than Horner's, and the loops that use it are bound by them. a = inf gives 0,
    /// NaN stays NaN.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static TV NormalTail<TV>(TV a) where TV : struct, IVec<TV, float>
    {
        var a2 = a * a;
        var a4 = a2 * a2;
        // P = (p0 + p1·a) + a²·(p2 + p3·a) + a⁴·(p4 + p5·a + p6·a²)
        var p01 = TV.FusedMultiplyAdd(a, TV.Create(-0.566272497177124f), TV.Create(0.5000000596046448f));
        var p23 = TV.FusedMultiplyAdd(a, TV.Create(-0.06880918145179749f), TV.Create(0.26931631565093994f));
        var p45 = TV.FusedMultiplyAdd(a, TV.Create(-0.0007727968622930348f), TV.Create(0.009955049492418766f));
        var p46 = TV.FusedMultiplyAdd(a2, TV.Create(2.5132441805908456e-05f), p45);
        var p = TV.FusedMultiplyAdd(a4, p46, TV.FusedMultiplyAdd(a2, p23, p01));
        // Q = (1 + q1·a) + a²·(q2 + q3·a) + a⁴·((q4 + q5·a) + a²·(q6 + q7·a))
        var q01 = TV.FusedMultiplyAdd(a, TV.Create(-0.3346562385559082f), TV.One);
        var q23 = TV.FusedMultiplyAdd(a, TV.Create(-0.0537220761179924f), TV.Create(0.27156952023506165f));
        var q45 = TV.FusedMultiplyAdd(a, TV.Create(-0.00041407960816286504f), TV.Create(0.02114441990852356f));
        var q67 = TV.FusedMultiplyAdd(a, TV.Create(0.0001896915928227827f), TV.Create(2.6044284595627687e-07f));
        var q = TV.FusedMultiplyAdd(a4, TV.FusedMultiplyAdd(a2, q67, q45), TV.FusedMultiplyAdd(a2, q23, q01));
        // beyond the fitted range h is 0; a = inf gives NaN in p/q, which this clears (NaN, not greater, stays NaN)
        return TV.AndNot(p / q, TV.GreaterThan(a, TV.Create(5.6f)));
    }
}
