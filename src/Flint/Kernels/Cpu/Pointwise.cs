using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Flint.Kernels.Cpu;

/// <summary>
/// An elementwise function of one value: a scalar form, and a vector form (for either width, see
/// <see cref="IVec{TSelf,T}"/>) where <see cref="Vectorized"/> is true. One small struct per op (the
/// System.Numerics.Tensors pattern); the generic drivers below are specialized per struct and width by the JIT, so
/// the calls inline.
/// </summary>
public interface IUnary<T> where T : unmanaged
{
    bool Vectorized { get; }
    T Invoke(T x);
    TV Invoke<TV>(TV x) where TV : struct, IVec<TV, T>;
}

/// <summary>
/// Marks an op struct whose vector body is long (gelu, erf): the unary driver then runs one vector per step, where
/// two copies would make the JIT keep their shared constants live across the step and spill them.
/// </summary>
public interface IOneVectorPerStep;

/// <summary>
/// Marks an op struct with a few operations per element (add, mul, clamp, …): its speed is the memory's, so the
/// drivers run it at Vector256 even where Vector512 is available. Measured on Zen 5: as fast where the operands are
/// mutually 64-byte aligned, and up to 2× faster where they are not (a user's array against a pooled output), since
/// every misaligned 512-bit access splits across two cache lines, against every other one at 256 bits.
/// </summary>
public interface IBandwidthBound;

public interface IBinary<T> where T : unmanaged
{
    bool Vectorized { get; }
    T Invoke(T a, T b);
    TV Invoke<TV>(TV a, TV b) where TV : struct, IVec<TV, T>;
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
            if (Op.Vectorized && Vector256.IsHardwareAccelerated && end - start >= Vector256<T>.Count)
            {
                // A range shorter than one Vector512 takes Vector256: the same values as the wider path, lane for lane.
                if (VectorWidth.Use512 && Op is not IBandwidthBound && end - start >= Vector512<T>.Count) Vectors<Vec512<T>>(start, end);
                else Vectors<Vec256<T>>(start, end);
                return;
            }
            for (int i = start; i < end; i++) Y[i] = Op.Invoke(X[i]);
        }

        /// <summary>
        /// [start, end), at least one vector long, in whole vectors of width TV (one method per width: each gets its own
        /// inline budget). The ragged ends are vectors too, overlapping the body: so every element gets the vector
        /// result, whatever its position. They are loaded before anything is stored, since an in-place op (X == Y)
        /// overwrites its input, and stored last.
        /// </summary>
        [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
        private void Vectors<TV>(int start, int end) where TV : struct, IVec<TV, T>
        {
            int w = TV.Count;
            T* x = X, y = Y; // locals: the fields would be reloaded through `this` on every step
            var op = Op;
            TV head = TV.Load(x + start), tail = TV.Load(x + end - w);
            // large outputs: streaming stores, aligned, skip reading the destination lines into cache first
            bool stream = end - start >= NonTemporalMinElements;
            int i = stream ? AlignedStart(y, start, w) : start;
            // Every call site of op.Invoke is inlined separately, so both store kinds share each loop (with more
            // loops the JIT's inline budget ran out for gelu and left calls in the hot loop).
            if (Op is IOneVectorPerStep)
            {
                // long bodies (gelu, erf): with two copies per step the JIT shares (CSEs) their broadcast
                // constants across the step and spills them; iterations are independent, so the core still
                // overlaps consecutive steps
                for (; i <= end - w; i += w)
                {
                    var v = op.Invoke(TV.Load(x + i));
                    if (stream) v.StoreAlignedNonTemporal(y + i);
                    else v.Store(y + i);
                }
            }
            else
            {
                // two independent vectors per step: shorter chains (exp, sigmoid) overlap better
                for (; i <= end - 2 * w; i += 2 * w)
                {
                    var y0 = op.Invoke(TV.Load(x + i));
                    var y1 = op.Invoke(TV.Load(x + i + w));
                    if (stream) { y0.StoreAlignedNonTemporal(y + i); y1.StoreAlignedNonTemporal(y + i + w); }
                    else { y0.Store(y + i); y1.Store(y + i + w); }
                }
                for (; i <= end - w; i += w) op.Invoke(TV.Load(x + i)).Store(y + i);
            }
            if (stream) StoreFence(); // the streamed stores land before the overlapping ones below
            if (i < end) op.Invoke(tail).Store(y + end - w);
            if (stream) op.Invoke(head).Store(y + start);
        }
    }

    /// <summary>The first index from <paramref name="start"/> where p is aligned to a vector of w elements (at most w − 1 on).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int AlignedStart<T>(T* p, int start, int w) where T : unmanaged
    {
        nuint bytes = (nuint)(w * sizeof(T));
        nuint misalign = (nuint)(p + start) & (bytes - 1);
        return misalign == 0 ? start : start + (int)((bytes - misalign) / (nuint)sizeof(T));
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

    /// <summary>z[i] = op(a[i], b[i]) over [start, end), each operand either an array or one repeated value.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Loop<T, TOp, TA, TB>(TA a, TB b, T* z, TOp op, int start, int end)
        where T : unmanaged where TOp : struct, IBinary<T> where TA : struct, IOperand<T> where TB : struct, IOperand<T>
    {
        if (op.Vectorized && Vector256.IsHardwareAccelerated && end - start >= Vector256<T>.Count)
        {
            // as in the unary driver: a range shorter than one Vector512 takes Vector256
            if (VectorWidth.Use512 && op is not IBandwidthBound && end - start >= Vector512<T>.Count) Vectors<Vec512<T>, T, TOp, TA, TB>(a, b, z, op, start, end);
            else Vectors<Vec256<T>, T, TOp, TA, TB>(a, b, z, op, start, end);
            return;
        }
        for (int i = start; i < end; i++) z[i] = op.Invoke(a.At(i), b.At(i));
    }

    /// <summary>
    /// [start, end), at least one vector long, in whole vectors of width TV, the ragged ends as overlapping vectors
    /// loaded first (see the unary driver). One loop (one inlined copy of Op) serves both store kinds: large outputs
    /// use streaming stores, which skip reading the destination lines into cache first.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void Vectors<TV, T, TOp, TA, TB>(TA a, TB b, T* z, TOp op, int start, int end) where TV : struct, IVec<TV, T>
        where T : unmanaged where TOp : struct, IBinary<T> where TA : struct, IOperand<T> where TB : struct, IOperand<T>
    {
        int w = TV.Count;
        // a repeated operand is broadcast once, outside the loop
        TV va = a.IsRepeated ? TV.Create(a.At(0)) : default, vb = b.IsRepeated ? TV.Create(b.At(0)) : default;
        TV headA = a.IsRepeated ? va : TV.Load(a.Pointer + start), headB = b.IsRepeated ? vb : TV.Load(b.Pointer + start);
        TV tailA = a.IsRepeated ? va : TV.Load(a.Pointer + end - w), tailB = b.IsRepeated ? vb : TV.Load(b.Pointer + end - w);
        bool stream = end - start >= NonTemporalMinElements;
        int i = stream ? AlignedStart(z, start, w) : start;
        for (; i <= end - w; i += w)
        {
            var v = op.Invoke(a.IsRepeated ? va : TV.Load(a.Pointer + i), b.IsRepeated ? vb : TV.Load(b.Pointer + i));
            if (stream) v.StoreAlignedNonTemporal(z + i);
            else v.Store(z + i);
        }
        if (stream) StoreFence(); // the streamed stores land before the overlapping ones below
        if (i < end) op.Invoke(tailA, tailB).Store(z + end - w);
        if (stream) op.Invoke(headA, headB).Store(z + start);
    }

    /// <summary>One input of a binary kernel: an array, or one value repeated.</summary>
    private interface IOperand<T> where T : unmanaged
    {
        bool IsRepeated { get; }
        T* Pointer { get; }
        T At(int i);
    }

    private readonly struct Elements<T>(T* p) : IOperand<T> where T : unmanaged
    {
        public bool IsRepeated => false;
        public T* Pointer => p;
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public T At(int i) => p[i];
    }

    private readonly struct Repeated<T>(T v) : IOperand<T> where T : unmanaged
    {
        public bool IsRepeated => true;
        public T* Pointer => null;
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public T At(int i) => v;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Compare<T, TOp>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<bool> z, TOp op) where T : unmanaged where TOp : struct, ICompare<T>
    {
        bool aS = a.Length == 1 && z.Length != 1, bS = b.Length == 1 && z.Length != 1;
        for (int i = 0; i < z.Length; i++) z[i] = op.Invoke(a[aS ? 0 : i], b[bS ? 0 : i]);
    }
}
