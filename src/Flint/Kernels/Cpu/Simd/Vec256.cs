using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Flint.Kernels.Cpu;

/// <summary>A <see cref="Vector256{T}"/> as an <see cref="IVec{TSelf,T}"/> (AVX2 machines, and the narrower path on AVX-512 ones).</summary>
public readonly unsafe struct Vec256<T>(Vector256<T> v) : IVec<Vec256<T>, T> where T : unmanaged
{
    /// <summary>The vector.</summary>
    public readonly Vector256<T> V = v;

    public static int Count => Vector256<T>.Count;
    public static Vec256<T> Zero { [MethodImpl(MethodImplOptions.AggressiveInlining)] get => new(Vector256<T>.Zero); }
    public static Vec256<T> One { [MethodImpl(MethodImplOptions.AggressiveInlining)] get => new(Vector256<T>.One); }
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vec256<T> Create(T value) => new(Vector256.Create(value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vec256<T> Load(T* p) => new(Vector256.Load(p));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public void Store(T* p) => V.Store(p);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public void StoreAlignedNonTemporal(T* p) => V.StoreAlignedNonTemporal(p);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public T GetElement(int i) => V.GetElement(i);

    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vec256<T> operator +(Vec256<T> a, Vec256<T> b) => new(a.V + b.V);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vec256<T> operator -(Vec256<T> a, Vec256<T> b) => new(a.V - b.V);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vec256<T> operator *(Vec256<T> a, Vec256<T> b) => new(a.V * b.V);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vec256<T> operator /(Vec256<T> a, Vec256<T> b) => new(a.V / b.V);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vec256<T> operator -(Vec256<T> a) => new(-a.V);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vec256<T> operator &(Vec256<T> a, Vec256<T> b) => new(a.V & b.V);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vec256<T> operator |(Vec256<T> a, Vec256<T> b) => new(a.V | b.V);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vec256<T> operator ^(Vec256<T> a, Vec256<T> b) => new(a.V ^ b.V);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vec256<T> FusedMultiplyAdd(Vec256<T> a, Vec256<T> b, Vec256<T> c)
    {
        if (typeof(T) == typeof(float))
            return new(Vector256.FusedMultiplyAdd(a.V.AsSingle(), b.V.AsSingle(), c.V.AsSingle()).As<float, T>());
        if (typeof(T) == typeof(double))
            return new(Vector256.FusedMultiplyAdd(a.V.AsDouble(), b.V.AsDouble(), c.V.AsDouble()).As<double, T>());
        return new(a.V * b.V + c.V);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vec256<T> Max(Vec256<T> a, Vec256<T> b) => new(Vector256.Max(a.V, b.V));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vec256<T> Min(Vec256<T> a, Vec256<T> b) => new(Vector256.Min(a.V, b.V));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vec256<T> MaxNative(Vec256<T> a, Vec256<T> b) => new(Vector256.MaxNative(a.V, b.V));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vec256<T> MinNative(Vec256<T> a, Vec256<T> b) => new(Vector256.MinNative(a.V, b.V));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vec256<T> MaxNumber(Vec256<T> a, Vec256<T> b) => new(Vector256.MaxNumber(a.V, b.V));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vec256<T> MinNumber(Vec256<T> a, Vec256<T> b) => new(Vector256.MinNumber(a.V, b.V));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vec256<T> Abs(Vec256<T> a) => new(Vector256.Abs(a.V));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vec256<T> Sqrt(Vec256<T> a) => new(Vector256.Sqrt(a.V));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vec256<T> Exp(Vec256<T> a)
    {
        if (typeof(T) == typeof(float)) return new(Vector256.Exp(a.V.AsSingle()).As<float, T>());
        if (typeof(T) == typeof(double)) return new(Vector256.Exp(a.V.AsDouble()).As<double, T>());
        throw new NotSupportedException($"Exp of {typeof(T).Name} vectors");
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static T Sum(Vec256<T> a) => Vector256.Sum(a.V);

    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vec256<T> Equals(Vec256<T> a, Vec256<T> b) => new(Vector256.Equals(a.V, b.V));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vec256<T> LessThan(Vec256<T> a, Vec256<T> b) => new(Vector256.LessThan(a.V, b.V));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vec256<T> LessThanOrEqual(Vec256<T> a, Vec256<T> b) => new(Vector256.LessThanOrEqual(a.V, b.V));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vec256<T> GreaterThan(Vec256<T> a, Vec256<T> b) => new(Vector256.GreaterThan(a.V, b.V));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vec256<T> ConditionalSelect(Vec256<T> mask, Vec256<T> a, Vec256<T> b) => new(Vector256.ConditionalSelect(mask.V, a.V, b.V));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vec256<T> AndNot(Vec256<T> a, Vec256<T> b) => new(Vector256.AndNot(a.V, b.V));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vec256<T> SelectBySign(Vec256<T> sign, Vec256<T> negative, Vec256<T> nonNegative)
    {
        // vblendvps/vblendvpd read the sign bit of each lane themselves
        if (Avx.IsSupported && typeof(T) == typeof(float))
            return new(Avx.BlendVariable(nonNegative.V.AsSingle(), negative.V.AsSingle(), sign.V.AsSingle()).As<float, T>());
        if (Avx.IsSupported && typeof(T) == typeof(double))
            return new(Avx.BlendVariable(nonNegative.V.AsDouble(), negative.V.AsDouble(), sign.V.AsDouble()).As<double, T>());
        if (sizeof(T) == 4)
            return new(Vector256.ConditionalSelect(Vector256.LessThan(sign.V.AsInt32(), Vector256<int>.Zero).As<int, T>(), negative.V, nonNegative.V));
        if (sizeof(T) == 8)
            return new(Vector256.ConditionalSelect(Vector256.LessThan(sign.V.AsInt64(), Vector256<long>.Zero).As<long, T>(), negative.V, nonNegative.V));
        return new(Vector256.ConditionalSelect(Vector256.LessThan(sign.V, Vector256<T>.Zero), negative.V, nonNegative.V));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vec256<T> ShiftLeftBits(Vec256<T> a, int count)
    {
        if (sizeof(T) == 4) return new(Vector256.ShiftLeft(a.V.AsInt32(), count).As<int, T>());
        if (sizeof(T) == 8) return new(Vector256.ShiftLeft(a.V.AsInt64(), count).As<long, T>());
        throw new NotSupportedException($"ShiftLeftBits of {typeof(T).Name} vectors");
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vec256<T> ApplyAsFloat<TFn>(Vec256<T> x) where TFn : struct, IFloatVectorFunction
        => new(TFn.Invoke(new Vec256<float>(x.V.AsSingle())).V.As<float, T>());
}
