namespace Flint.Kernels.Cpu;

/// <summary>A range of work [start, end) that a kernel splits across cores.</summary>
public interface IRangeJob
{
    void Run(int start, int end);
}

/// <summary>Splits work across cores only above a grain size (DESIGN.md: about 32K elements); below it, one thread.</summary>
public static class CpuParallel
{
    public const int DefaultGrain = 32768;
    public static int MaxThreads { get; set; } = Environment.ProcessorCount;

    public static void For<TJob>(int n, TJob job, int grain = DefaultGrain) where TJob : struct, IRangeJob
    {
        int chunks = Math.Min(MaxThreads, n / Math.Max(grain, 1));
        if (chunks <= 1) { job.Run(0, n); return; }
        int per = (n + chunks - 1) / chunks;
        Parallel.For(0, chunks, new ParallelOptions { MaxDegreeOfParallelism = chunks }, c =>
        {
            int s = c * per, e = Math.Min(n, s + per);
            if (s < e) job.Run(s, e);
        });
    }
}
