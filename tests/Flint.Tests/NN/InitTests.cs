using Flint.NN;

namespace Flint.Tests.NN;

[Collection("DefaultGenerator")]
public class InitTests
{
    private static System.Text.Json.JsonElement Case(string name) => Fixture.Load("nn_init").Cases.First(c => c.GetProperty("name").GetString() == name);

    [Fact]
    public void SeededLinearEqualsPyTorch()
    {
        Torch.ManualSeed(0);
        var l = new Linear(4, 10);
        TensorAssert.Close(Fixture.Tensor(Case("linear_4_10").GetProperty("weight")), l.weight.Detach(), 0, 0);
        TensorAssert.Close(Fixture.Tensor(Case("linear_4_10").GetProperty("bias")), l.bias!.Detach(), 0, 0);
        Torch.ManualSeed(42);
        l = new Linear(784, 3);
        TensorAssert.Close(Fixture.Tensor(Case("linear_784_3").GetProperty("weight")), l.weight.Detach(), 0, 0);
        TensorAssert.Close(Fixture.Tensor(Case("linear_784_3").GetProperty("bias")), l.bias!.Detach(), 0, 0);
        Torch.ManualSeed(3);
        l = new Linear(5, 2, hasBias: false);
        Assert.Null(l.bias);
        Assert.Equal("Linear(in_features=5, out_features=2, bias=False)", l.ToString());
        TensorAssert.Close(Fixture.Tensor(Case("linear_nobias").GetProperty("weight")), l.weight.Detach(), 0, 0);
    }
}
