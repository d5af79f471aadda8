using System.Numerics;
using System.Runtime.CompilerServices;

namespace Flint.Kernels.Cpu;

/// <summary>
/// Sorting along contiguous lines: a stable sort of each line (NaN after every number ascending, before every number
/// descending, as PyTorch orders them), writing the sorted values and their original indices.
/// </summary>
public static class SortKernels
{
    /// <summary>Total order of PyTorch's sort: NaN is the largest value.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Compare<T>(T a, T b) where T : INumber<T>
    {
        bool an = T.IsNaN(a), bn = T.IsNaN(b);
        if (an || bn) return an == bn ? 0 : an ? 1 : -1;
        return a < b ? -1 : a > b ? 1 : 0;
    }

    private readonly struct ByKey<T>(T[] keys, bool descending) : IComparer<int> where T : INumber<T>
    {
        public int Compare(int a, int b)
        {
            int c = descending ? SortKernels.Compare(keys[b], keys[a]) : SortKernels.Compare(keys[a], keys[b]);
            return c != 0 ? c : a.CompareTo(b); // ties keep their order: stable
        }
    }

    /// <summary>Sorts each of the m lines of n elements in vals (in place) and writes the source indices to idx.</summary>
    public static void SortLines<T>(Memory<T> vals, Memory<long> idx, int m, int n, bool descending) where T : unmanaged, INumber<T>
    {
        RowLoop.For(m, n * 8, (s, e) =>
        {
            var keys = new T[n]; var perm = new int[n];
            for (int i = s; i < e; i++)
            {
                var line = vals.Span.Slice(i * n, n); var li = idx.Span.Slice(i * n, n);
                line.CopyTo(keys);
                for (int j = 0; j < n; j++) perm[j] = j;
                perm.AsSpan().Sort(new ByKey<T>(keys, descending));
                for (int j = 0; j < n; j++) { line[j] = keys[perm[j]]; li[j] = perm[j]; }
            }
        });
    }

    /// <summary>
    /// The k-th smallest (1-based) of a line and the index of its first occurrence. NaN counts as the largest value;
    /// with <paramref name="nanWins"/> (median) any NaN makes the result that NaN.
    /// </summary>
    public static (T value, int index) Kth<T>(ReadOnlySpan<T> line, int k, T[] scratch, bool nanWins) where T : unmanaged, INumber<T>
    {
        int n = line.Length;
        int numbers = CountNumbers(line);
        if (numbers < n && (nanWins || k > numbers))
            for (int j = 0; j < n; j++) if (T.IsNaN(line[j])) return (line[j], j);
        line.CopyTo(scratch);
        var s = scratch.AsSpan(0, n);
        s.Sort(static (a, b) => Compare(a, b));
        T v = s[k - 1];
        for (int j = 0; j < n; j++) if (Compare(line[j], v) == 0) return (v, j);
        return (v, 0);
    }

    private static int CountNumbers<T>(ReadOnlySpan<T> line) where T : INumber<T>
    {
        int c = 0;
        foreach (var v in line) if (!T.IsNaN(v)) c++;
        return c;
    }

    /// <summary>The most frequent value of a line (the smallest among equally frequent ones) and its last index.</summary>
    public static (T value, int index) Mode<T>(ReadOnlySpan<T> line, T[] scratch) where T : unmanaged, INumber<T>
    {
        int n = line.Length;
        line.CopyTo(scratch);
        var s = scratch.AsSpan(0, n);
        s.Sort(static (a, b) => Compare(a, b));
        T best = s[0]; int bestCount = 0;
        for (int i = 0; i < n;)
        {
            int j = i;
            while (j < n && Compare(s[j], s[i]) == 0) j++;
            if (j - i > bestCount) { bestCount = j - i; best = s[i]; }
            i = j;
        }
        for (int j = n - 1; j >= 0; j--) if (Compare(line[j], best) == 0) return (best, j);
        return (best, 0);
    }
}
