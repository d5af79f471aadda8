using System.Diagnostics;

namespace Flint.Cli.Training;

/// <summary>
/// Steps per second and the time left, in one unit (optimizer steps) for both. The rate is measured over the last
/// few seconds, from the end of the first epoch on: the first epoch pays for start-up (the JIT compiling the
/// training code, first allocations), and counting it would make the first estimates far too long.
/// </summary>
public sealed class Throughput
{
    private const double WindowSeconds = 3.0;
    private readonly Func<double> _clock;
    private readonly Queue<(double Time, long Steps)> _samples = new();
    /// <summary>Steps the whole run takes.</summary>
    public long TotalSteps { get; }
    private long _steps;
    private bool _warm;

    /// <summary>A run of <paramref name="totalSteps"/> optimizer steps, timed by <paramref name="clock"/> (seconds;
    /// a stopwatch started now by default).</summary>
    public Throughput(long totalSteps, Func<double>? clock = null)
    {
        TotalSteps = totalSteps;
        if (clock is null) { var watch = Stopwatch.StartNew(); clock = () => watch.Elapsed.TotalSeconds; }
        _clock = clock;
    }

    /// <summary>Seconds since the run started.</summary>
    public double Seconds => _clock();

    /// <summary>Steps done so far.</summary>
    public long Steps => _steps;

    /// <summary>Counts one optimizer step.</summary>
    public void Step() => _steps++;

    /// <summary>Marks the end of an epoch: the rate's samples start after the first one.</summary>
    public void EpochDone()
    {
        double now = Seconds;
        _samples.Enqueue((now, _steps));
        _warm = true;
        while (_samples.Count > 2 && now - _samples.Peek().Time > WindowSeconds) _samples.Dequeue();
    }

    /// <summary>Steps per second over the recent window, or null until two epochs are done.</summary>
    public double? StepsPerSecond
    {
        get
        {
            if (!_warm || _samples.Count < 2) return null;
            var (t0, s0) = _samples.Peek();
            double dt = Seconds - t0;
            return dt > 0 ? (_steps - s0) / dt : null;
        }
    }

    /// <summary>The estimated time left, or null while the rate is not known yet.</summary>
    public TimeSpan? Remaining
        => StepsPerSecond is { } r && r > 0 ? TimeSpan.FromSeconds((TotalSteps - _steps) / r) : null;

    /// <summary>"1234 it/s  eta 0:03" (or "eta …" while unknown).</summary>
    public string Describe()
    {
        string rate = StepsPerSecond is { } r ? $"{r:0} it/s" : "– it/s";
        string eta = Remaining is { } t ? $"eta {Format(t)}" : "eta –";
        return rate + "  " + eta;
    }

    internal static string Format(TimeSpan t)
        => t.TotalHours >= 1 ? $"{(int)t.TotalHours}:{t.Minutes:00}:{t.Seconds:00}"
         : t.TotalMinutes >= 1 ? $"{t.Minutes}:{t.Seconds:00}"
         : t.TotalSeconds.ToString("0.0", System.Globalization.CultureInfo.InvariantCulture) + " s";
}
