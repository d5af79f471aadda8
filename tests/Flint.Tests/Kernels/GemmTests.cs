using System.Runtime.Intrinsics.X86;
using Flint.Kernels.Cpu;

namespace Flint.Tests.Kernels;

/// <summary>
/// Gemm against a float64 triple loop over many shapes and layouts. All tests live in one class
/// because they flip Gemm's static test hooks (path, small mode, threads); xunit runs a class's
/// tests one at a time.
/// </summary>
public unsafe class GemmTests
{
    // Layouts: row-major or transposed (column-major) storage for A, B and C.
    public enum L { Row, Col }

    /// <summary>A strided matrix inside a padded buffer (padding checks we never write outside).</summary>
    sealed class Mat<T> where T : unmanaged
    {
        public readonly T[] Data; public readonly int Rows, Cols, Off; public readonly nint Rs, Cs;
        public Mat(int rows, int cols, L layout, Random rng, Func<double, T> conv, bool nanFill = false)
        {
            Rows = rows; Cols = cols; Off = 3;
            int ld = (layout == L.Row ? cols : rows) + 2; // padded leading dimension
            (Rs, Cs) = layout == L.Row ? ((nint)ld, (nint)1) : ((nint)1, (nint)ld);
            int len = Off + ld * Math.Max(layout == L.Row ? rows : cols, 1) + 8;
            Data = new T[len];
            for (int i = 0; i < len; i++) Data[i] = conv(nanFill ? double.NaN : rng.NextDouble() * 2 - 1);
        }
        public int Index(int i, int j) => Off + (int)(i * Rs + j * Cs);
    }

    static readonly Func<double, float> F = x => (float)x;
    static readonly Func<double, double> D = x => x;

    static void Check<T>(int m, int n, int k, double alpha, double beta, L la, L lb, L lc, bool nanC, Func<double, T> conv, Func<T, double> back, double tol)
        where T : unmanaged
    {
        var rng = new Random(m * 1000003 + n * 1009 + k * 7 + (int)la * 3 + (int)lb * 5 + (int)lc * 11);
        var A = new Mat<T>(m, k, la, rng, conv); var B = new Mat<T>(k, n, lb, rng, conv);
        var C = new Mat<T>(m, n, lc, rng, conv, nanFill: nanC);
        var before = (T[])C.Data.Clone();
        fixed (T* pa = A.Data, pb = B.Data, pc = C.Data)
        {
            if (typeof(T) == typeof(float))
                Gemm.Sgemm(m, n, k, (float)alpha, (float*)pa + A.Off, A.Rs, A.Cs, (float*)pb + B.Off, B.Rs, B.Cs, (float)beta, (float*)pc + C.Off, C.Rs, C.Cs);
            else
                Gemm.Dgemm(m, n, k, alpha, (double*)pa + A.Off, A.Rs, A.Cs, (double*)pb + B.Off, B.Rs, B.Cs, beta, (double*)pc + C.Off, C.Rs, C.Cs);
        }
        var inside = new bool[C.Data.Length];
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
            {
                double s = 0, mag = 0;
                for (int p = 0; p < k; p++)
                {
                    double t = back(A.Data[A.Index(i, p)]) * back(B.Data[B.Index(p, j)]);
                    s += t; mag += Math.Abs(t);
                }
                int ci = C.Index(i, j); inside[ci] = true;
                double expect = alpha * s + (beta == 0 ? 0 : beta * back(before[ci]));
                double got = back(C.Data[ci]);
                double bound = tol * (Math.Abs(alpha) * mag + Math.Abs(beta * (beta == 0 ? 0 : back(before[ci]))) + 1);
                Assert.True(Math.Abs(got - expect) <= bound,
                    $"m={m} n={n} k={k} alpha={alpha} beta={beta} {la}/{lb}/{lc}: C[{i},{j}]={got}, expected {expect}");
            }
        for (int x = 0; x < C.Data.Length; x++)
            if (!inside[x]) Assert.True(back(C.Data[x]).Equals(back(before[x])), $"wrote outside C at {x} (m={m} n={n} k={k})");
    }

    static void CheckBoth(int m, int n, int k, double alpha = 1, double beta = 0, L la = L.Row, L lb = L.Row, L lc = L.Row, bool nanC = false)
    {
        Check(m, n, k, alpha, beta, la, lb, lc, nanC, F, x => x, 1e-5);
        Check(m, n, k, alpha, beta, la, lb, lc, nanC, D, x => x, 1e-13);
    }

    static readonly int[] Sizes = [1, 2, 3, 5, 6, 7, 8, 15, 16, 17, 31, 33];

    /// <summary>Runs body under each micro-kernel this CPU can execute, with the small path off and on, 1 and 2 threads.</summary>
    static void ForEachConfig(Action body, bool bothSmallModes = true)
    {
        var paths = new List<GemmPath> { GemmPath.Scalar };
        if (Avx2.IsSupported && Fma.IsSupported) paths.Add(GemmPath.Avx2);
        if (Avx512F.IsSupported) paths.Add(GemmPath.Avx512);
        var modes = bothSmallModes ? new[] { GemmSmallMode.Never, GemmSmallMode.Always } : new[] { GemmSmallMode.Never };
        int saved = Gemm.Threads;
        try
        {
            foreach (var p in paths)
                foreach (var s in modes)
                    foreach (var t in new[] { 1, 2 })
                    {
                        Gemm.ForcePath = p; Gemm.SmallMode = s; Gemm.Threads = t;
                        body();
                    }
        }
        finally { Gemm.ForcePath = GemmPath.Auto; Gemm.SmallMode = GemmSmallMode.Auto; Gemm.Threads = saved; }
    }

    [Fact]
    public void SmallShapesAllKernels() => ForEachConfig(() =>
    {
        foreach (int m in Sizes) foreach (int n in Sizes) foreach (int k in new[] { 1, 4, 9, 17 })
            CheckBoth(m, n, k);
    });

    [Fact]
    public void TransposedLayouts() => ForEachConfig(() =>
    {
        foreach (var la in new[] { L.Row, L.Col }) foreach (var lb in new[] { L.Row, L.Col }) foreach (var lc in new[] { L.Row, L.Col })
        {
            CheckBoth(7, 19, 13, 1, 0, la, lb, lc);
            CheckBoth(1, 40, 33, 1, 0, la, lb, lc);
            CheckBoth(37, 1, 21, 1, 0, la, lb, lc);
            CheckBoth(70, 90, 40, 0.5, 2, la, lb, lc);
        }
    });

    [Fact]
    public void AlphaBeta() => ForEachConfig(() =>
    {
        foreach (var (alpha, beta) in new[] { (1.0, 1.0), (2.0, 0.0), (-0.5, 0.25), (1.0, -1.0), (0.0, 3.0) })
        {
            CheckBoth(13, 35, 29, alpha, beta);
            CheckBoth(3, 4, 5, alpha, beta, L.Col, L.Row, L.Col);
        }
    });

    [Fact]
    public void BetaZeroIgnoresNaNInC() => ForEachConfig(() =>
    {
        CheckBoth(9, 23, 11, 1, 0, nanC: true);
        CheckBoth(9, 23, 11, 2, 0, L.Col, L.Col, L.Col, nanC: true);
        CheckBoth(1, 50, 70, 1, 0, nanC: true);
        CheckBoth(4, 4, 0, 1, 0, nanC: true);   // k == 0: C = 0
        CheckBoth(100, 70, 300, 1, 0, nanC: true);
    });

    [Fact]
    public void KZeroScalesC()
    {
        CheckBoth(5, 6, 0, 1, 0.5);
        CheckBoth(5, 6, 0, 1, 1);
        CheckBoth(0, 6, 3); CheckBoth(5, 0, 3); CheckBoth(0, 0, 0);
    }

    /// <summary>Sizes that cross MC (144/72/128/64), KC (256, balanced) and NR/MR boundaries, multi-threaded splits included.</summary>
    [Fact]
    public void BlockBoundaries() => ForEachConfig(() =>
    {
        foreach (var (m, n, k) in new[] { (145, 33, 257), (73, 17, 513), (150, 150, 300), (200, 97, 130), (6, 300, 260), (290, 7, 20), (1, 257, 300), (129, 65, 64) })
            CheckBoth(m, n, k, 1, 0.5);
        CheckBoth(150, 130, 270, 1, 0, L.Col, L.Col, L.Row);
    }, bothSmallModes: false);

    [Fact]
    public void LargeSquareMultiThreaded()
    {
        int saved = Gemm.Threads;
        try
        {
            foreach (int t in new[] { 1, 2, 3 })
            {
                Gemm.Threads = t;
                Check(301, 283, 517, 1, 0, L.Row, L.Row, L.Row, false, F, x => x, 1e-5);
                Check(260, 4100, 40, 1, 1, L.Row, L.Col, L.Row, false, F, x => x, 1e-5); // crosses NC
                Check(301, 283, 517, 1, 0, L.Col, L.Row, L.Row, false, D, x => x, 1e-13);
            }
        }
        finally { Gemm.Threads = saved; }
    }

    /// <summary>
    /// A row bias (nn.Linear's addmm): C = alpha·A@B + beta·bias[j], C's old contents (NaN here) never read, on the
    /// small, single-threaded and shared paths, with strided C, a scalar bias (stride 0), k = 0 and alpha = 0.
    /// </summary>
    [Fact]
    public void RowBiasReplacesC() => ForEachConfig(() =>
    {
        var rng = new Random(5);
        foreach (var (m, n, k, alpha, beta, csBias, lc) in new[] {
            (7, 9, 5, 1.0, 1.0, 1, L.Row), (150, 70, 300, 1.0, 0.5, 1, L.Row), (300, 90, 520, 2.0, 1.0, 2, L.Col),
            (40, 600, 50, 1.0, -1.0, 0, L.Row), (20, 30, 0, 1.0, 2.0, 1, L.Row), (20, 30, 40, 0.0, 1.0, 1, L.Row) })
        {
            var A = new Mat<float>(m, k, L.Row, rng, F); var B = new Mat<float>(k, n, L.Col, rng, F);
            var C = new Mat<float>(m, n, lc, rng, F, nanFill: true);
            var bias = new float[Math.Max(1, n * csBias)];
            for (int j = 0; j < bias.Length; j++) bias[j] = (float)(rng.NextDouble() * 2 - 1);
            fixed (float* pa = A.Data, pb = B.Data, pc = C.Data, pbias = bias)
                Gemm.Sgemm(m, n, k, (float)alpha, pa + A.Off, A.Rs, A.Cs, pb + B.Off, B.Rs, B.Cs, (float)beta, pc + C.Off, C.Rs, C.Cs, pbias, csBias);
            for (int i = 0; i < m; i++)
                for (int j = 0; j < n; j++)
                {
                    double sum = 0, mag = 0;
                    for (int p = 0; p < k; p++) { double t = (double)A.Data[A.Index(i, p)] * B.Data[B.Index(p, j)]; sum += t; mag += Math.Abs(t); }
                    double expect = alpha * sum + beta * bias[j * csBias], got = C.Data[C.Index(i, j)];
                    Assert.True(Math.Abs(got - expect) <= 1e-5 * (Math.Abs(alpha) * mag + Math.Abs(beta) + 1),
                        $"m={m} n={n} k={k} alpha={alpha} beta={beta} csBias={csBias}: C[{i},{j}]={got}, expected {expect}");
                }
        }
    });

    /// <summary>
    /// The shared task list of multi-threaded GEMMs: few rows against many columns (column chunks), few columns (rows cut
    /// finer than MC), several NC and KC blocks with beta applied once per tile and the two B buffers alternating, a
    /// strided C, more threads than cores, and two GEMMs at once from two threads (the second runs inline).
    /// </summary>
    [Fact]
    public void SharedTaskListShapes()
    {
        int saved = Gemm.Threads;
        try
        {
            foreach (int t in new[] { 2, 3, 4 })
            {
                Gemm.Threads = t;
                Check(40, 1000, 600, 1, 0.5, L.Row, L.Row, L.Row, false, F, x => x, 1e-5);
                Check(700, 10, 600, 2, 0, L.Col, L.Col, L.Row, false, F, x => x, 1e-5);
                Check(130, 4200, 300, 1, -1, L.Row, L.Col, L.Col, false, F, x => x, 1e-5);
                Check(90, 300, 1100, 1, 1, L.Col, L.Row, L.Row, false, D, x => x, 1e-13);
            }
            Gemm.Threads = 2;
            Parallel.Invoke(
                () => Check(300, 200, 520, 1, 0.5, L.Row, L.Row, L.Row, false, F, x => x, 1e-5),
                () => Check(210, 310, 530, 1, 0.5, L.Col, L.Row, L.Row, false, F, x => x, 1e-5));
        }
        finally { Gemm.Threads = saved; }
    }

    /// <summary>
    /// Packing for every MR/NR in use (6/16 AVX2, 8/32 AVX-512, 4/4 scalar), including the vectorised
    /// transposes, checked directly so the AVX-512 shapes are covered on AVX2-only machines too.
    /// </summary>
    [Theory]
    [InlineData(6, 16)]
    [InlineData(8, 32)]
    [InlineData(4, 4)]
    [InlineData(5, 8)]
    public void PackingLayouts(int mr, int nr)
    {
        var rng = new Random(mr * 100 + nr);
        foreach (var (rows, depth) in new[] { (mr * 3, 8), (mr * 2 + 1, 19), (1, 3), (mr * 4, 256) })
            foreach (var layout in new[] { L.Row, L.Col })
            {
                // A: rows×depth; panels of mr rows, element (q*mr + r, p) at q*mr*depth + p*mr + r.
                var A = new Mat<float>(rows, depth, layout, rng, F);
                int panels = (rows + mr - 1) / mr;
                var ap = new float[panels * mr * depth + 64];
                fixed (float* src = A.Data, dst = ap)
                    GemmPacking<float>.PackA(mr, rows, depth, src + A.Off, A.Rs, A.Cs, dst);
                for (int i = 0; i < panels * mr; i++)
                    for (int p = 0; p < depth; p++)
                    {
                        float expect = i < rows ? A.Data[A.Index(i, p)] : 0f;
                        Assert.Equal(expect, ap[i / mr * mr * depth + p * mr + i % mr]);
                    }
                // B: depth×cols; panels of nr columns, element (p, q*nr + j) at q*nr*depth + p*nr + j.
                int cols = rows + 2;
                var B = new Mat<float>(depth, cols, layout, rng, F);
                int bpanels = (cols + nr - 1) / nr;
                var bp = new float[bpanels * nr * depth + 64];
                fixed (float* src = B.Data, dst = bp)
                    GemmPacking<float>.PackB(nr, cols, depth, src + B.Off, B.Rs, B.Cs, dst);
                for (int j = 0; j < bpanels * nr; j++)
                    for (int p = 0; p < depth; p++)
                    {
                        float expect = j < cols ? B.Data[B.Index(p, j)] : 0f;
                        Assert.Equal(expect, bp[j / nr * nr * depth + p * nr + j % nr]);
                    }
            }
    }

    [Fact]
    public void SizesThatAreNegativeThrow()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Gemm.Sgemm(-1, 2, 2, 1, null, 1, 1, null, 1, 1, 0, null, 1, 1));
    }
}
