using System.Numerics;

namespace Flint.Kernels.Cpu;

/// <summary>
/// Splits one GEMM into independent sub-GEMMs, one per thread, with no synchronisation inside:
/// by rows or by columns of C, on <see cref="GemmWorkers"/>.
/// </summary>
internal static unsafe class GemmParallel<T, K> where T : unmanaged, INumber<T> where K : struct, IGemmMicroKernel<T>
{
    public static void Run(in GemmArgs<T> g, int maxThreads)
    {
        long work = (long)g.M * g.N * g.K;
        int threads = work < Gemm.ParallelThreshold ? 1 : maxThreads;
        if (threads <= 1) { Blocked(g); return; }

        var parts = new GemmArgs<T>[threads];
        int count = 0;
        // A row split makes every thread pack all of B (k×n), a column split all of A (m×k):
        // duplicate the smaller one, as long as each thread still gets a few tiles.
        bool byRows = g.N < threads * K.NR * 2 || (g.M >= g.N && g.M >= threads * K.MR * 2);
        if (byRows)
        {
            // Row split, MR-aligned so no thread gets a partial tile in the middle.
            int tiles = (g.M + K.MR - 1) / K.MR;
            for (int t = 0; t < threads; t++)
            {
                int i0 = Math.Min(g.M, (int)((long)tiles * t / threads) * K.MR);
                int i1 = Math.Min(g.M, (int)((long)tiles * (t + 1) / threads) * K.MR);
                if (i1 > i0) parts[count++] = g.Rows(i0, i1);
            }
        }
        else
        {
            int tiles = (g.N + K.NR - 1) / K.NR;
            for (int t = 0; t < threads; t++)
            {
                int j0 = Math.Min(g.N, (int)((long)tiles * t / threads) * K.NR);
                int j1 = Math.Min(g.N, (int)((long)tiles * (t + 1) / threads) * K.NR);
                if (j1 > j0) parts[count++] = g.Cols(j0, j1);
            }
        }
        if (count == 1) { Blocked(parts[0]); return; }
        GemmWorkers.Run(count, new BlockedParts(parts));
    }

    sealed class BlockedParts(GemmArgs<T>[] parts) : IGemmPart
    {
        public void Execute(int part) => Blocked(parts[part]);
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

    static void Blocked(in GemmArgs<T> g)
        => GemmBlocked<T, K>.Run(g.M, g.N, g.K, g.Alpha, g.A, g.RsA, g.CsA, g.B, g.RsB, g.CsB, g.Beta, g.C, g.RsC, g.CsC);
}
