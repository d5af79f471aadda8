using System.Runtime.CompilerServices;

namespace Flint.Kernels.Cpu;

/// <summary>
/// Convolution as GEMM over im2col columns, per sample and group. All tensors contiguous, float or double.
/// Shapes (spatial dims flattened): x [N, G·Cg, inPlane]; w [G·CoutG, Cg·k] (normal) or [G·Cg, CoutG·k] (transposed).
/// </summary>
public static unsafe class ConvKernels
{
    /// <summary>y[n, g] = W_g @ im2col(x[n, g]) (+ bias added by the caller's loop below).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Forward<T>(T* x, T* w, T* bias, T* y, int n, int groups, int coutG, in ConvGeometry g) where T : unmanaged
    {
        int rows = g.ColRows, outPlane = g.OutputPlane, inG = g.Channels * g.InputPlane;
        T[]? colsArr = g.IsPointwise ? null : GC.AllocateUninitializedArray<T>(rows * outPlane);
        fixed (T* cols0 = colsArr)
            for (int s = 0; s < n; s++)
                for (int gi = 0; gi < groups; gi++)
                {
                    T* xs = x + ((nint)s * groups + gi) * inG;
                    T* cols = cols0;
                    if (g.IsPointwise) cols = xs; else Im2Col.Unroll(xs, cols, g);
                    T* ys = y + ((nint)s * groups * coutG + (nint)gi * coutG) * outPlane;
                    Mm(coutG, outPlane, rows, w + (nint)gi * coutG * rows, rows, 1, cols, outPlane, 1, ys, outPlane, 0);
                    if (bias != null) AddBias(ys, bias + (nint)gi * coutG, coutG, outPlane);
                }
    }

    /// <summary>Transposed convolution: y[n, g] = col2im(W_gᵀ @ x[n, g]); g describes the *output* as its input side.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void ForwardTransposed<T>(T* x, T* w, T* bias, T* y, int n, int groups, int cinG, in ConvGeometry g) where T : unmanaged, System.Numerics.INumber<T>
    {
        // g: Channels = CoutG, Input* = this op's output spatial, Output* = this op's input spatial.
        int rows = g.ColRows, inPlane = g.OutputPlane, outPlane = g.InputPlane, coutG = g.Channels;
        var colsArr = GC.AllocateUninitializedArray<T>(rows * inPlane);
        new Span<T>(y, n * groups * coutG * outPlane).Clear();
        fixed (T* cols = colsArr)
            for (int s = 0; s < n; s++)
                for (int gi = 0; gi < groups; gi++)
                {
                    T* xs = x + ((nint)s * groups + gi) * cinG * inPlane;
                    T* wg = w + (nint)gi * cinG * rows; // [cinG, rows] row-major; we need its transpose
                    Mm(rows, inPlane, cinG, wg, 1, rows, xs, inPlane, 1, cols, inPlane, 0);
                    T* ys = y + ((nint)s * groups + gi) * coutG * outPlane;
                    Im2Col.Fold(cols, ys, g);
                    if (bias != null) AddBias(ys, bias + (nint)gi * coutG, coutG, outPlane);
                }
    }

    /// <summary>
    /// dW_g += B[n, g] @ im2col(A[n, g])ᵀ summed over n. Normal conv: A = x, B = grad_out, dW [CoutG, Cg·k].
    /// Transposed conv: A = grad_out, B = x, dW [CinG, CoutG·k]. g describes A's unrolling.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void WeightGrad<T>(T* a, T* b, T* dw, int n, int groups, int bRowsG, in ConvGeometry g) where T : unmanaged
    {
        int rows = g.ColRows, outPlane = g.OutputPlane, aG = g.Channels * g.InputPlane;
        new Span<T>(dw, groups * bRowsG * rows).Clear();
        T[]? colsArr = g.IsPointwise ? null : GC.AllocateUninitializedArray<T>(rows * outPlane);
        fixed (T* cols0 = colsArr)
            for (int s = 0; s < n; s++)
                for (int gi = 0; gi < groups; gi++)
                {
                    T* as_ = a + ((nint)s * groups + gi) * aG;
                    T* cols = cols0;
                    if (g.IsPointwise) cols = as_; else Im2Col.Unroll(as_, cols, g);
                    T* bs = b + ((nint)s * groups + gi) * bRowsG * outPlane;
                    // dW[bRowsG, rows] += B[bRowsG, outPlane] @ colsᵀ[outPlane, rows]
                    Mm(bRowsG, rows, outPlane, bs, outPlane, 1, cols, 1, outPlane, dw + (nint)gi * bRowsG * rows, rows, 1);
                }
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
