namespace Flint.Kernels.Cpu;

/// <summary>
/// A SIMD vector of <typeparamref name="T"/> of one width (<see cref="Vec256{T}"/>, <see cref="Vec512{T}"/>), so that
/// vector math and kernel loops are written once, generic over the width, and specialized by the JIT for each
/// (a struct type argument gives one native body per width, with every call inlined). The operations are those of
/// <c>Vector256</c>/<c>Vector512</c> with the same semantics lane by lane, so both widths compute identical results.
/// Masks are vectors whose lanes are all ones (true) or all zeros (false), as the comparisons return them.
/// </summary>
public unsafe interface IVec<TSelf, T> where TSelf : struct, IVec<TSelf, T> where T : unmanaged
{
    /// <summary>Lanes per vector.</summary>
    static abstract int Count { get; }
    /// <summary>All lanes zero.</summary>
    static abstract TSelf Zero { get; }
    /// <summary>All lanes one.</summary>
    static abstract TSelf One { get; }
    /// <summary>Every lane <paramref name="value"/>.</summary>
    static abstract TSelf Create(T value);
    /// <summary>Loads Count elements from <paramref name="p"/> (no alignment needed).</summary>
    static abstract TSelf Load(T* p);
    /// <summary>Stores the lanes to <paramref name="p"/> (no alignment needed).</summary>
    void Store(T* p);
    /// <summary>Stores with a non-temporal hint; <paramref name="p"/> must be aligned to the vector's size.</summary>
    void StoreAlignedNonTemporal(T* p);
    /// <summary>Lane <paramref name="i"/>.</summary>
    T GetElement(int i);

    static abstract TSelf operator +(TSelf a, TSelf b);
    static abstract TSelf operator -(TSelf a, TSelf b);
    static abstract TSelf operator *(TSelf a, TSelf b);
    static abstract TSelf operator /(TSelf a, TSelf b);
    static abstract TSelf operator -(TSelf a);
    static abstract TSelf operator &(TSelf a, TSelf b);
    static abstract TSelf operator |(TSelf a, TSelf b);
    static abstract TSelf operator ^(TSelf a, TSelf b);

    /// <summary>a·b + c, rounded once for float and double (other types: a·b + c).</summary>
    static abstract TSelf FusedMultiplyAdd(TSelf a, TSelf b, TSelf c);
    /// <summary>IEEE maximum/minimum as <c>Vector256.Max</c>/<c>Min</c>: NaN propagates.</summary>
    static abstract TSelf Max(TSelf a, TSelf b);
    /// <inheritdoc cref="Max"/>
    static abstract TSelf Min(TSelf a, TSelf b);
    /// <summary>The native max/min instruction: for NaN (either operand) the result is <paramref name="b"/>.</summary>
    static abstract TSelf MaxNative(TSelf a, TSelf b);
    /// <inheritdoc cref="MaxNative"/>
    static abstract TSelf MinNative(TSelf a, TSelf b);
    /// <summary>IEEE maxNum/minNum: a NaN operand gives the other one.</summary>
    static abstract TSelf MaxNumber(TSelf a, TSelf b);
    /// <inheritdoc cref="MaxNumber"/>
    static abstract TSelf MinNumber(TSelf a, TSelf b);
    static abstract TSelf Abs(TSelf a);
    static abstract TSelf Sqrt(TSelf a);
    /// <summary>The runtime's vector e^x (<c>Vector256.Exp</c>/<c>Vector512.Exp</c>); float and double only.</summary>
    static abstract TSelf Exp(TSelf a);
    /// <summary>Σ of the lanes.</summary>
    static abstract T Sum(TSelf a);

    static abstract TSelf Equals(TSelf a, TSelf b);
    static abstract TSelf LessThan(TSelf a, TSelf b);
    static abstract TSelf LessThanOrEqual(TSelf a, TSelf b);
    static abstract TSelf GreaterThan(TSelf a, TSelf b);
    /// <summary>Per lane: <paramref name="mask"/> ? <paramref name="a"/> : <paramref name="b"/> (bitwise).</summary>
    static abstract TSelf ConditionalSelect(TSelf mask, TSelf a, TSelf b);
    /// <summary>a &amp; ~b.</summary>
    static abstract TSelf AndNot(TSelf a, TSelf b);
    /// <summary>
    /// Per lane: <paramref name="negative"/> where the sign bit of <paramref name="sign"/> is set (−0 and NaNs with
    /// the sign bit included), else <paramref name="nonNegative"/>. One blend instruction on either width.
    /// </summary>
    static abstract TSelf SelectBySign(TSelf sign, TSelf negative, TSelf nonNegative);
    /// <summary>Shifts each lane's bits left as a signed integer of the lane's size (float exponent tricks).</summary>
    static abstract TSelf ShiftLeftBits(TSelf a, int count);

    /// <summary>
    /// Applies a float-vector function to this width's vector when <typeparamref name="T"/> is float (the lanes are
    /// reinterpreted, nothing is converted): lets kernels generic over the element type call <see cref="VMath"/>.
    /// </summary>
    static abstract TSelf ApplyAsFloat<TFn>(TSelf x) where TFn : struct, IFloatVectorFunction;
}

/// <summary>A function of float vectors of any width (one of <see cref="VMath"/>'s, as a type argument).</summary>
public interface IFloatVectorFunction
{
    /// <summary>The function of <paramref name="x"/>, lane by lane.</summary>
    static abstract TV Invoke<TV>(TV x) where TV : struct, IVec<TV, float>;
}
