namespace Flint.Kernels.Cpu;

/// <summary>A range of work [start, end) that a kernel splits across cores.</summary>
public interface IRangeJob
{
    void Run(int start, int end);
}

/// <summary>
/// Splits work across cores only above a grain size (DESIGN.md: about 32K elements); below it, one thread.
/// Every parallel kernel runs on the one worker pool the GEMM uses (<see cref="GemmWorkers"/>): two pools on two
/// cores would spin against each other, and the pool's fork/join costs well under a microsecond.
/// </summary>
public static class CpuParallel
{
    public const int DefaultGrain = 32768;
    public static int MaxThreads { get; set; } = Environment.ProcessorCount;

    public static void For<TJob>(int n, TJob job, int grain = DefaultGrain) where TJob : struct, IRangeJob
    {
        int chunks = Math.Min(MaxThreads, n / Math.Max(grain, 1));
        if (chunks <= 1) { job.Run(0, n); return; }
        GemmWorkers.Run(chunks, new RangeParts<TJob>(job, n, chunks));
    }

    /// <summary>
    /// Runs job.Run(i, i+1) for every i in [0, n) on up to MaxThreads threads that claim items one at a time: for a few
    /// dozen heavy items (the products of a bmm), where a static split would wait on a core the host has taken.
    /// </summary>
    public static void ForEach<TJob>(int n, TJob job) where TJob : struct, IRangeJob
    {
        if (n <= 1 || MaxThreads <= 1) { job.Run(0, n); return; }
        GemmWorkers.Run(n, new ItemParts<TJob>(job), MaxThreads);
    }

    /// <summary>Runs body(part) for part in [0, parts) on the worker pool.</summary>
    public static void ForParts(int parts, Action<int> body)
    {
        if (parts <= 1) { if (parts == 1) body(0); return; }
        GemmWorkers.Run(parts, new ActionParts(body));
    }

    private sealed class RangeParts<TJob>(TJob job, int n, int chunks) : IGemmPart where TJob : struct, IRangeJob
    {
        public void Execute(int c)
        {
            int per = (n + chunks - 1) / chunks;
            int s = c * per, e = Math.Min(n, s + per);
            if (s < e) job.Run(s, e);
        }
    }

    private sealed class ItemParts<TJob>(TJob job) : IGemmPart where TJob : struct, IRangeJob
    {
        public void Execute(int i) => job.Run(i, i + 1);
    }

    private sealed class ActionParts(Action<int> body) : IGemmPart
    {
        public void Execute(int part) => body(part);
    }
}
