using System.Text.Json;
using Flint.NN;
using F = Flint.NN.Functional;

namespace Flint.Tests.NN;

[Collection("DefaultGenerator")]
public class LossTests
{
    public static IEnumerable<object[]> CeCases() => Fixture.Load("nn_loss").Cases
        .Where(c => c.GetProperty("name").GetString()!.StartsWith("ce_")).Select(c => new object[] { c.GetProperty("name").GetString()! });

    private static JsonElement Case(string name) => Fixture.Load("nn_loss").Cases.First(c => c.GetProperty("name").GetString() == name);

    private static Reduction Red(string s) => s switch { "none" => Reduction.None, "sum" => Reduction.Sum, _ => Reduction.Mean };

    [Theory]
    [MemberData(nameof(CeCases))]
    public void CrossEntropyMatchesPyTorch(string name)
    {
        var c = Case(name);
        var x = Fixture.Tensor(c.GetProperty("x")).RequiresGrad_();
        var t = Fixture.Tensor(c.GetProperty("target"));
        Tensor? w = c.GetProperty("weight").ValueKind == JsonValueKind.Null ? null : Fixture.Tensor(c.GetProperty("weight"));
        var loss = new CrossEntropyLoss(w, reduction: Red(c.GetProperty("reduction").GetString()!), labelSmoothing: c.GetProperty("label_smoothing").GetDouble());
        var y = loss.Call(x, t);
        TensorAssert.Close(Fixture.Tensor(c.GetProperty("out")), y.Detach(), 1e-5, 1e-6);
        y.Backward(Torch.OnesLike(y));
        TensorAssert.Close(Fixture.Tensor(c.GetProperty("grad")), x.Grad!, 1e-5, 1e-6);
    }

    [Fact]
    public void Nll4d()
    {
        var c = Case("nll_4d");
        var x = Fixture.Tensor(c.GetProperty("x")).RequiresGrad_();
        var y = F.NllLoss(F.LogSoftmax(x, 1), Fixture.Tensor(c.GetProperty("target")));
        TensorAssert.Close(Fixture.Tensor(c.GetProperty("out")), y.Detach(), 1e-5, 1e-6);
        y.Backward();
        TensorAssert.Close(Fixture.Tensor(c.GetProperty("grad")), x.Grad!, 1e-5, 1e-6);
    }

    [Fact]
    public void CrossEntropyGradCheck()
    {
        Torch.ManualSeed(0);
        var x = Init.Normal_(Torch.Empty([4, 3], DType.Float64)).RequiresGrad_();
        var t = Torch.Tensor(new long[] { 0, 2, 1, 2 });
        var w = Torch.Tensor(new[] { 0.5, 1.0, 2.0 }, DType.Float64);
        Assert.True(Torch.Autograd.GradCheck(a => F.CrossEntropy(a[0], t, w, labelSmoothing: 0.1), [x]));
        Assert.True(Torch.Autograd.GradGradCheck(a => F.CrossEntropy(a[0], t), [x]));
    }
}
