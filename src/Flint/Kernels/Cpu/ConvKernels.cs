using System.Runtime.CompilerServices;

namespace Flint.Kernels.Cpu;

/// <summary>
/// Convolution as GEMM over im2col columns, per sample and group. All tensors contiguous, float or double.
/// Shapes (spatial dims flattened): x [N, G·Cg, inPlane]; w [G·CoutG, Cg·k] (normal) or [G·Cg, CoutG·k] (transposed).
/// </summary>
public static unsafe class ConvKernels
{
    /// <summary>
    /// Samples run in parallel when each sample's GEMMs are too small to split themselves (the GEMM then stays on
    /// the calling thread); larger problems go one sample at a time and let the GEMM use the cores.
    /// </summary>
    private static int Partitions(int n, long gemmWork)
        => gemmWork < Gemm.ParallelThreshold && n > 1 ? Math.Min(n, CpuParallel.MaxThreads) : 1;

    /// <summary>Runs body(partition, firstSample, endSample) over contiguous sample ranges.</summary>
    private static void ForPartitions(int parts, int n, Action<int, int, int> body)
    {
        if (parts <= 1) { body(0, 0, n); return; }
        CpuParallel.ForParts(parts, p =>
        {
            int s0 = (int)((long)n * p / parts), s1 = (int)((long)n * (p + 1) / parts);
            if (s1 > s0) body(p, s0, s1);
        });
    }

    /// <summary>y[n, g] = W_g @ im2col(x[n, g]) + bias.</summary>
    public static void Forward<T>(T* x, T* w, T* bias, T* y, int n, int groups, int coutG, ConvGeometry g) where T : unmanaged
    {
        if (typeof(T) == typeof(float) && DirectConv2d.Applies(groups, g))
        {
            DirectConv2d.Forward((float*)x, (float*)w, (float*)bias, (float*)y, n, coutG, g);
            return;
        }
        int rows = g.ColRows, outPlane = g.OutputPlane, inG = g.Channels * g.InputPlane;
        nint px = (nint)x, pw = (nint)w, pb = (nint)bias, py = (nint)y;
        if (groups == 1 && !g.IsPointwise && n > 1 && (long)rows * outPlane * n <= 1L << 24)
        {
            // Small per-sample GEMMs waste their packing: unroll each core's samples side by side into one matrix,
            // run one GEMM per core, then scatter [Cout, S·plane] back to [S, Cout, plane].
            ForPartitions(Math.Min(n, CpuParallel.MaxThreads), n, (_, s0, s1) =>
            {
                int S = s1 - s0;
                nint wide = (nint)S * outPlane;
                T* cols = Scratch<T>.Get(0, rows * S * outPlane), o = Scratch<T>.Get(1, coutG * S * outPlane);
                {
                    for (int s = 0; s < S; s++) Im2Col.Unroll((T*)px + (nint)(s0 + s) * inG, cols + (nint)s * outPlane, g, wide);
                    Mm(coutG, (int)wide, rows, (T*)pw, rows, 1, cols, wide, 1, o, wide, 0);
                    for (int s = 0; s < S; s++)
                    {
                        T* ys = (T*)py + (nint)(s0 + s) * coutG * outPlane;
                        for (int c = 0; c < coutG; c++)
                            new ReadOnlySpan<T>(o + c * wide + (nint)s * outPlane, outPlane).CopyTo(new Span<T>(ys + (nint)c * outPlane, outPlane));
                        if (pb != 0) AddBias(ys, (T*)pb, coutG, outPlane);
                    }
                }
            });
            return;
        }
        ForPartitions(Partitions(n, (long)coutG * outPlane * rows * groups), n, (_, s0, s1) =>
        {
            T* cols0 = g.IsPointwise ? null : Scratch<T>.Get(0, rows * outPlane);
                for (int s = s0; s < s1; s++)
                    for (int gi = 0; gi < groups; gi++)
                    {
                        T* xs = (T*)px + ((nint)s * groups + gi) * inG;
                        T* cols = cols0;
                        if (g.IsPointwise) cols = xs; else Im2Col.Unroll(xs, cols, g);
                        T* ys = (T*)py + ((nint)s * groups * coutG + (nint)gi * coutG) * outPlane;
                        Mm(coutG, outPlane, rows, (T*)pw + (nint)gi * coutG * rows, rows, 1, cols, outPlane, 1, ys, outPlane, 0);
                        if (pb != 0) AddBias(ys, (T*)pb + (nint)gi * coutG, coutG, outPlane);
                    }
        });
    }

    /// <summary>Transposed convolution: y[n, g] = col2im(W_gᵀ @ x[n, g]); g describes the *output* as its input side.</summary>
    public static void ForwardTransposed<T>(T* x, T* w, T* bias, T* y, int n, int groups, int cinG, ConvGeometry g) where T : unmanaged, System.Numerics.INumber<T>
    {
        // g: Channels = CoutG, Input* = this op's output spatial, Output* = this op's input spatial.
        if (typeof(T) == typeof(float) && DirectConv2d.TryTransposed((float*)x, (float*)w, (float*)bias, (float*)y, n, groups, cinG, g)) return;
        int rows = g.ColRows, inPlane = g.OutputPlane, outPlane = g.InputPlane, coutG = g.Channels;
        new Span<T>(y, n * groups * coutG * outPlane).Clear();
        nint px = (nint)x, pw = (nint)w, pb = (nint)bias, py = (nint)y;
        ForPartitions(Partitions(n, (long)rows * inPlane * cinG * groups), n, (_, s0, s1) =>
        {
            T* cols = Scratch<T>.Get(0, rows * inPlane);
                for (int s = s0; s < s1; s++)
                    for (int gi = 0; gi < groups; gi++)
                    {
                        T* xs = (T*)px + ((nint)s * groups + gi) * cinG * inPlane;
                        T* wg = (T*)pw + (nint)gi * cinG * rows; // [cinG, rows] row-major; we need its transpose
                        Mm(rows, inPlane, cinG, wg, 1, rows, xs, inPlane, 1, cols, inPlane, 0);
                        T* ys = (T*)py + ((nint)s * groups + gi) * coutG * outPlane;
                        Im2Col.Fold(cols, ys, g);
                        if (pb != 0) AddBias(ys, (T*)pb + (nint)gi * coutG, coutG, outPlane);
                    }
        });
    }

    /// <summary>
    /// dW_g = Σₙ B[n, g] @ im2col(A[n, g])ᵀ. Normal conv: A = x, B = grad_out, dW [CoutG, Cg·k].
    /// Transposed conv: A = grad_out, B = x, dW [CinG, CoutG·k]. g describes A's unrolling.
    /// Parallel partitions accumulate into their own buffers, summed at the end.
    /// </summary>
    public static void WeightGrad<T>(T* a, T* b, T* dw, int n, int groups, int bRowsG, ConvGeometry g) where T : unmanaged, System.Numerics.INumber<T>
    {
        if (typeof(T) == typeof(float) && DirectConv2d.Applies(groups, g))
        {
            DirectConv2d.WeightGrad((float*)a, (float*)b, (float*)dw, n, bRowsG, g);
            return;
        }
        int rows = g.ColRows, outPlane = g.OutputPlane, aG = g.Channels * g.InputPlane, wLen = groups * bRowsG * rows;
        int parts = Partitions(n, (long)bRowsG * rows * outPlane * groups);
        var partial = new T[parts > 1 ? parts - 1 : 0][];
        for (int p = 0; p < partial.Length; p++) partial[p] = new T[wLen];
        new Span<T>(dw, wLen).Clear();
        nint pa = (nint)a, pbb = (nint)b, pdw = (nint)dw;
        ForPartitions(parts, n, (part, s0, s1) =>
        {
            T* cols0 = g.IsPointwise ? null : Scratch<T>.Get(0, rows * outPlane);
            fixed (T* acc0 = part == 0 ? null : partial[part - 1])
            {
                T* acc = part == 0 ? (T*)pdw : acc0;
                for (int s = s0; s < s1; s++)
                    for (int gi = 0; gi < groups; gi++)
                    {
                        T* as_ = (T*)pa + ((nint)s * groups + gi) * aG;
                        T* cols = cols0;
                        if (g.IsPointwise) cols = as_; else Im2Col.Unroll(as_, cols, g);
                        T* bs = (T*)pbb + ((nint)s * groups + gi) * bRowsG * outPlane;
                        // dW[bRowsG, rows] += B[bRowsG, outPlane] @ colsᵀ[outPlane, rows]
                        Mm(bRowsG, rows, outPlane, bs, outPlane, 1, cols, 1, outPlane, acc + (nint)gi * bRowsG * rows, rows, 1);
                    }
            }
        });
        var total = new Span<T>(dw, wLen);
        foreach (var p in partial)
            for (int i = 0; i < wLen; i++) total[i] += p[i];
    }

    private static void AddBias<T>(T* y, T* bias, int channels, int plane) where T : unmanaged
    {
        if (typeof(T) == typeof(float))
            for (int c = 0; c < channels; c++) System.Numerics.Tensors.TensorPrimitives.Add(new ReadOnlySpan<float>((float*)y + (nint)c * plane, plane), ((float*)bias)[c], new Span<float>((float*)y + (nint)c * plane, plane));
        else
            for (int c = 0; c < channels; c++) System.Numerics.Tensors.TensorPrimitives.Add(new ReadOnlySpan<double>((double*)y + (nint)c * plane, plane), ((double*)bias)[c], new Span<double>((double*)y + (nint)c * plane, plane));
    }

    /// <summary>C = A @ B + beta·C with general strides, float or double.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Mm<T>(int m, int n, int k, T* a, nint rsA, nint csA, T* b, nint rsB, nint csB, T* c, nint rsC, double beta) where T : unmanaged
    {
        if (typeof(T) == typeof(float)) Gemm.Sgemm(m, n, k, 1f, (float*)a, rsA, csA, (float*)b, rsB, csB, (float)beta, (float*)c, rsC, 1);
        else Gemm.Dgemm(m, n, k, 1.0, (double*)a, rsA, csA, (double*)b, rsB, csB, beta, (double*)c, rsC, 1);
    }
}
