using Flint.NN;
using Flint.Ops;
using static Flint.Tests.Compiler.DecompositionCheck;
using F = Flint.NN.Functional;

namespace Flint.Tests.Compiler;

/// <summary>The layers and losses of the W2–W5 models (linear, cross_entropy, nll_loss, mse_loss, batch_norm) run
/// through the decompositions: the same values and gradients as eager, with only primitives left.</summary>
public class FunctionalDecompositionTests
{
    // float32 sums of up to ~100 terms, in different orders on the two sides (and in float64 in the eager
    // nll_loss): 1e-5 relative plus 1e-6 absolute; float64: 1e-12 and 1e-14.
    private static Tol TolFor(DType t) => t == DType.Float32 ? new(1e-5, 1e-6) : new(1e-12, 1e-14);

    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    public void LinearKeepsItsMatrixProductsExtern(DType dtype)
    {
        var w = Randn(dtype, 0.3, 10, 13);
        var b = Randn(dtype, 0.3, 10);
        foreach (var shape in new long[][] { [7, 13], [3, 5, 13], [13] })
        {
            var x = Randn(dtype, 1, shape);
            Check(null, a => [F.Linear(a[0], a[1], a[2])], [x, w, b], TolFor(dtype));
            Check(null, a => [F.Linear(a[0], a[1])], [x, w], TolFor(dtype));
        }
        var (_, ops) = RunDecomposed(() => [F.Linear(Randn(dtype, 1, 7, 13), w, b)]);
        Assert.Equal(OpKind.Extern, Assert.Single(ops, op => op.Name == "addmm").Kind);
    }

    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    public void AddmmSplitsIntoMmAndAnEpilogueWhenAsked(DType dtype)
    {
        Func<Op, bool> withAddmm = op => op.Kind == OpKind.Composite || op.Name == "addmm";
        var m1 = Randn(dtype, 1, 6, 11);
        var m2 = Randn(dtype, 1, 11, 5);
        foreach (var bias in new[] { Randn(dtype, 1, 5), Randn(dtype, 1, 6, 5), Randn(dtype, 1, 1, 5) })
        {
            Check("addmm", a => [a[0].Addmm(a[1], a[2])], [bias, m1, m2], TolFor(dtype), filter: withAddmm);
            Check("addmm", a => [a[0].Addmm(a[1], a[2], 0.5, -2)], [bias, m1, m2], TolFor(dtype), filter: withAddmm);
        }
        // beta = 0 ignores the bias, NaN included
        var nan = Torch.Full([5], double.NaN, dtype);
        Check("addmm", a => [a[0].Addmm(a[1], a[2], 0, 1)], [nan, m1, m2], TolFor(dtype), grads: false, filter: withAddmm);
        var (_, ops) = RunDecomposed(() => [nan.Addmm(m1, m2)], withAddmm);
        Assert.Contains(ops, op => op.Name == "mm");
    }

    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    public void CrossEntropyAndNllLossMatchEager(DType dtype)
    {
        var target = Torch.Tensor(new long[] { 2, 0, 4, 4, 1, 3, 0 });
        var ignoring = Torch.Tensor(new long[] { 2, -100, 4, 4, -100, 3, 0 });
        var weight = Torch.Rand([5], dtype, new Generator(5)) + 0.5;
        var logits = Randn(dtype, 2, 7, 5);
        foreach (var reduction in new[] { Reduction.Mean, Reduction.Sum, Reduction.None })
        {
            Check("_log_softmax", a => [F.CrossEntropy(a[0], target, reduction: reduction)], [logits], TolFor(dtype));
            // class weights are constants (buffers), as in PyTorch, where nll_loss has no derivative for them
            Check("nll_loss_nd", a => [F.CrossEntropy(a[0], target, weight, reduction: reduction)], [logits], TolFor(dtype));
            Check("nll_loss_nd", a => [F.CrossEntropy(a[0], ignoring, reduction: reduction)], [logits], TolFor(dtype));
            Check("nll_loss_nd", a => [F.NllLoss(a[0].LogSoftmax(1), ignoring, weight, reduction: reduction)], [logits], TolFor(dtype));
        }
        // one sample (1-D logits) and a spatial target (N, C, d)
        Check("nll_loss_nd", a => [F.CrossEntropy(a[0], Torch.Tensor(3L))], [Randn(dtype, 1, 5)], TolFor(dtype));
        var spatialTarget = Torch.Tensor(new long[] { 0, 2, 1, 2, 2, 0 }).View(2, 3);
        Check("nll_loss_nd", a => [F.CrossEntropy(a[0], spatialTarget, reduction: Reduction.None)], [Randn(dtype, 1, 2, 3, 3)], TolFor(dtype));
    }

    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    public void BinaryCrossEntropyMatchesEager(DType dtype)
    {
        var probabilities = Randn(dtype, 2, 5, 7).Sigmoid();
        var target = Torch.Rand([5, 7], dtype, new Generator(11));
        foreach (var reduction in new[] { Reduction.Mean, Reduction.Sum, Reduction.None })
            Check("binary_cross_entropy", a => [F.BinaryCrossEntropy(a[0], a[1], reduction: reduction)], [probabilities, target], TolFor(dtype));
    }

    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    public void MseLossMatchesEager(DType dtype)
    {
        foreach (var reduction in new[] { Reduction.Mean, Reduction.Sum, Reduction.None })
            Check(reduction == Reduction.Mean ? "mean" : null, a => [F.MseLoss(a[0], a[1], reduction)],
                [Randn(dtype, 1, 4, 9), Randn(dtype, 1, 4, 9)], TolFor(dtype));
    }

    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    public void BatchNormMatchesEagerWithItsRunningStatisticsUpdatedInPlace(DType dtype)
    {
        var x = Randn(dtype, 2, 6, 3, 5) + 0.5;
        var w = Randn(dtype, 1, 3);
        var b = Randn(dtype, 1, 3);
        var mean0 = Randn(dtype, 0.1, 3);
        var var0 = Torch.Rand([3], dtype, new Generator(9)) + 0.5;
        foreach (var training in new[] { true, false })
        {
            Tensor rmE = mean0.Clone(), rvE = var0.Clone(), rmD = mean0.Clone(), rvD = var0.Clone();
            var expected = F.BatchNorm(x, rmE, rvE, w, b, training, 0.1, 1e-5);
            var (actual, ops) = RunDecomposed(() => [F.BatchNorm(x, rmD, rvD, w, b, training, 0.1, 1e-5)]);
            AssertClose("batch_norm", expected, actual[0], TolFor(dtype));
            AssertClose("running_mean", rmE, rmD, TolFor(dtype));
            AssertClose("running_var", rvE, rvD, TolFor(dtype));
            Assert.All(ops, op => Assert.True(op.IsPrimitive, op.ToString()));
            // the updates stay visible as in-place ops on the buffers (copy_), not raw writes
            Assert.Equal(training ? 2 : 0, ops.Count(op => op.InPlace && op.Name == "copy_"));
            Check(training ? "var" : null, a => [F.BatchNorm(a[0], mean0.Clone(), var0.Clone(), a[1], a[2], training, 0.1, 1e-5)],
                [x, w, b], TolFor(dtype));
        }
    }

    [Fact]
    public void BatchNormModuleCountsBatchesWithAnInPlaceOp()
    {
        var bn = new BatchNorm2d(3);
        var x = Randn(DType.Float32, 1, 4, 3, 2, 2);
        var rec = new OpRecorder();
        using (rec.Push()) bn.Forward(x);
        Assert.Equal(1L, bn.num_batches_tracked!.Item<long>());
        Assert.Equal(3, rec.Ops.Count(op => op.Name == "copy_")); // num_batches_tracked, running_mean, running_var
    }
}

/// <summary>Dropout draws its mask with a random op, so a decomposed (or captured) run draws the same mask.</summary>
[Collection("DefaultGenerator")]
public class DropoutDecompositionTests
{
    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    [InlineData(DType.BFloat16)]
    public void DropoutDrawsTheSameMaskAfterTheSameSeed(DType dtype)
    {
        var x = Torch.Randn([5, 37], dtype, new Generator(3));
        Torch.ManualSeed(42);
        var expected = F.Dropout(x, 0.3);
        Torch.ManualSeed(42);
        var (actual, ops) = RunDecomposed(() => [F.Dropout(x, 0.3)]);
        Assert.Equal(expected.To(DType.Float64).ToArray<double>(), actual[0].To(DType.Float64).ToArray<double>());
        Assert.Contains(ops, op => op.Kind == OpKind.Random && op.Name == "bernoulli_");
        Assert.All(ops, op => Assert.True(op.IsPrimitive, op.ToString()));
    }
}
