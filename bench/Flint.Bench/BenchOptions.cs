namespace Flint.Bench;

/// <summary>Command-line settings shared by all workloads.</summary>
public static class BenchOptions
{
    /// <summary>Threads for Flint kernels and for peers; WORKLOADS.md runs everything on two.</summary>
    public static int Threads { get; set; } = 2;
    /// <summary>Size override for quick tuning runs (null = the workload's own list).</summary>
    public static int[]? Sizes { get; set; }
}
