using Flint.Ops;
using Flint.NN;
using static Flint.Tests.Compiler.DecompositionCheck;

namespace Flint.Tests.Compiler;

/// <summary>softmax, log_softmax, layer_norm and their backward ops against their fused kernels.</summary>
public class SoftmaxNormDecompositionTests
{
    // The fused kernels and the decompositions sum the same rows in different orders (and the eager kernels
    // accumulate some sums wider), so they differ by the rounding of a row sum: a few ulp times the row's length
    // (up to 33 here) relative to the row's scale. float32: 2e-6 relative and absolute; float64: 1e-13 and 1e-14.
    private static Tol TolFor(DType t) => t == DType.Float32 ? new(2e-6, 2e-6) : new(1e-13, 1e-14);

    private static readonly long[][] Shapes = [[7], [3, 5], [2, 3, 17], [4, 1, 33]];

    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    public void SoftmaxAndLogSoftmaxMatchEager(DType dtype)
    {
        foreach (var shape in Shapes)
            for (int dim = -1; dim < shape.Length; dim++)
            {
                var x = Randn(dtype, 3, shape);
                Check("_softmax", a => [a[0].Softmax(dim)], [x], TolFor(dtype));
                Check("_log_softmax", a => [a[0].LogSoftmax(dim)], [x], TolFor(dtype));
            }
    }

    [Fact]
    public void LogSoftmaxKeepsTheMaxShiftForLargeLogits()
    {
        // without the shift, e^1000 overflows and every value is NaN. The logits carry only float32's precision at
        // 1000 (an ulp is 6.1e-5), so the two sides agree to within one such ulp; values only (the gradients at this
        // offset carry the same input rounding, amplified by exp; they are compared at ordinary scale above).
        var x = Randn(DType.Float32, 3, 4, 9) + 1000;
        var tol = new Tol(2e-6, 6.1e-5);
        Check("_log_softmax", a => [a[0].LogSoftmax(1)], [x], tol, grads: false);
        Check("_softmax", a => [a[0].Softmax(1)], [x], tol, grads: false);
    }

    [Fact]
    public void MaskedLogitsGiveZeroProbability()
    {
        var x = Randn(DType.Float32, 2, 3, 8);
        var masked = Torch.Where(Torch.Arange(8) >= 5, double.NegativeInfinity, x);
        Check("_softmax", a => [a[0].Softmax(-1)], [masked], TolFor(DType.Float32), grads: false);
    }

    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    public void SoftmaxBackwardOpsMatchEager(DType dtype)
    {
        foreach (var shape in Shapes)
        {
            var g = Randn(dtype, 1, shape);
            var x = Randn(dtype, 2, shape);
            int dim = shape.Length - 1;
            Check("_softmax_backward_data", a => [Dispatcher.Call1(new SoftmaxBackwardOp(dim, false), [a[0], a[1]])],
                [g, x.Softmax(dim)], TolFor(dtype));
            Check("_log_softmax_backward_data", a => [Dispatcher.Call1(new SoftmaxBackwardOp(dim, true), [a[0], a[1]])],
                [g, x.LogSoftmax(dim)], TolFor(dtype));
        }
    }

    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    public void LayerNormMatchesEager(DType dtype)
    {
        foreach (var (shape, normalized) in new (long[], long[])[] { ([3, 5], [5]), ([2, 3, 17], [17]), ([2, 3, 17], [3, 17]), ([9], [9]) })
        {
            var x = Randn(dtype, 2, shape) + 0.5;
            var w = Randn(dtype, 1, normalized);
            var b = Randn(dtype, 1, normalized);
            Check("native_layer_norm", a => { var r = Torch.NativeLayerNorm(a[0], normalized, a[1], a[2], 1e-5); return [r.Output, r.Mean, r.Rstd]; },
                [x, w, b], TolFor(dtype));
            Check("native_layer_norm", a => [Functional.LayerNorm(a[0], normalized)], [x], TolFor(dtype));
        }
    }

    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    public void LayerNormBackwardMatchesEager(DType dtype)
    {
        var x = Randn(dtype, 2, 4, 3, 11);
        var w = Randn(dtype, 1, 11);
        var g = Randn(dtype, 1, 4, 3, 11);
        var (_, mean, rstd) = Torch.NativeLayerNorm(x, [11], w, null, 1e-5);
        // the eager native_layer_norm_backward has no derivative of its own (double backward re-derives layer norm
        // from the forward), so only values are compared
        Check("native_layer_norm_backward", a => Dispatcher.Call(new NativeLayerNormBackwardOp([11], true), [a[0], a[1], a[2], a[3], a[4]]),
            [g, x, mean, rstd, w], TolFor(dtype), grads: false);
        Check("native_layer_norm_backward", a => Dispatcher.Call(new NativeLayerNormBackwardOp([11], false), [a[0], a[1], a[2], a[3], null]),
            [g, x, mean, rstd], TolFor(dtype), grads: false);
    }
}
