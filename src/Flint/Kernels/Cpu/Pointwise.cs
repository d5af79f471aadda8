using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Flint.Kernels.Cpu;

/// <summary>
/// An elementwise function of one value: a scalar form, and a Vector256 form where <see cref="Vectorized"/> is true.
/// One small struct per op (the System.Numerics.Tensors pattern); the generic drivers below are specialized per
/// struct by the JIT, so the calls inline.
/// </summary>
public interface IUnary<T> where T : unmanaged
{
    bool Vectorized { get; }
    T Invoke(T x);
    Vector256<T> Invoke(Vector256<T> x);
}

/// <summary>
/// Marks an op struct whose vector body is long (gelu, erf): the unary driver then runs one vector per step, where
/// two copies would make the JIT keep their shared constants live across the step and spill them.
/// </summary>
public interface IOneVectorPerStep;

public interface IBinary<T> where T : unmanaged
{
    bool Vectorized { get; }
    T Invoke(T a, T b);
    Vector256<T> Invoke(Vector256<T> a, Vector256<T> b);
}

/// <summary>A predicate of two values (comparisons): writes bools.</summary>
public interface ICompare<T> where T : unmanaged
{
    bool Invoke(T a, T b);
}

/// <summary>Drivers that run an op struct over contiguous spans, vectorized with a scalar tail, split over cores.</summary>
public static unsafe class Pointwise
{
    /// <summary>
    /// Outputs of at least this many elements per thread are written with non-temporal stores (they do not fit in
    /// cache, and streaming stores save the read of each destination line). Settable for benchmarking.
    /// </summary>
    public static int NonTemporalMinElements { get; set; } = 1 << 20;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreFence()
    {
        if (System.Runtime.Intrinsics.X86.Sse.IsSupported) System.Runtime.Intrinsics.X86.Sse.StoreFence();
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Map<T, TOp>(ReadOnlySpan<T> x, Span<T> y, TOp op) where T : unmanaged where TOp : struct, IUnary<T>
    {
        fixed (T* px = x) fixed (T* py = y)
            CpuParallel.For(y.Length, new UnaryJob<T, TOp> { X = px, Y = py, Op = op });
    }

    /// <summary>Map over one chunk on the calling thread (for kernels already split by <see cref="SpanParallel"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void MapChunk<T, TOp>(ReadOnlySpan<T> x, Span<T> y, TOp op) where T : unmanaged where TOp : struct, IUnary<T>
    {
        fixed (T* px = x) fixed (T* py = y)
            new UnaryJob<T, TOp> { X = px, Y = py, Op = op }.Run(0, y.Length);
    }

    private struct UnaryJob<T, TOp> : IRangeJob where T : unmanaged where TOp : struct, IUnary<T>
    {
        public T* X, Y; public TOp Op;
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Run(int start, int end)
        {
            int i = start, w = Vector256<T>.Count;
            if (Op.Vectorized && Vector256.IsHardwareAccelerated)
            {
                // large outputs: streaming stores skip reading the destination lines into cache first
                bool stream = end - start >= NonTemporalMinElements;
                if (stream) for (; i < end && ((nuint)(Y + i) & 31) != 0; i++) Y[i] = Op.Invoke(X[i]);
                // Every call site of Op.Invoke is inlined separately, so both store kinds share each loop (with more
                // loops the JIT's inline budget ran out for gelu and left calls in the hot loop).
                if (Op is IOneVectorPerStep)
                {
                    // long bodies (gelu, erf): with two copies per step the JIT shares (CSEs) their broadcast
                    // constants across the step and spills them; iterations are independent, so the core still
                    // overlaps consecutive steps
                    for (; i <= end - w; i += w)
                    {
                        var v = Op.Invoke(Vector256.Load(X + i));
                        if (stream) v.StoreAlignedNonTemporal(Y + i);
                        else v.Store(Y + i);
                    }
                }
                else
                {
                    // two independent vectors per step: shorter chains (exp, sigmoid) overlap better
                    for (; i <= end - 2 * w; i += 2 * w)
                    {
                        var y0 = Op.Invoke(Vector256.Load(X + i));
                        var y1 = Op.Invoke(Vector256.Load(X + i + w));
                        if (stream) { y0.StoreAlignedNonTemporal(Y + i); y1.StoreAlignedNonTemporal(Y + i + w); }
                        else { y0.Store(Y + i); y1.Store(Y + i + w); }
                    }
                    for (; i <= end - w; i += w) Op.Invoke(Vector256.Load(X + i)).Store(Y + i);
                }
                if (stream) StoreFence();
            }
            for (; i < end; i++) Y[i] = Op.Invoke(X[i]);
        }
    }

    /// <summary>z = op(a, b) where a and b are either of z's length or a single broadcast element.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Zip<T, TOp>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> z, TOp op) where T : unmanaged where TOp : struct, IBinary<T>
    {
        if (z.Length == 1) { z[0] = op.Invoke(a[0], b[0]); return; } // the 1-element case of W7: no setup at all
        fixed (T* pa = a) fixed (T* pb = b) fixed (T* pz = z)
            CpuParallel.For(z.Length, new BinaryJob<T, TOp> { A = pa, B = pb, Z = pz, Op = op, AScalar = a.Length == 1, BScalar = b.Length == 1 });
    }

    private struct BinaryJob<T, TOp> : IRangeJob where T : unmanaged where TOp : struct, IBinary<T>
    {
        public T* A, B, Z; public TOp Op; public bool AScalar, BScalar;
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Run(int start, int end)
        {
            int i = start, w = Vector256<T>.Count;
            bool vec = Op.Vectorized && Vector256.IsHardwareAccelerated;
            if (!AScalar && !BScalar)
            {
                // one loop (one inlined copy of Op) for both store kinds; large outputs use streaming stores, which
                // skip reading the destination lines into cache first
                if (vec)
                {
                    bool stream = end - start >= NonTemporalMinElements;
                    if (stream) for (; i < end && ((nuint)(Z + i) & 31) != 0; i++) Z[i] = Op.Invoke(A[i], B[i]);
                    for (; i <= end - w; i += w)
                    {
                        var v = Op.Invoke(Vector256.Load(A + i), Vector256.Load(B + i));
                        if (stream) v.StoreAlignedNonTemporal(Z + i);
                        else v.Store(Z + i);
                    }
                    if (stream) StoreFence();
                }
                for (; i < end; i++) Z[i] = Op.Invoke(A[i], B[i]);
            }
            else if (BScalar && !AScalar)
            {
                T b = B[0]; var vb = Vector256.Create(b);
                if (vec)
                {
                    bool stream = end - start >= NonTemporalMinElements; // x * 1.5 over a large x: as above
                    if (stream) for (; i < end && ((nuint)(Z + i) & 31) != 0; i++) Z[i] = Op.Invoke(A[i], b);
                    for (; i <= end - w; i += w)
                    {
                        var v = Op.Invoke(Vector256.Load(A + i), vb);
                        if (stream) v.StoreAlignedNonTemporal(Z + i);
                        else v.Store(Z + i);
                    }
                    if (stream) StoreFence();
                }
                for (; i < end; i++) Z[i] = Op.Invoke(A[i], b);
            }
            else if (AScalar && !BScalar)
            {
                T a = A[0]; var va = Vector256.Create(a);
                if (vec)
                {
                    bool stream = end - start >= NonTemporalMinElements;
                    if (stream) for (; i < end && ((nuint)(Z + i) & 31) != 0; i++) Z[i] = Op.Invoke(a, B[i]);
                    for (; i <= end - w; i += w)
                    {
                        var v = Op.Invoke(va, Vector256.Load(B + i));
                        if (stream) v.StoreAlignedNonTemporal(Z + i);
                        else v.Store(Z + i);
                    }
                    if (stream) StoreFence();
                }
                for (; i < end; i++) Z[i] = Op.Invoke(a, B[i]);
            }
            else { T r = Op.Invoke(A[0], B[0]); for (; i < end; i++) Z[i] = r; }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Compare<T, TOp>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<bool> z, TOp op) where T : unmanaged where TOp : struct, ICompare<T>
    {
        bool aS = a.Length == 1 && z.Length != 1, bS = b.Length == 1 && z.Length != 1;
        for (int i = 0; i < z.Length; i++) z[i] = op.Invoke(a[aS ? 0 : i], b[bS ? 0 : i]);
    }
}
