using System.Numerics;

namespace Flint.Kernels.Cpu;

/// <summary>
/// Chooses how one GEMM uses the cores: small ones run on the calling thread, large ones on
/// <see cref="GemmShared{T,K}"/>'s shared task list, unpacked ones split by columns.
/// </summary>
internal static unsafe class GemmParallel<T, K> where T : unmanaged, INumber<T> where K : struct, IGemmMicroKernel<T>
{
    public static void Run(in GemmArgs<T> g, int maxThreads)
    {
        long work = (long)g.M * g.N * g.K;
        if (work < Gemm.ParallelThreshold || maxThreads <= 1) Blocked(g);
        else GemmShared<T, K>.Run(in g, maxThreads);
    }

    sealed class SmallParts(GemmArgs<T> g, int tiles, int threads, int chunk) : IGemmPart
    {
        public void Execute(int t)
        {
            int j0 = Math.Min(g.N, (int)((long)tiles * t / threads) * chunk);
            int j1 = Math.Min(g.N, (int)((long)tiles * (t + 1) / threads) * chunk);
            if (j1 > j0) Small(g, j0, j1);
        }
    }

    /// <summary>The unpacked path; threads split the columns (m == 1 with a large B is memory-bound, and two cores stream faster).</summary>
    public static void RunSmall(in GemmArgs<T> g, int threads)
    {
        int chunk = 64;
        int tiles = (g.N + chunk - 1) / chunk;
        threads = Math.Min(threads, tiles);
        if (threads <= 1) { Small(g, 0, g.N); return; }
        GemmWorkers.Run(threads, new SmallParts(g, tiles, threads, chunk));
    }

    static void Small(in GemmArgs<T> g, int j0, int j1)
        => GemmSmall<T>.Run(g.M, j0, j1, g.K, g.Alpha, g.A, g.RsA, g.CsA, g.B, g.RsB, g.CsB, g.Beta, g.C, g.RsC, g.CsC);

    static void Blocked(in GemmArgs<T> g) => GemmBlocked<T, K>.Run(in g);
}
