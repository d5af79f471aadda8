using System.Diagnostics;

namespace Flint.Bench;

/// <summary>Timing statistics of one measured action, in milliseconds.</summary>
public readonly record struct Stats(double FirstMs, double MedianMs, double P10Ms, double P90Ms, int Iterations);

/// <summary>
/// The measuring rule of WORKLOADS.md: time the first call, then at least 5 warm-up calls
/// (tiering and caches settle), then at least 20 timed calls, more for fast actions so the
/// timed part lasts about minSeconds; report median and the 10th/90th percentiles.
/// </summary>
public static class Harness
{
    /// <summary>
    /// Warm-up time before timing. .NET's tiered JIT first runs new code unoptimized, then instrumented, and only
    /// then compiles the final code in the background; a W5 step takes about 40 calls (2.5 s) to get there and is
    /// 1.5× slower before. Timing earlier would measure the JIT, not Flint (first_ms still reports the first call).
    /// </summary>
    const double WarmupSeconds = 3.0;

    public static Stats Measure(Action action, int warmup = 5, int minIterations = 20, double minSeconds = 0.5, int maxIterations = 5000)
    {
        var sw = Stopwatch.StartNew();
        action();
        double first = sw.Elapsed.TotalMilliseconds;

        // Warm-up: at least `warmup` calls and WarmupSeconds, so the tiered JIT reaches its final code.
        sw.Restart();
        for (int i = 0; i < warmup || (sw.Elapsed.TotalSeconds < WarmupSeconds && i < maxIterations); i++) action();

        var times = new List<double>(minIterations);
        sw.Restart();
        long start = Stopwatch.GetTimestamp();
        while (times.Count < minIterations || (Stopwatch.GetTimestamp() - start < minSeconds * Stopwatch.Frequency && times.Count < maxIterations))
        {
            long t0 = Stopwatch.GetTimestamp();
            action();
            times.Add(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
        }
        times.Sort();
        return new Stats(first, Percentile(times, 0.5), Percentile(times, 0.1), Percentile(times, 0.9), times.Count);
    }

    static double Percentile(List<double> sorted, double q)
    {
        double pos = q * (sorted.Count - 1);
        int lo = (int)Math.Floor(pos), hi = Math.Min(lo + 1, sorted.Count - 1);
        return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
    }

    /// <summary>Fills an array with standard normal values (Box–Muller) from a fixed seed.</summary>
    public static float[] Randn(int count, int seed)
    {
        var rng = new Random(seed);
        var a = GC.AllocateUninitializedArray<float>(count, pinned: true);
        for (int i = 0; i < count; i += 2)
        {
            double u = 1.0 - rng.NextDouble(), v = rng.NextDouble();
            double r = Math.Sqrt(-2 * Math.Log(u));
            a[i] = (float)(r * Math.Cos(2 * Math.PI * v));
            if (i + 1 < count) a[i + 1] = (float)(r * Math.Sin(2 * Math.PI * v));
        }
        return a;
    }
}
