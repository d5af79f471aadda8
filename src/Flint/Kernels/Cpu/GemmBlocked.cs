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
    public static void Run(int m, int n, int k, T alpha, T* a, nint rsA, nint csA,
        T* b, nint rsB, nint csB, T beta, T* c, nint rsC, nint csC)
    {
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
                T betaBlk = pc == 0 ? beta : T.One;
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
                        {
                            int mr = Math.Min(MR, mc - ir);
                            T* cTile = c + (ic + ir) * rsC + (jc + jr) * csC;
                            T* aPanel = ap + ir * kc;
                            if (mr == MR && nr == NR && csC == 1)
                                K.Run(kc, aPanel, bPanel, cTile, rsC, alpha, betaBlk);
                            else
                            {
                                // Edge or strided-C tile: compute the full padded tile aside, merge the valid part.
                                K.Run(kc, aPanel, bPanel, tile, NR, T.One, T.Zero);
                                MergeTile(mr, nr, tile, NR, cTile, rsC, csC, alpha, betaBlk);
                            }
                        }
                    }
                }
            }
        }
    }

    static int RoundUp(int x, int m) => (x + m - 1) / m * m;

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
