using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Flint.Kernels.Cpu;

/// <summary>A <see cref="Vector512{T}"/> as an <see cref="IVec{TSelf,T}"/> (AVX-512 machines).</summary>
public readonly unsafe struct Vec512<T>(Vector512<T> v) : IVec<Vec512<T>, T> where T : unmanaged
{
    /// <summary>The vector.</summary>
    public readonly Vector512<T> V = v;

    public static int Count => Vector512<T>.Count;
    public static Vec512<T> Zero { [MethodImpl(MethodImplOptions.AggressiveInlining)] get => new(Vector512<T>.Zero); }
    public static Vec512<T> One { [MethodImpl(MethodImplOptions.AggressiveInlining)] get => new(Vector512<T>.One); }
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vec512<T> Create(T value) => new(Vector512.Create(value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vec512<T> Load(T* p) => new(Vector512.Load(p));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public void Store(T* p) => V.Store(p);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public void StoreAlignedNonTemporal(T* p) => V.StoreAlignedNonTemporal(p);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public T GetElement(int i) => V.GetElement(i);

    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vec512<T> operator +(Vec512<T> a, Vec512<T> b) => new(a.V + b.V);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vec512<T> operator -(Vec512<T> a, Vec512<T> b) => new(a.V - b.V);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vec512<T> operator *(Vec512<T> a, Vec512<T> b) => new(a.V * b.V);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vec512<T> operator /(Vec512<T> a, Vec512<T> b) => new(a.V / b.V);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vec512<T> operator -(Vec512<T> a) => new(-a.V);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vec512<T> operator &(Vec512<T> a, Vec512<T> b) => new(a.V & b.V);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vec512<T> operator |(Vec512<T> a, Vec512<T> b) => new(a.V | b.V);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vec512<T> operator ^(Vec512<T> a, Vec512<T> b) => new(a.V ^ b.V);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vec512<T> FusedMultiplyAdd(Vec512<T> a, Vec512<T> b, Vec512<T> c)
    {
        if (typeof(T) == typeof(float))
            return new(Vector512.FusedMultiplyAdd(a.V.AsSingle(), b.V.AsSingle(), c.V.AsSingle()).As<float, T>());
        if (typeof(T) == typeof(double))
            return new(Vector512.FusedMultiplyAdd(a.V.AsDouble(), b.V.AsDouble(), c.V.AsDouble()).As<double, T>());
        return new(a.V * b.V + c.V);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vec512<T> Max(Vec512<T> a, Vec512<T> b) => new(Vector512.Max(a.V, b.V));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vec512<T> Min(Vec512<T> a, Vec512<T> b) => new(Vector512.Min(a.V, b.V));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vec512<T> MaxNative(Vec512<T> a, Vec512<T> b) => new(Vector512.MaxNative(a.V, b.V));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vec512<T> MinNative(Vec512<T> a, Vec512<T> b) => new(Vector512.MinNative(a.V, b.V));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vec512<T> MaxNumber(Vec512<T> a, Vec512<T> b) => new(Vector512.MaxNumber(a.V, b.V));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vec512<T> MinNumber(Vec512<T> a, Vec512<T> b) => new(Vector512.MinNumber(a.V, b.V));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vec512<T> Abs(Vec512<T> a) => new(Vector512.Abs(a.V));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vec512<T> Sqrt(Vec512<T> a) => new(Vector512.Sqrt(a.V));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vec512<T> Exp(Vec512<T> a)
    {
        if (typeof(T) == typeof(float)) return new(Vector512.Exp(a.V.AsSingle()).As<float, T>());
        if (typeof(T) == typeof(double)) return new(Vector512.Exp(a.V.AsDouble()).As<double, T>());
        throw new NotSupportedException($"Exp of {typeof(T).Name} vectors");
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static T Sum(Vec512<T> a) => Vector512.Sum(a.V);

    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vec512<T> Equals(Vec512<T> a, Vec512<T> b) => new(Vector512.Equals(a.V, b.V));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vec512<T> LessThan(Vec512<T> a, Vec512<T> b) => new(Vector512.LessThan(a.V, b.V));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vec512<T> LessThanOrEqual(Vec512<T> a, Vec512<T> b) => new(Vector512.LessThanOrEqual(a.V, b.V));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vec512<T> GreaterThan(Vec512<T> a, Vec512<T> b) => new(Vector512.GreaterThan(a.V, b.V));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vec512<T> ConditionalSelect(Vec512<T> mask, Vec512<T> a, Vec512<T> b) => new(Vector512.ConditionalSelect(mask.V, a.V, b.V));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vec512<T> AndNot(Vec512<T> a, Vec512<T> b) => new(Vector512.AndNot(a.V, b.V));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vec512<T> SelectBySign(Vec512<T> sign, Vec512<T> negative, Vec512<T> nonNegative)
    {
        // AVX-512 has no blend by sign bit: a signed integer compare with 0 reads it into a mask register instead
        if (sizeof(T) == 4)
            return new(Vector512.ConditionalSelect(Vector512.LessThan(sign.V.AsInt32(), Vector512<int>.Zero).As<int, T>(), negative.V, nonNegative.V));
        if (sizeof(T) == 8)
            return new(Vector512.ConditionalSelect(Vector512.LessThan(sign.V.AsInt64(), Vector512<long>.Zero).As<long, T>(), negative.V, nonNegative.V));
        return new(Vector512.ConditionalSelect(Vector512.LessThan(sign.V, Vector512<T>.Zero), negative.V, nonNegative.V));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vec512<T> ShiftLeftBits(Vec512<T> a, int count)
    {
        if (sizeof(T) == 4) return new(Vector512.ShiftLeft(a.V.AsInt32(), count).As<int, T>());
        if (sizeof(T) == 8) return new(Vector512.ShiftLeft(a.V.AsInt64(), count).As<long, T>());
        throw new NotSupportedException($"ShiftLeftBits of {typeof(T).Name} vectors");
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vec512<T> ApplyAsFloat<TFn>(Vec512<T> x) where TFn : struct, IFloatVectorFunction
        => new(TFn.Invoke(new Vec512<float>(x.V.AsSingle())).V.As<float, T>());
}
