using System.Numerics;
using System.Runtime.CompilerServices;

namespace Flint.Kernels.Cpu;

/// <summary>
/// Direct GEMM without packing, for problems too small to amortise packing (tiny MLP layers)
/// and for m == 1 (vector × matrix), where each element of B is used once so packing it would
/// only add a second pass over memory. Two vector shapes cover the common layouts:
/// row-major B (axpy over rows of B) and column-major B (dot products, e.g. x @ W^T for nn.Linear).
/// Works on columns [j0, j1) so large m == 1 problems can be split across threads.
/// </summary>
internal static unsafe class GemmSmall<T> where T : unmanaged, INumber<T>
{
    /// <summary>Most elements of B copied to the stack for the row form (16 KiB of floats).</summary>
    const int SmallCopy = 4096;

    /// <summary>True when one of the vectorised layouts applies (tiny B in any layout is copied into one).</summary>
    public static bool Supports(int n, int k, nint csA, nint rsB, nint csB, nint csC)
        => (csB == 1 && csC == 1) || (csA == 1 && rsB == 1) || (csC == 1 && (long)k * n <= SmallCopy);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run(int m, int j0, int j1, int k, T alpha, T* a, nint rsA, nint csA,
        T* b, nint rsB, nint csB, T beta, T* c, nint rsC, nint csC)
    {
        bool dotsFit = csA == 1 && rsB == 1 && k >= 2 * Vector<T>.Count;
        if (csB == 1 && csC == 1 && !dotsFit) RowsAxpy(m, j0, j1, k, alpha, a, rsA, csA, b, rsB, beta, c, rsC);
        else if (csC == 1 && !dotsFit && (long)k * (j1 - j0) <= SmallCopy)
        {
            // Short dot products vectorise badly (k = 4 in a tiny MLP): copy the few B values
            // row-major onto the stack and use the row form instead.
            int w = j1 - j0;
            T* bt = stackalloc T[k * w];
            for (int p = 0; p < k; p++)
                for (int j = 0; j < w; j++) bt[p * w + j] = b[p * rsB + (j0 + j) * csB];
            RowsAxpy(m, 0, w, k, alpha, a, rsA, csA, bt, w, beta, c + j0, rsC);
        }
        else if (csA == 1 && rsB == 1) Dots(m, j0, j1, k, alpha, a, rsA, b, csB, beta, c, rsC, csC);
        else Naive(m, j0, j1, k, alpha, a, rsA, csA, b, rsB, csB, beta, c, rsC, csC);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static T Blend(T acc, T alpha, T beta, T* c) => beta == T.Zero ? alpha * acc : alpha * acc + beta * *c;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static Vector<T> Blend(Vector<T> acc, T alpha, T beta, T* c)
    {
        acc *= new Vector<T>(alpha);
        return beta == T.Zero ? acc : acc + new Vector<T>(beta) * Vector.Load(c);
    }

    /// <summary>C[i, j0:j1] = alpha * sum_p A[i,p] * B[p, j0:j1] + beta*C: 4 vector accumulators per row chunk.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static void RowsAxpy(int m, int j0, int j1, int k, T alpha, T* a, nint rsA, nint csA, T* b, nint rsB, T beta, T* c, nint rsC)
    {
        int W = Vector<T>.Count;
        for (int i = 0; i < m; i++)
        {
            T* ai = a + i * rsA; T* ci = c + i * rsC;
            int j = j0;
            for (; j + 4 * W <= j1; j += 4 * W)
            {
                Vector<T> s0 = default, s1 = default, s2 = default, s3 = default;
                T* bp = b + j;
                for (int p = 0; p < k; p++, bp += rsB)
                {
                    var x = new Vector<T>(ai[p * csA]);
                    s0 += x * Vector.Load(bp); s1 += x * Vector.Load(bp + W);
                    s2 += x * Vector.Load(bp + 2 * W); s3 += x * Vector.Load(bp + 3 * W);
                }
                Blend(s0, alpha, beta, ci + j).Store(ci + j);
                Blend(s1, alpha, beta, ci + j + W).Store(ci + j + W);
                Blend(s2, alpha, beta, ci + j + 2 * W).Store(ci + j + 2 * W);
                Blend(s3, alpha, beta, ci + j + 3 * W).Store(ci + j + 3 * W);
            }
            for (; j + W <= j1; j += W)
            {
                Vector<T> s0 = default;
                T* bp = b + j;
                for (int p = 0; p < k; p++, bp += rsB) s0 += new Vector<T>(ai[p * csA]) * Vector.Load(bp);
                Blend(s0, alpha, beta, ci + j).Store(ci + j);
            }
            for (; j < j1; j++)
            {
                T s = T.Zero;
                for (int p = 0; p < k; p++) s += ai[p * csA] * b[p * rsB + j];
                ci[j] = Blend(s, alpha, beta, ci + j);
            }
        }
    }

    /// <summary>C[i,j] = alpha * dot(A[i,:], B[:,j]) + beta*C with both operands contiguous along k; 4 columns share each load of A.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static void Dots(int m, int j0, int j1, int k, T alpha, T* a, nint rsA, T* b, nint csB, T beta, T* c, nint rsC, nint csC)
    {
        int W = Vector<T>.Count;
        for (int i = 0; i < m; i++)
        {
            T* ai = a + i * rsA; T* ci = c + i * rsC;
            int j = j0;
            for (; j + 4 <= j1; j += 4)
            {
                T* b0 = b + j * csB, b1 = b0 + csB, b2 = b1 + csB, b3 = b2 + csB;
                Vector<T> s0 = default, s1 = default, s2 = default, s3 = default;
                int p = 0;
                for (; p + W <= k; p += W)
                {
                    var x = Vector.Load(ai + p);
                    s0 += x * Vector.Load(b0 + p); s1 += x * Vector.Load(b1 + p);
                    s2 += x * Vector.Load(b2 + p); s3 += x * Vector.Load(b3 + p);
                }
                T t0 = Vector.Sum(s0), t1 = Vector.Sum(s1), t2 = Vector.Sum(s2), t3 = Vector.Sum(s3);
                for (; p < k; p++) { T x = ai[p]; t0 += x * b0[p]; t1 += x * b1[p]; t2 += x * b2[p]; t3 += x * b3[p]; }
                ci[j * csC] = Blend(t0, alpha, beta, ci + j * csC);
                ci[(j + 1) * csC] = Blend(t1, alpha, beta, ci + (j + 1) * csC);
                ci[(j + 2) * csC] = Blend(t2, alpha, beta, ci + (j + 2) * csC);
                ci[(j + 3) * csC] = Blend(t3, alpha, beta, ci + (j + 3) * csC);
            }
            for (; j < j1; j++)
            {
                T* bj = b + j * csB;
                Vector<T> s0 = default;
                int p = 0;
                for (; p + W <= k; p += W) s0 += Vector.Load(ai + p) * Vector.Load(bj + p);
                T t = Vector.Sum(s0);
                for (; p < k; p++) t += ai[p] * bj[p];
                ci[j * csC] = Blend(t, alpha, beta, ci + j * csC);
            }
        }
    }

    static void Naive(int m, int j0, int j1, int k, T alpha, T* a, nint rsA, nint csA, T* b, nint rsB, nint csB, T beta, T* c, nint rsC, nint csC)
    {
        for (int i = 0; i < m; i++)
            for (int j = j0; j < j1; j++)
            {
                T s = T.Zero;
                for (int p = 0; p < k; p++) s += a[i * rsA + p * csA] * b[p * rsB + j * csB];
                T* cij = c + i * rsC + j * csC;
                *cij = Blend(s, alpha, beta, cij);
            }
    }
}
