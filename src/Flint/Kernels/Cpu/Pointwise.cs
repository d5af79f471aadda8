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
        public void Run(int start, int end)
        {
            if (!AScalar && !BScalar) Loop(new Elements<T>(A), new Elements<T>(B), Z, Op, start, end);
            else if (!AScalar) Loop(new Elements<T>(A), new Repeated<T>(B[0]), Z, Op, start, end);
            else if (!BScalar) Loop(new Repeated<T>(A[0]), new Elements<T>(B), Z, Op, start, end);
            else { T r = Op.Invoke(A[0], B[0]); for (int i = start; i < end; i++) Z[i] = r; }
        }
    }

    /// <summary>
    /// z[i] = op(a[i], b[i]) over [start, end), each operand either an array or one repeated value. One loop (one
    /// inlined copy of Op) serves both store kinds: large outputs use streaming stores, which skip reading the
    /// destination lines into cache first.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Loop<T, TOp, TA, TB>(TA a, TB b, T* z, TOp op, int start, int end)
        where T : unmanaged where TOp : struct, IBinary<T> where TA : struct, IOperand<T> where TB : struct, IOperand<T>
    {
        int i = start, w = Vector256<T>.Count;
        if (op.Vectorized && Vector256.IsHardwareAccelerated)
        {
            bool stream = end - start >= NonTemporalMinElements;
            if (stream) for (; i < end && ((nuint)(z + i) & 31) != 0; i++) z[i] = op.Invoke(a.At(i), b.At(i));
            for (; i <= end - w; i += w)
            {
                var v = op.Invoke(a.VectorAt(i), b.VectorAt(i));
                if (stream) v.StoreAlignedNonTemporal(z + i);
                else v.Store(z + i);
            }
            if (stream) StoreFence();
        }
        for (; i < end; i++) z[i] = op.Invoke(a.At(i), b.At(i));
    }

    /// <summary>One input of a binary kernel, read by element or by vector.</summary>
    private interface IOperand<T> where T : unmanaged
    {
        T At(int i);
        Vector256<T> VectorAt(int i);
    }

    private readonly struct Elements<T>(T* p) : IOperand<T> where T : unmanaged
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public T At(int i) => p[i];
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public Vector256<T> VectorAt(int i) => Vector256.Load(p + i);
    }

    private readonly struct Repeated<T>(T v) : IOperand<T> where T : unmanaged
    {
        private readonly Vector256<T> _v = Vector256.Create(v);
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public T At(int i) => v;
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public Vector256<T> VectorAt(int i) => _v;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Compare<T, TOp>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<bool> z, TOp op) where T : unmanaged where TOp : struct, ICompare<T>
    {
        bool aS = a.Length == 1 && z.Length != 1, bS = b.Length == 1 && z.Length != 1;
        for (int i = 0; i < z.Length; i++) z[i] = op.Invoke(a[aS ? 0 : i], b[bS ? 0 : i]);
    }
}
