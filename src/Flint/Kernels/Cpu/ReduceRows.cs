using System.Numerics;
using System.Runtime.CompilerServices;

namespace Flint.Kernels.Cpu;

/// <summary>Runs a body over [start, end) ranges of rows, split across cores when rows × rowLength passes the grain.</summary>
public static class RowLoop
{
    private struct Job(Action<int, int> body) : IRangeJob
    {
        public void Run(int start, int end) => body(start, end);
    }

    public static void For(int rows, int rowLength, Action<int, int> body)
        => CpuParallel.For(rows, new Job(body), Math.Max(1, CpuParallel.DefaultGrain / Math.Max(1, rowLength)));
}

/// <summary>Per-row kernels over contiguous rows (one output per row): arg-reductions, moments, logsumexp, norms.</summary>
public static class ReduceRows
{
    /// <summary>Max (or min) value and the index of its first occurrence; the first NaN wins, as in PyTorch.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static unsafe (T value, int index) ArgExtreme<T>(ReadOnlySpan<T> row, bool max) where T : unmanaged, INumber<T>
    {
        if ((typeof(T) == typeof(float) || typeof(T) == typeof(double)) && row.Length >= 32 && System.Runtime.Intrinsics.Vector256.IsHardwareAccelerated)
        {
            // two vector passes: the (NaN-propagating) extreme, then the first position holding it
            fixed (T* p = row)
            {
                T ext = max ? Reduce.Row(p, row.Length, new MaxReducer<T>()) : Reduce.Row(p, row.Length, new MinReducer<T>());
                return (ext, FirstIndexOf(p, row.Length, ext));
            }
        }
        T best = row[0]; int bi = 0;
        if (T.IsNaN(best)) return (best, 0);
        for (int i = 1; i < row.Length; i++)
        {
            T v = row[i];
            if (max ? v > best : v < best) { best = v; bi = i; }
            else if (T.IsNaN(v)) return (v, i);
        }
        return (best, bi);
    }

    /// <summary>(variance with the given correction, mean) in double, two passes for accuracy.</summary>
    public static (double var, double mean) VarMean(ReadOnlySpan<double> row, double correction)
    {
        int n = row.Length;
        double mean = n == 0 ? double.NaN : System.Numerics.Tensors.TensorPrimitives.Sum(row) / n;
        double ss = 0;
        for (int i = 0; i < n; i++) { double d = row[i] - mean; ss += d * d; }
        double denom = Math.Max(0, n - correction);
        return (ss / denom, mean);
    }

    public static double LogSumExp(ReadOnlySpan<double> row)
    {
        if (row.Length == 0) return double.NegativeInfinity;
        double m = System.Numerics.Tensors.TensorPrimitives.Max(row);
        if (double.IsNaN(m)) return m;
        if (double.IsInfinity(m)) m = 0; // all -inf gives -inf; a +inf gives +inf (no inf - inf)
        double s = 0;
        foreach (var v in row) s += Math.Exp(v - m);
        return Math.Log(s) + m;
    }

    /// <summary>The vector p-norm of a row (p = 0 counts nonzeros; ±inf are max/min of |x|).</summary>
    public static double Norm(ReadOnlySpan<double> row, double p)
    {
        if (p == 2) { double s = 0; foreach (var v in row) s += v * v; return Math.Sqrt(s); }
        if (p == 1) { double s = 0; foreach (var v in row) s += Math.Abs(v); return s; }
        if (double.IsPositiveInfinity(p))
        {
            double m = 0;
            foreach (var v in row) { double a = Math.Abs(v); if (double.IsNaN(a)) return a; if (a > m) m = a; }
            return m;
        }
        if (double.IsNegativeInfinity(p))
        {
            double m = double.PositiveInfinity;
            foreach (var v in row) { double a = Math.Abs(v); if (double.IsNaN(a)) return a; if (a < m) m = a; }
            return m;
        }
        if (p == 0) { double c = 0; foreach (var v in row) if (v != 0) c++; return c; }
        double acc = 0;
        foreach (var v in row) acc += Math.Pow(Math.Abs(v), p);
        return Math.Pow(acc, 1 / p);
    }

    /// <summary>The first index of v (of a NaN when v is NaN), scanning a vector at a time.</summary>
    private static unsafe int FirstIndexOf<T>(T* p, int n, T v) where T : unmanaged, INumber<T>
    {
        bool nan = T.IsNaN(v);
        var vv = System.Runtime.Intrinsics.Vector256.Create(v);
        int w = System.Runtime.Intrinsics.Vector256<T>.Count, i = 0;
        for (; i <= n - w; i += w)
        {
            var x = System.Runtime.Intrinsics.Vector256.Load(p + i);
            var m = nan ? ~System.Runtime.Intrinsics.Vector256.Equals(x, x) : System.Runtime.Intrinsics.Vector256.Equals(x, vv);
            uint bits = System.Runtime.Intrinsics.Vector256.ExtractMostSignificantBits(m);
            if (bits != 0) return i + BitOperations.TrailingZeroCount(bits);
        }
        for (; i < n; i++) if (nan ? T.IsNaN(p[i]) : p[i] == v) return i;
        return 0;
    }
}
