using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Flint.Kernels.Cpu;

/// <summary>
/// An associative, commutative combine with an identity (sum, prod, max, min): a scalar form and a Vector256 form.
/// One struct per reducer; the generic drivers in <see cref="Reduce"/> are specialized per struct by the JIT.
/// </summary>
public interface IReducer<T> where T : unmanaged
{
    T Identity { get; }
    T Combine(T a, T b);
    Vector256<T> Combine(Vector256<T> a, Vector256<T> b);
}

public struct SumReducer<T> : IReducer<T> where T : unmanaged, INumber<T>
{
    public T Identity => T.Zero;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public T Combine(T a, T b) => a + b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public Vector256<T> Combine(Vector256<T> a, Vector256<T> b) => a + b;
}

public struct ProdReducer<T> : IReducer<T> where T : unmanaged, INumber<T>
{
    public T Identity => T.One;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public T Combine(T a, T b) => a * b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public Vector256<T> Combine(Vector256<T> a, Vector256<T> b) => a * b;
}

/// <summary>Max that propagates NaN (PyTorch's max/amax): once either side is NaN the result is NaN.</summary>
public struct MaxReducer<T> : IReducer<T> where T : unmanaged, INumber<T>
{
    public T Identity => T.CreateSaturating(double.NegativeInfinity);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public T Combine(T a, T b) => T.IsNaN(a) ? a : (b > a || T.IsNaN(b)) ? b : a;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector256<T> Combine(Vector256<T> a, Vector256<T> b)
    {
        var m = Vector256.ConditionalSelect(Vector256.GreaterThan(b, a), b, a);
        if (typeof(T) != typeof(float) && typeof(T) != typeof(double)) return m;
        // a NaN on either side wins (comparisons with NaN are false, so it would otherwise be dropped)
        m = Vector256.ConditionalSelect(Vector256.Equals(b, b), m, b);
        return Vector256.ConditionalSelect(Vector256.Equals(a, a), m, a);
    }
}

public struct MinReducer<T> : IReducer<T> where T : unmanaged, INumber<T>
{
    public T Identity => T.CreateSaturating(double.PositiveInfinity);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public T Combine(T a, T b) => T.IsNaN(a) ? a : (b < a || T.IsNaN(b)) ? b : a;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector256<T> Combine(Vector256<T> a, Vector256<T> b)
    {
        var m = Vector256.ConditionalSelect(Vector256.LessThan(b, a), b, a);
        if (typeof(T) != typeof(float) && typeof(T) != typeof(double)) return m;
        m = Vector256.ConditionalSelect(Vector256.Equals(b, b), m, b);
        return Vector256.ConditionalSelect(Vector256.Equals(a, a), m, a);
    }
}

/// <summary>
/// Reductions over strided tensors without a transposing copy where the layout allows it:
/// <list type="bullet">
/// <item>rows: the reduced dims coalesce into one contiguous run (e.g. the last dim) — each output reduces one row
/// with four vector accumulators; long rows are split across cores and the partial results combined;</item>
/// <item>columns: the reduced dims coalesce into one strided dim and the innermost kept dim is contiguous (e.g. sum
/// over dim 0 of a matrix) — whole vectors of outputs accumulate down the reduced dim;</item>
/// <item>anything else is first copied into rows.</item>
/// </list>
/// </summary>
public static unsafe class Reduce
{
    /// <summary>Reduces x (dtype T) over the dims in <paramref name="reduced"/> into y (contiguous, kept-dim order).</summary>
    public static void Run<T, TR>(Tensor x, bool[] reduced, Tensor y, TR r) where T : unmanaged where TR : struct, IReducer<T>
    {
        var layout = ReduceLayout.Of(x, reduced);
        var ys = KernelDispatch.Data<T>(y);
        if (layout.RowLength == 0) { ys.Fill(r.Identity); return; }
        if (layout.Kind == ReduceLayout.Shape.Generic)
        {
            x = ReduceLayout.CopyToRows(x, reduced);
            layout = ReduceLayout.Of(x, reduced);
        }
        var xs = x.StorageSpan<T>();
        fixed (T* px = xs) fixed (T* py = ys)
        {
            if (layout.Kind == ReduceLayout.Shape.Rows) RunRows(px, py, layout, r);
            else RunColumns(px, py, layout, r);
        }
    }

    private static void RunRows<T, TR>(T* px, T* py, ReduceLayout l, TR r) where T : unmanaged where TR : struct, IReducer<T>
    {
        int rows = l.OutCount, n = l.RowLength;
        int threads = CpuParallel.MaxThreads;
        long total = (long)rows * n;
        // split each row into chunks only when there are too few rows to keep every core busy
        int chunks = total < CpuParallel.DefaultGrain || rows >= threads ? 1 : Math.Max(1, Math.Min(threads, n / (CpuParallel.DefaultGrain / 2)));
        if (chunks == 1)
        {
            int grain = Math.Max(1, CpuParallel.DefaultGrain / n);
            CpuParallel.For(rows, new RowsJob<T, TR> { X = px, Y = py, L = l, R = r }, grain);
            return;
        }
        var partial = new T[rows * chunks];
        fixed (T* pp = partial)
        {
            CpuParallel.For(rows * chunks, new RowChunksJob<T, TR> { X = px, P = pp, L = l, R = r, Chunks = chunks }, 1);
            for (int i = 0; i < rows; i++)
            {
                T acc = pp[i * chunks];
                for (int c = 1; c < chunks; c++) acc = r.Combine(acc, pp[i * chunks + c]);
                py[i] = acc;
            }
        }
    }

    private struct RowsJob<T, TR> : IRangeJob where T : unmanaged where TR : struct, IReducer<T>
    {
        public T* X, Y; public ReduceLayout L; public TR R;
        public void Run(int start, int end)
        {
            for (int i = start; i < end; i++) Y[i] = Row(X + L.OuterOffset(i), L.RowLength, R);
        }
    }

    private struct RowChunksJob<T, TR> : IRangeJob where T : unmanaged where TR : struct, IReducer<T>
    {
        public T* X, P; public ReduceLayout L; public TR R; public int Chunks;
        public void Run(int start, int end)
        {
            int n = L.RowLength, per = (n + Chunks - 1) / Chunks;
            for (int u = start; u < end; u++)
            {
                int row = u / Chunks, c = u % Chunks;
                int s = Math.Min(n, c * per), e = Math.Min(n, s + per);
                P[u] = e > s ? Row(X + L.OuterOffset(row) + s, e - s, R) : R.Identity;
            }
        }
    }

    /// <summary>Reduces n contiguous elements with four independent vector accumulators (hides the add latency).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static T Row<T, TR>(T* p, int n, TR r) where T : unmanaged where TR : struct, IReducer<T>
    {
        int w = Vector256<T>.Count, i = 0;
        T acc = r.Identity;
        if (Vector256.IsHardwareAccelerated && n >= w)
        {
            var id = Vector256.Create(r.Identity);
            Vector256<T> a0 = id, a1 = id, a2 = id, a3 = id;
            for (; i <= n - 4 * w; i += 4 * w)
            {
                a0 = r.Combine(a0, Vector256.Load(p + i));
                a1 = r.Combine(a1, Vector256.Load(p + i + w));
                a2 = r.Combine(a2, Vector256.Load(p + i + 2 * w));
                a3 = r.Combine(a3, Vector256.Load(p + i + 3 * w));
            }
            for (; i <= n - w; i += w) a0 = r.Combine(a0, Vector256.Load(p + i));
            a0 = r.Combine(r.Combine(a0, a1), r.Combine(a2, a3));
            for (int k = 0; k < w; k++) acc = r.Combine(acc, a0.GetElement(k));
        }
        for (; i < n; i++) acc = r.Combine(acc, p[i]);
        return acc;
    }

    private static void RunColumns<T, TR>(T* px, T* py, ReduceLayout l, TR r) where T : unmanaged where TR : struct, IReducer<T>
    {
        // a unit of work: one outer index and a block of up to Block contiguous outputs
        const int Block = 256;
        int inner = l.InnerCount, blocks = (inner + Block - 1) / Block;
        int units = l.OuterCount * blocks;
        int grain = Math.Max(1, CpuParallel.DefaultGrain / Math.Max(1, Math.Min(inner, Block) * l.RowLength));
        CpuParallel.For(units, new ColumnsJob<T, TR> { X = px, Y = py, L = l, R = r, Blocks = blocks, Block = Block }, grain);
    }

    private struct ColumnsJob<T, TR> : IRangeJob where T : unmanaged where TR : struct, IReducer<T>
    {
        public T* X, Y; public ReduceLayout L; public TR R; public int Blocks, Block;
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Run(int start, int end)
        {
            // the block of outputs stays in L1 while the reduced rows stream through it, one contiguous run each
            int n = L.RowLength, rs = L.RowStride, w = Vector256<T>.Count;
            bool vec = Vector256.IsHardwareAccelerated;
            for (int u = start; u < end; u++)
            {
                int o = u / Blocks, j0 = (u % Blocks) * Block, j1 = Math.Min(L.InnerCount, j0 + Block);
                T* src = X + L.OuterOffset(o);
                T* dst = Y + (long)o * L.InnerCount;
                for (int j = j0; j < j1; j++) dst[j] = src[j];
                for (int k = 1; k < n; k++)
                {
                    T* p = src + (long)k * rs;
                    int j = j0;
                    if (vec)
                    {
                        for (; j <= j1 - 2 * w; j += 2 * w)
                        {
                            R.Combine(Vector256.Load(dst + j), Vector256.Load(p + j)).Store(dst + j);
                            R.Combine(Vector256.Load(dst + j + w), Vector256.Load(p + j + w)).Store(dst + j + w);
                        }
                        for (; j <= j1 - w; j += w) R.Combine(Vector256.Load(dst + j), Vector256.Load(p + j)).Store(dst + j);
                    }
                    for (; j < j1; j++) dst[j] = R.Combine(dst[j], p[j]);
                }
            }
        }
    }
}

/// <summary>
/// How the elements of a strided tensor group under a reduction: kept dims (in order) and reduced dims, each group
/// coalesced. Rows: reduced = one contiguous run; Columns: reduced = one strided dim and the last kept dim is
/// contiguous (vectorizable across outputs); Generic: neither.
/// </summary>
public struct ReduceLayout
{
    public enum Shape { Rows, Columns, Generic }
    public Shape Kind;
    public int RowLength, RowStride;      // the coalesced reduced dim
    public int OutCount;                  // number of outputs
    public int InnerCount;                // Columns: the contiguous kept dim's size
    public int OuterCount;                // Columns: outputs / InnerCount; Rows: OutCount
    public int Offset;
    public int[] OuterSizes, OuterStrides; // kept dims iterated by OuterOffset (Rows: all kept; Columns: all but the last)

    public readonly int OuterOffset(int i)
    {
        int off = Offset;
        for (int d = OuterSizes.Length - 1; d >= 0; d--)
        {
            int s = OuterSizes[d];
            off += (i % s) * OuterStrides[d];
            i /= s;
        }
        return off;
    }

    public static ReduceLayout Of(Tensor x, bool[] reduced)
    {
        var (ks, kst) = Coalesce(x, reduced, false);
        var (rsz, rst) = Coalesce(x, reduced, true);
        var l = new ReduceLayout { Offset = x._offset, OutCount = 1 };
        foreach (var s in ks) l.OutCount *= s;
        int rowLen = 1; foreach (var s in rsz) rowLen *= s;
        l.RowLength = x._numel == 0 ? Count(x, reduced) : rowLen;
        if (x._numel == 0) { l.Kind = Shape.Rows; l.OuterSizes = []; l.OuterStrides = []; l.OuterCount = l.OutCount; return l; }
        if (rsz.Count <= 1)
        {
            l.RowStride = rsz.Count == 0 ? 1 : rst[0];
            if (l.RowStride == 1 || rsz.Count == 0)
            {
                l.Kind = Shape.Rows; l.RowStride = 1;
                l.OuterSizes = ks.ToArray(); l.OuterStrides = kst.ToArray(); l.OuterCount = l.OutCount;
                return l;
            }
            if (ks.Count > 0 && kst[^1] == 1 && ks[^1] >= Vector256<float>.Count)
            {
                l.Kind = Shape.Columns;
                l.InnerCount = ks[^1];
                l.OuterSizes = ks.GetRange(0, ks.Count - 1).ToArray(); l.OuterStrides = kst.GetRange(0, kst.Count - 1).ToArray();
                l.OuterCount = l.OutCount / l.InnerCount;
                return l;
            }
        }
        l.Kind = Shape.Generic; l.OuterSizes = []; l.OuterStrides = [];
        return l;
    }

    private static int Count(Tensor x, bool[] reduced)
    {
        int n = 1;
        for (int d = 0; d < x.Dim; d++) if (reduced[d]) n *= x._sizes[d];
        return n;
    }

    /// <summary>The dims of one group (kept or reduced), size-1 dims dropped, adjacent dims merged when they are one run.</summary>
    private static (List<int> sizes, List<int> strides) Coalesce(Tensor x, bool[] reduced, bool which)
    {
        var sz = new List<int>(); var st = new List<int>();
        for (int d = 0; d < x.Dim; d++)
        {
            if (reduced[d] != which || x._sizes[d] == 1) continue;
            if (sz.Count > 0 && st[^1] == x._strides[d] * x._sizes[d]) { sz[^1] *= x._sizes[d]; st[^1] = x._strides[d]; }
            else { sz.Add(x._sizes[d]); st.Add(x._strides[d]); }
        }
        return (sz, st);
    }

    /// <summary>A contiguous copy with the kept dims first and the reduced dims last (then every layout is Rows).</summary>
    public static Tensor CopyToRows(Tensor x, bool[] reduced)
    {
        var perm = new List<int>(x.Dim);
        for (int d = 0; d < x.Dim; d++) if (!reduced[d]) perm.Add(d);
        for (int d = 0; d < x.Dim; d++) if (reduced[d]) perm.Add(d);
        var sizes = new int[x.Dim]; var strides = new int[x.Dim];
        for (int i = 0; i < perm.Count; i++) { sizes[i] = x._sizes[perm[i]]; strides[i] = x._strides[perm[i]]; }
        var rows = x.AsStridedRaw(sizes, strides, x._offset).ContiguousRaw();
        // view back in the original dim order so the reduced mask still applies
        var back = new int[x.Dim]; var bst = new int[x.Dim];
        for (int i = 0; i < perm.Count; i++) { back[perm[i]] = rows._sizes[i]; bst[perm[i]] = rows._strides[i]; }
        return rows.AsStridedRaw(back, bst, rows._offset);
    }
}
