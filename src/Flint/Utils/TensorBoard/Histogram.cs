using Tensorboard;

namespace Flint.Utils.TensorBoard;

/// <summary>
/// The histogram summary as PyTorch's <c>make_histogram</c> builds it: numpy's histogram of the values (as float64)
/// over the bin edges, trimmed to the bins from the first to the last non-empty one with one empty bin kept on the
/// left (TensorBoard stores right edges only), optionally merged down to at most <c>maxBins</c>.
/// </summary>
internal static class Histogram
{
    /// <summary>
    /// TensorBoard's default edges ("tensorflow" bins): ±1e-12 growing by 10% up to 1e20, and 0 (1549 edges).
    /// </summary>
    public static readonly double[] DefaultEdges = MakeDefaultEdges();

    private static double[] MakeDefaultEdges()
    {
        var pos = new List<double>();
        for (double v = 1e-12; v < 1e20; v *= 1.1) pos.Add(v);
        var edges = new List<double>(2 * pos.Count + 1);
        for (int i = pos.Count - 1; i >= 0; i--) edges.Add(-pos[i]);
        edges.Add(0);
        edges.AddRange(pos);
        return edges.ToArray();
    }

    /// <summary>Equal-width edges over [min, max] as numpy's <c>bins=n</c> (a range of ±0.5 when all values are equal).</summary>
    public static double[] EqualWidthEdges(double[] values, int bins)
    {
        if (bins < 1) throw new ArgumentException("`bins` must be positive, when an integer");
        double lo = double.PositiveInfinity, hi = double.NegativeInfinity;
        foreach (var v in values) { lo = Math.Min(lo, v); hi = Math.Max(hi, v); }
        if (!double.IsFinite(lo) || !double.IsFinite(hi))
            throw new ArgumentException($"autodetected range of [{lo}, {hi}] is not finite");
        if (lo == hi) { lo -= 0.5; hi += 0.5; }
        var edges = new double[bins + 1];
        double step = (hi - lo) / bins;
        for (int i = 0; i < bins; i++) edges[i] = i * step + lo; // numpy's linspace, rounding included
        edges[bins] = hi;
        return edges;
    }

    public static HistogramProto Make(double[] values, double[] edges, int? maxBins)
    {
        if (values.Length == 0) throw new ArgumentException("The input has no element.");
        var counts = Count(values, edges);
        var limits = edges;
        if (maxBins is { } mb && counts.Length > mb)
        {
            int sub = counts.Length / mb;
            int padded = (counts.Length + sub - 1) / sub * sub;
            var merged = new double[padded / sub];
            for (int i = 0; i < counts.Length; i++) merged[i / sub] += counts[i];
            var newLimits = new double[merged.Length + 1];
            for (int i = 0; i < merged.Length; i++) newLimits[i] = limits[i * sub];
            newLimits[^1] = limits[^1];
            counts = merged;
            limits = newLimits;
        }
        // the support: first and last non-empty bins
        int first = Array.FindIndex(counts, c => c > 0), last = Array.FindLastIndex(counts, c => c > 0);
        if (first < 0) throw new ArgumentException("The histogram is empty: no value lies within the bins' edges.");
        int end = last + 1;
        var keptCounts = first > 0 ? counts[(first - 1)..end] : [0.0, .. counts[..end]];
        var keptLimits = limits[first..(end + 1)];
        double min = double.PositiveInfinity, max = double.NegativeInfinity, sum = 0, sumSq = 0;
        foreach (var v in values)
        {
            min = double.IsNaN(v) || double.IsNaN(min) ? double.NaN : Math.Min(min, v);
            max = double.IsNaN(v) || double.IsNaN(max) ? double.NaN : Math.Max(max, v);
            sum += v;
            sumSq += v * v;
        }
        var h = new HistogramProto { Min = min, Max = max, Num = values.Length, Sum = sum, SumSquares = sumSq };
        h.BucketLimit.AddRange(keptLimits);
        h.Bucket.AddRange(keptCounts);
        return h;
    }

    /// <summary>numpy's histogram counts: bins [e_i, e_i+1), the last one closed; values outside are not counted.</summary>
    private static double[] Count(double[] values, double[] edges)
    {
        var counts = new double[edges.Length - 1];
        foreach (var v in values)
        {
            if (!(v >= edges[0] && v <= edges[^1])) continue;
            int i = Array.BinarySearch(edges, v);
            int bin = i >= 0 ? i : ~i - 1;           // the edge at or below v
            if (bin >= counts.Length) bin = counts.Length - 1;
            counts[bin]++;
        }
        return counts;
    }
}
