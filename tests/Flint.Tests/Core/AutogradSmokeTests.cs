using Flint;

namespace Flint.Tests.Core;

public class AutogradSmokeTests
{
    [Fact]
    public void SeedOverviewExample_LogOfProduct()
    {
        // w = log(x * y) from the seed overview: dw/dx = 1/x, dw/dy = 1/y.
        var x = Torch.Tensor(new[] { 2.0f, 4.0f }, requiresGrad: true);
        var y = Torch.Tensor(new[] { 3.0f, 0.5f }, requiresGrad: true);
        var w = (x * y).Log().Sum();
        w.Backward();
        Assert.Equal(new[] { 0.5f, 0.25f }, x.Grad!.ToArray<float>());
        Assert.Equal(new[] { 1 / 3.0f, 2.0f }, y.Grad!.ToArray<float>());
        Assert.Equal("SumBackward0", w.GradFn!.Name);
    }

    [Fact]
    public void BroadcastGradientsReduceToInputShape()
    {
        var a = Torch.Ones([2, 3], DType.Float64, requiresGrad: true);
        var b = Torch.Ones([3], DType.Float64, requiresGrad: true);
        ((a + b) * a).Sum().Backward();
        Assert.Equal(new long[] { 3 }, b.Grad!.Shape);
        Assert.Equal(new[] { 2.0, 2.0, 2.0 }, b.Grad.ToArray<double>());
        Assert.Equal(new[] { 3.0, 3, 3, 3, 3, 3 }, a.Grad!.ToArray<double>());
    }

    [Fact]
    public void GradCheckPassesForDivAndExp()
    {
        var a = Torch.Tensor(new[,] { { 0.5, 1.5 }, { -0.3, 2.0 } }, DType.Float64, requiresGrad: true);
        var b = Torch.Tensor(new[] { 1.2, -0.7 }, DType.Float64, requiresGrad: true);
        Assert.True(Torch.Autograd.GradCheck(x => (x[0] / x[1]).Exp(), [a, b]));
        Assert.True(Torch.Autograd.GradGradCheck(x => (x[0] / x[1]).Exp(), [a, b]));
    }

    [Fact]
    public void ModifyingSavedTensorInPlaceIsAnError()
    {
        var a = Torch.Tensor(new[] { 1.0f, 2.0f }, requiresGrad: true);
        var b = a * 2;
        var c = b.Exp();
        c.Mul_(2); // exp saved its output
        var ex = Assert.Throws<InvalidOperationException>(() => c.Sum().Backward());
        Assert.Contains("modified by an inplace operation", ex.Message);
    }
}
