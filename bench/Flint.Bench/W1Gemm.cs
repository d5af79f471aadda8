using System.Globalization;
using Flint.Kernels.Cpu;

namespace Flint.Bench;

/// <summary>W1: C = A @ B, square N×N float32, GFLOP/s = 2·N³ / time; then the same on OpenBLAS (two threads each).</summary>
public sealed unsafe class W1Gemm : IWorkload
{
    public string Id => "W1";
    internal static readonly int[] Sizes = [128, 256, 512, 1024, 2048];
    public void Run(bool compiled)
    {
        int threads = BenchOptions.Threads;
        int[] sizes = BenchOptions.Sizes ?? Sizes;
        Gemm.Threads = threads;
        var flint = new Dictionary<int, double>();
        foreach (int n in sizes)
        {
            // The public API end to end: Torch.Matmul on Flint tensors (dispatch, checks, output allocation, GEMM).
            var a = Torch.FromArray(Harness.Randn(n * n, 1), n, n);
            var b = Torch.FromArray(Harness.Randn(n * n, 2), n, n);
            Tensor? c = null;
            var s = Harness.Measure(() => { c = Torch.Matmul(a, b); });
            GC.KeepAlive(c);
            flint[n] = Gflops(n, s.MedianMs);
            Console.WriteLine(Line("gemm", n, s, ""));
        }

        // OpenBLAS runs in a child process: its environment must lack OPENBLAS_CORETYPE/OPENBLAS_L2_SIZE
        // (read once when the library loads), and its spinning thread pool must not disturb our timings.
        foreach (var (n, line, gflops) in OpenBlas.RunChild(sizes, threads))
        {
            if (gflops is double g && flint.TryGetValue(n, out double f))
                Console.WriteLine(line + " ratio=" + (f / g).ToString("F2", CultureInfo.InvariantCulture));
            else Console.WriteLine(line);
        }
    }

    public static double Gflops(int n, double ms) => 2.0 * n * n * n / (ms * 1e-3) / 1e9;

    public static string Line(string name, int n, Stats s, string extra) => string.Create(CultureInfo.InvariantCulture,
        $"W1 {name} n={n} median_ms={s.MedianMs:F3} p10_ms={s.P10Ms:F3} p90_ms={s.P90Ms:F3} gflops={Gflops(n, s.MedianMs):F1}{extra}");
}
