using System.Numerics;
using System.Runtime.CompilerServices;

namespace Flint.Kernels.Cpu;

/// <summary>
/// The GotoBLAS/BLIS loop nest around one micro-kernel K, on one thread:
/// jc (NC columns: B block in L3) → pc (KC depth: pack B) → ic (MC rows: pack A, in L2)
/// → jr (NR: one B micro-panel stays in L1) → ir (MR: A micro-panels stream from L2) → kernel.
/// Pack buffers are per thread and reused, so a call allocates nothing once warm.
/// </summary>
internal static unsafe class GemmBlocked<T, K> where T : unmanaged, INumber<T> where K : struct, IGemmMicroKernel<T>
{
    [ThreadStatic] static PackBuffer<T>? s_a;
    [ThreadStatic] static PackBuffer<T>? s_b;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run(in GemmArgs<T> g)
    {
        int m = g.M, n = g.N, k = g.K;
        T* a = g.A, b = g.B;
        nint rsA = g.RsA, csA = g.CsA, rsB = g.RsB, csB = g.CsB;
        int MR = K.MR, NR = K.NR, KC = K.KC;
        int mcMax = Math.Min(K.MC, RoundUp(m, MR));
        int ncMax = Math.Min(K.NC, RoundUp(n, NR));
        // Balance depth blocks: k=300 runs as 150+150 rather than 256+44 (a thin block wastes
        // a whole pass over C for little work).
        int kBlocks = (k + KC - 1) / KC;
        KC = (k + kBlocks - 1) / kBlocks;
        int kcMax = KC;
        T* ap = (s_a ??= new PackBuffer<T>()).Get(mcMax * kcMax);
        T* bp = (s_b ??= new PackBuffer<T>()).Get(ncMax * kcMax);
        T* tile = stackalloc T[MR * NR + 64 / sizeof(T)];
        tile = (T*)(((nint)tile + 63) & ~(nint)63);

        for (int jc = 0; jc < n; jc += K.NC)
        {
            int nc = Math.Min(K.NC, n - jc);
            for (int pc = 0; pc < k; pc += KC)
            {
                int kc = Math.Min(KC, k - pc);
                GemmPacking<T>.PackB(NR, nc, kc, b + pc * rsB + jc * csB, rsB, csB, bp);
                for (int ic = 0; ic < m; ic += K.MC)
                {
                    int mc = Math.Min(K.MC, m - ic);
                    GemmPacking<T>.PackA(MR, mc, kc, a + ic * rsA + pc * csA, rsA, csA, ap);
                    for (int jr = 0; jr < nc; jr += NR)
                    {
                        int nr = Math.Min(NR, nc - jr);
                        T* bPanel = bp + jr * kc;
                        for (int ir = 0; ir < mc; ir += MR)
                            Tile(in g, Math.Min(MR, mc - ir), nr, ic + ir, jc + jr, kc, ap + ir * kc, bPanel, pc == 0, tile);
                    }
                }
            }
        }
    }

    static int RoundUp(int x, int m) => (x + m - 1) / m * m;

    /// <summary>
    /// One mr×nr tile of C at (i, j): adds alpha·(A panel @ B panel) over depth kc. The first depth block applies beta
    /// (to C, or to the row bias written in first); later blocks accumulate. Edge and strided-C tiles are computed
    /// whole into the aligned scratch tile and the valid part merged.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Tile(in GemmArgs<T> g, int mr, int nr, int i, int j, int kc, T* aPanel, T* bPanel, bool firstDepth, T* scratch)
    {
        T* cTile = g.C + i * g.RsC + j * g.CsC;
        T beta = firstDepth ? g.Beta : T.One;
        if (firstDepth && g.Bias != null)
        {
            FillBias(mr, nr, cTile, g.RsC, g.CsC, g.Bias + j * g.CsBias, g.CsBias, g.Beta);
            beta = T.One;
        }
        if (mr == K.MR && nr == K.NR && g.CsC == 1)
            K.Run(kc, aPanel, bPanel, cTile, g.RsC, g.Alpha, beta);
        else
        {
            K.Run(kc, aPanel, bPanel, scratch, K.NR, T.One, T.Zero);
            MergeTile(mr, nr, scratch, K.NR, cTile, g.RsC, g.CsC, g.Alpha, beta);
        }
    }

    /// <summary>C[r, q] = beta·bias[q] over an mr×nr tile (C's old values are never read).</summary>
    internal static void FillBias(int mr, int nr, T* c, nint rsC, nint csC, T* bias, nint csBias, T beta)
    {
        if (csC == 1 && csBias == 1)
        {
            // The common case: a few vectors per row, computed once and stored mr times.
            int w = Vector<T>.Count, q = 0;
            for (; q + w <= nr; q += w)
            {
                var v = Vector.LoadUnsafe(ref *(bias + q)) * beta;
                for (int r = 0; r < mr; r++) v.StoreUnsafe(ref *(c + r * rsC + q));
            }
            for (; q < nr; q++)
                for (int r = 0; r < mr; r++) c[r * rsC + q] = beta * bias[q];
            return;
        }
        for (int r = 0; r < mr; r++)
            for (int q = 0; q < nr; q++) c[r * rsC + q * csC] = beta * bias[q * csBias];
    }

    internal static void MergeTile(int mr, int nr, T* t, int ldt, T* c, nint rsC, nint csC, T alpha, T beta)
    {
        for (int i = 0; i < mr; i++)
            for (int j = 0; j < nr; j++)
            {
                T* cij = c + i * rsC + j * csC;
                T v = alpha * t[i * ldt + j];
                *cij = beta == T.Zero ? v : v + beta * *cij;
            }
    }
}

/// <summary>
/// A reusable 64-byte-aligned scratch buffer on the pinned object heap: pinned so the pointer is
/// stable, managed so a thread that exits leaves nothing behind.
/// </summary>
internal sealed unsafe class PackBuffer<T> where T : unmanaged
{
    T[]? _array;
    T* _ptr;
    int _capacity;

    public T* Get(int count)
    {
        if (count > _capacity)
        {
            // 64 bytes for alignment + 64 of slack for the overlapping stores of GemmPackAvx2.
            _array = GC.AllocateUninitializedArray<T>(count + 128 / sizeof(T), pinned: true);
            fixed (T* p = _array) _ptr = (T*)(((nint)p + 63) & ~(nint)63);
            _capacity = count;
        }
        return _ptr;
    }
}
