using System.Diagnostics;
using System.Globalization;
using Flint.Kernels.Cpu;

namespace Flint.Bench;

/// <summary>
/// Extra rows outside WORKLOADS.md (mode "linalg"): torch.linalg.inv, solve (one right-hand side) and svd on a
/// 512×512 float64 matrix; bench/pytorch/linalg.py times PyTorch on the same problems the same way. Each row gives
/// the median wall time per call and the process CPU time per call (all threads): on a shared, oversubscribed
/// machine the CPU time is the steadier figure, and with one thread it is the work itself.
/// </summary>
public static class LinalgBench
{
    public const string Mode = "linalg";

    public static void Run(int threads, int n = 512)
    {
        Gemm.Threads = threads;
        CpuParallel.MaxThreads = threads;
        var g = new Generator(0);
        var a = Torch.Randn([n, n], DType.Float64, generator: g);
        var b = Torch.Randn([n], DType.Float64, generator: g);
        using var _ = Torch.NoGrad();
        Report($"inv n={n}", threads, () => Torch.Linalg.Inv(a), 20);
        Report($"solve n={n} nrhs=1", threads, () => Torch.Linalg.Solve(a, b), 20);
        Report($"svd n={n}", threads, () => Torch.Linalg.Svd(a).S, 5);
    }

    static void Report(string what, int threads, Func<Tensor> action, int iterations)
    {
        var warm = Stopwatch.StartNew();
        for (int i = 0; i < 3 || warm.Elapsed.TotalSeconds < 3; i++) action(); // tiered JIT settles
        var wall = new double[iterations];
        var proc = Process.GetCurrentProcess();
        var cpu0 = proc.TotalProcessorTime;
        for (int i = 0; i < iterations; i++)
        {
            long t0 = Stopwatch.GetTimestamp();
            action();
            wall[i] = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
        }
        proc.Refresh();
        double cpuMs = (proc.TotalProcessorTime - cpu0).TotalMilliseconds / iterations;
        Array.Sort(wall);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"linalg {what} float64 threads={threads} median_ms={wall[iterations / 2]:F2} cpu_ms={cpuMs:F2} iters={iterations}"));
    }
}
