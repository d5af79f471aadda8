using Flint.NN;
using F = Flint.NN.Functional;

namespace Flint.Tests.NN;

[Collection("DefaultGenerator")]
public class DropoutTests
{
    [Fact]
    public void SeededMasksEqualPyTorch()
    {
        foreach (var c in Fixture.Load("nn_dropout").Cases)
        {
            Torch.ManualSeed(7);
            var y = F.Dropout(Fixture.Tensor(c.GetProperty("x")), c.GetProperty("p").GetDouble(), true);
            TensorAssert.Close(Fixture.Tensor(c.GetProperty("y")), y, 0, 0, what: c.GetProperty("name").GetString());
        }
    }

    [Fact]
    public void EvalIsIdentityAndGradientIsMask()
    {
        var d = new Dropout(0.5);
        var x = Torch.Ones([10, 10], DType.Float64, requiresGrad: true);
        d.Eval();
        Assert.Same(x, d.Call(x));
        d.Train();
        var y = d.Call(x);
        y.Sum().Backward();
        Assert.Equal(y.Detach().ToArray<double>(), x.Grad!.ToArray<double>());
        Assert.Equal("MulBackward0", y.GradFn!.Name);
        Assert.Throws<ArgumentException>(() => new Dropout(1.5));
    }
}
