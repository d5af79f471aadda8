using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;

namespace Flint.Bench;

/// <summary>
/// The OpenBLAS peer for W1, via cblas_sgemm in libopenblas.so.0, loaded at run time so a
/// machine without it just reports that. Measured in a child process of this program with
/// OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE removed from its environment (forcing the core type
/// halves OpenBLAS's sgemm on AVX-512 machines, and both are read only when the library loads).
/// </summary>
public static unsafe class OpenBlas
{
    public const string ChildFlag = "--openblas-child";
    static readonly string[] Scrubbed = ["OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE"];

    /// <summary>Starts the child, echoes its info lines, and returns (n, result line, gflops) per size.</summary>
    public static List<(int N, string Line, double? Gflops)> RunChild(int[] sizes, int threads)
    {
        var results = new List<(int, string, double?)>();
        var psi = new ProcessStartInfo { RedirectStandardOutput = true, UseShellExecute = false };
        string self = Environment.ProcessPath!;
        psi.FileName = self;
        // Under `dotnet Flint.Bench.dll` the process is the host; pass the entry assembly to it.
        if (Path.GetFileNameWithoutExtension(self) == "dotnet") psi.ArgumentList.Add(typeof(OpenBlas).Assembly.Location);
        psi.ArgumentList.Add(ChildFlag);
        psi.ArgumentList.Add(threads.ToString(CultureInfo.InvariantCulture));
        foreach (int n in sizes) psi.ArgumentList.Add(n.ToString(CultureInfo.InvariantCulture));
        foreach (var v in Scrubbed) psi.Environment.Remove(v);

        using var p = Process.Start(psi)!;
        string? line;
        while ((line = p.StandardOutput.ReadLine()) != null)
        {
            // Result lines: "W1 gemm-openblas n=N ... gflops=G"; anything else is passed through.
            var parts = line.Split(' ');
            if (parts.Length > 3 && parts[1] == "gemm-openblas" && parts[2].StartsWith("n="))
            {
                int n = int.Parse(parts[2].AsSpan(2), CultureInfo.InvariantCulture);
                double? g = null;
                foreach (var part in parts)
                    if (part.StartsWith("gflops=")) g = double.Parse(part.AsSpan(7), CultureInfo.InvariantCulture);
                results.Add((n, line, g));
            }
            else Console.WriteLine(line);
        }
        p.WaitForExit();
        return results;
    }

    /// <summary>Child entry: args = threads, sizes...</summary>
    public static int ChildMain(string[] args)
    {
        int threads = int.Parse(args[0], CultureInfo.InvariantCulture);
        if (!NativeLibrary.TryLoad("libopenblas.so.0", out var lib) && !NativeLibrary.TryLoad("libopenblas", out lib))
        {
            Console.WriteLine("W1 gemm-openblas skipped: libopenblas.so.0 not found (apt-get install libopenblas-dev)");
            return 0;
        }
        var sgemm = (delegate* unmanaged<int, int, int, int, int, int, float, float*, int, float*, int, float, float*, int, void>)
            NativeLibrary.GetExport(lib, "cblas_sgemm");
        var setThreads = (delegate* unmanaged<int, void>)NativeLibrary.GetExport(lib, "openblas_set_num_threads");
        var corename = NativeLibrary.TryGetExport(lib, "openblas_get_corename", out var cn) ? (delegate* unmanaged<byte*>)cn : null;
        setThreads(threads);
        string core = corename != null ? Marshal.PtrToStringUTF8((nint)corename())! : "unknown";
        Console.WriteLine($"W1 openblas core={core} threads={threads}");

        const int RowMajor = 101, NoTrans = 111;
        foreach (var arg in args[1..])
        {
            int n = int.Parse(arg, CultureInfo.InvariantCulture);
            float[] a = Harness.Randn(n * n, 1), b = Harness.Randn(n * n, 2);
            float[] c = GC.AllocateUninitializedArray<float>(n * n, pinned: true);
            var s = Harness.Measure(() =>
            {
                fixed (float* pa = a, pb = b, pc = c)
                    sgemm(RowMajor, NoTrans, NoTrans, n, n, n, 1f, pa, n, pb, n, 0f, pc, n);
            });
            Console.WriteLine(W1Gemm.Line("gemm-openblas", n, s, ""));
        }
        return 0;
    }
}
