using Flint;
using Flint.Autograd;

namespace Flint.Tests.Core;

public class AutogradTests
{
    private static Tensor Vec(params double[] v) => Torch.Tensor(v, DType.Float64);

    [Fact]
    public void RetainGradKeepsNonLeafGradient()
    {
        var x = Vec(1, 2, 3).RequiresGrad_();
        var y = x * 2;
        y.RetainGrad();
        (y * y).Sum().Backward();
        Assert.Equal(new[] { 4.0, 8, 12 }, y.Grad!.ToArray<double>());
        Assert.Equal(new[] { 8.0, 16, 24 }, x.Grad!.ToArray<double>());
    }

    [Fact]
    public void NonLeafHookCanReplaceGradient()
    {
        var x = Vec(1, 2).RequiresGrad_();
        var y = x * 3;
        Tensor? seen = null;
        y.RegisterHook(g => { seen = g; return g * 10; });
        y.Sum().Backward();
        Assert.Equal(new[] { 1.0, 1 }, seen!.ToArray<double>());
        Assert.Equal(new[] { 30.0, 30 }, x.Grad!.ToArray<double>());
    }

    [Fact]
    public void LeafHookRunsBeforeAccumulation()
    {
        var x = Vec(1, 2).RequiresGrad_();
        var h = x.RegisterHook(g => g * 2);
        (x * 1).Sum().Backward();
        Assert.Equal(new[] { 2.0, 2 }, x.Grad!.ToArray<double>());
        h.Remove();
        x.Grad = null;
        (x * 1).Sum().Backward();
        Assert.Equal(new[] { 1.0, 1 }, x.Grad!.ToArray<double>());
    }

    [Fact]
    public void GradientsAccumulateAcrossBackwardCalls()
    {
        var x = Vec(1, 2).RequiresGrad_();
        (x * x).Sum().Backward();
        (x * x).Sum().Backward();
        Assert.Equal(new[] { 4.0, 8 }, x.Grad!.ToArray<double>());
    }

    [Fact]
    public void SecondBackwardWithoutRetainGraphFails()
    {
        var x = Vec(1, 2).RequiresGrad_();
        var y = (x * x).Sum();
        y.Backward();
        var ex = Assert.Throws<InvalidOperationException>(() => y.Backward());
        Assert.Contains("Trying to backward through the graph a second time", ex.Message);
    }

    [Fact]
    public void RetainGraphAllowsSecondBackward()
    {
        var x = Vec(1, 2).RequiresGrad_();
        var y = (x * x).Sum();
        y.Backward(retainGraph: true);
        y.Backward();
        Assert.Equal(new[] { 4.0, 8 }, x.Grad!.ToArray<double>());
    }

    [Fact]
    public void GradWithCreateGraphGivesSecondDerivative()
    {
        var x = Vec(2.0).RequiresGrad_();
        var y = x * x * x; // y = x^3
        var dy = Torch.Autograd.Grad(y.Sum(), [x], createGraph: true)[0]!;
        Assert.Equal(12.0, dy.Item());          // 3x^2
        var d2y = Torch.Autograd.Grad(dy.Sum(), [x])[0]!;
        Assert.Equal(12.0, d2y.Item());         // 6x
        Assert.Null(x.Grad);                    // Grad() does not touch .Grad
    }

    [Fact]
    public void GradAllowUnused()
    {
        var x = Vec(1).RequiresGrad_();
        var z = Vec(1).RequiresGrad_();
        var y = (x * 2).Sum();
        var ex = Assert.Throws<InvalidOperationException>(() => Torch.Autograd.Grad(y, [x, z], retainGraph: true));
        Assert.Contains("appears to not have been used in the graph", ex.Message);
        var g = Torch.Autograd.Grad(y, [x, z], allowUnused: true);
        Assert.Equal(2.0, g[0]!.Item());
        Assert.Null(g[1]);
    }

    [Fact]
    public void NonScalarBackwardNeedsGradient()
    {
        var x = Vec(1, 2).RequiresGrad_();
        var y = x * 2;
        var ex = Assert.Throws<InvalidOperationException>(() => y.Backward());
        Assert.Equal("grad can be implicitly created only for scalar outputs", ex.Message);
        y.Backward(Vec(1, 10));
        Assert.Equal(new[] { 2.0, 20 }, x.Grad!.ToArray<double>());
    }

    [Fact]
    public void NoGradAndEnableGradScopes()
    {
        var x = Vec(1).RequiresGrad_();
        using (Torch.NoGrad())
        {
            Assert.False((x * 2).RequiresGrad);
            using (Torch.EnableGrad()) Assert.True((x * 2).RequiresGrad);
            Assert.False(Torch.IsGradEnabled());
        }
        Assert.True((x * 2).RequiresGrad);
        using (Torch.InferenceMode())
        {
            Assert.True(Torch.IsInferenceModeEnabled());
            Assert.False((x * 2).RequiresGrad);
        }
    }

    [Fact]
    public void BackwardOnTensorWithoutGradFnFails()
    {
        var ex = Assert.Throws<InvalidOperationException>(() => Vec(1).Sum().Backward());
        Assert.Equal("element 0 of tensors does not require grad and does not have a grad_fn", ex.Message);
    }

    [Fact]
    public void InPlaceOnLeafRequiringGradFails()
    {
        var x = Vec(1, 2).RequiresGrad_();
        var ex = Assert.Throws<InvalidOperationException>(() => x.Add_(1));
        Assert.Equal("a leaf Variable that requires grad is being used in an in-place operation.", ex.Message);
        using (Torch.NoGrad()) x.Add_(1); // allowed without grad recording (what optimizers do)
        Assert.Equal(new[] { 2.0, 3 }, x.ToArray<double>());
        Assert.Equal(1, x.Version);
    }

    [Fact]
    public void InPlaceOnNonLeafIsRecorded()
    {
        var x = Vec(1, 2).RequiresGrad_();
        var y = x * 2;
        y.Add_(1);
        Assert.Equal("CopyBackwards", y.GradFn!.Name);
        (y * y).Sum().Backward();
        Assert.Equal(new[] { 12.0, 20 }, x.Grad!.ToArray<double>()); // d/dx (2x+1)^2 = 4(2x+1)
    }

    [Fact]
    public void InPlaceWriteIntoViewRewritesBaseHistory()
    {
        var x = Vec(1, 2, 3).RequiresGrad_();
        var s = Vec(5).RequiresGrad_();
        var y = x * 1;                          // non-leaf base
        var v = y.AsStridedView(1);             // view of element 1
        v.Copy_(s * 2);
        Assert.Equal("CopySlices", y.GradFn!.Name);
        (y * Vec(1, 10, 100)).Sum().Backward();
        Assert.Equal(new[] { 1.0, 0, 100 }, x.Grad!.ToArray<double>());
        Assert.Equal(new[] { 20.0 }, s.Grad!.ToArray<double>());
        Assert.Equal(new[] { 1.0, 10, 3 }, y.Detach().ToArray<double>());
    }

    [Fact]
    public void ViewOfLeafInPlaceFails()
    {
        var x = Vec(1, 2, 3).RequiresGrad_();
        var ex = Assert.Throws<InvalidOperationException>(() => x.AsStridedView(0).Copy_(Vec(1)));
        Assert.Equal("a view of a leaf Variable that requires grad is being used in an in-place operation.", ex.Message);
    }

    private sealed class MyExp : Function
    {
        public override Tensor[] Forward(FunctionContext ctx, Tensor[] inputs)
        {
            var y = inputs[0].Exp();
            ctx.SaveForBackward(y);
            return [y];
        }

        public override Tensor?[] Backward(FunctionContext ctx, Tensor[] g) => [g[0] * ctx.SavedTensors[0]];
    }

    [Fact]
    public void CustomFunctionWithSaveForBackward()
    {
        var x = Vec(0.5, -1).RequiresGrad_();
        var y = Function.Apply<MyExp>(x);
        Assert.Equal("MyExpBackward", y.GradFn!.Name);
        Assert.False(y.GradFn is null);
        y.Sum().Backward();
        Assert.Equal(new[] { Math.Exp(0.5), Math.Exp(-1) }, x.Grad!.ToArray<double>());
        Assert.True(Torch.Autograd.GradCheck(t => Function.Apply<MyExp>(t[0]), [Vec(0.3, 0.7).RequiresGrad_()]));
    }

    [Fact]
    public void AnomalyModeNamesTheBackwardThatProducedNaN()
    {
        var x = Vec(0.0, 1).RequiresGrad_();
        var y = (x * 0).Log() * 0; // log(0) = -inf; its gradient 1/0·0 is nan
        using (Torch.Autograd.DetectAnomaly())
        {
            var ex = Assert.Throws<InvalidOperationException>(() => y.Sum().Backward());
            Assert.Contains("returned nan values", ex.Message);
            Assert.Contains("Backward0", ex.Message);
        }
    }

    [Fact]
    public void DetachSharesStorageAndVersion()
    {
        var x = Vec(1, 2).RequiresGrad_();
        var d = x.Detach();
        Assert.False(d.RequiresGrad);
        Assert.True(d.SharesStorageWith(x));
        d.Add_(1);
        Assert.Equal(new[] { 2.0, 3 }, x.ToArray<double>());
        Assert.Equal(1, x.Version);
    }
}

internal static class ViewTestExtensions
{
    /// <summary>A 1-element view at index i of a 1-D tensor (test helper independent of the slicing API).</summary>
    public static Tensor AsStridedView(this Tensor t, int i) => t.AsStridedRaw([1], [1], t._offset + i);
}

public class AutogradGraphTests
{
    /// <summary>Passes its input through but gives it no gradient (returns null in backward).</summary>
    private sealed class NoGradThrough : Function
    {
        public override Tensor[] Forward(FunctionContext ctx, Tensor[] inputs) => [inputs[0] * 1];
        public override Tensor?[] Backward(FunctionContext ctx, Tensor[] g) => [null];
    }

    [Fact]
    public void NodeReachedByAGradientFreeBranchStillRuns()
    {
        // c feeds the loss directly and through c2 = 3c → NoGradThrough, whose branch delivers no gradient at all:
        // c's grad_fn must still run once both edges into it are accounted for.
        var x = Torch.Tensor(new[] { 1.0, 3.0 }, DType.Float64).RequiresGrad_();
        var c = x * 2;
        var c2 = c * 3;
        var y = Function.Apply<NoGradThrough>(c2);
        var loss = y.Sum() + c.Sum();
        loss.Backward();
        Assert.Equal(new[] { 2.0, 2.0 }, x.Grad!.ToArray<double>());
    }
}
