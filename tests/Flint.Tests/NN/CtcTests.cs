using Flint.NN;
using F = Flint.NN.Functional;

namespace Flint.Tests.NN;

public class CtcTests
{
    private static Reduction Red(string s) => s switch { "none" => Reduction.None, "sum" => Reduction.Sum, _ => Reduction.Mean };

    [Fact]
    public void MatchesPyTorch()
    {
        foreach (var c in Fixture.Load("nn_ctc").Cases)
        {
            var name = c.GetProperty("name").GetString()!;
            var x = Fixture.Tensor(c.GetProperty("logits")).RequiresGrad_();
            bool zi = name.Contains("zero_inf");
            var r = zi ? Reduction.Sum : Red(c.GetProperty("reduction").GetString()!);
            var loss = new CTCLoss(reduction: r, zeroInfinity: zi).Call(x.LogSoftmax(2), Fixture.Tensor(c.GetProperty("targets")),
                Fixture.Tensor(c.GetProperty("il")), Fixture.Tensor(c.GetProperty("tl")));
            TensorAssert.Close(Fixture.Tensor(c.GetProperty("out")), loss.Detach(), 1e-9, 1e-10, what: name);
            loss.Backward(Torch.OnesLike(loss));
            TensorAssert.Close(Fixture.Tensor(c.GetProperty("grad")), x.Grad!, 1e-8, 1e-10, what: name + " grad");
        }
    }

    [Fact]
    public void GradCheckThroughLogSoftmax()
    {
        var c = Fixture.Load("nn_ctc").Cases[0];
        var x = Fixture.Tensor(c.GetProperty("logits")).RequiresGrad_();
        var t = Fixture.Tensor(c.GetProperty("targets"));
        Assert.True(Torch.Autograd.GradCheck(a => F.CtcLoss(a[0].LogSoftmax(2), t, [6L, 5, 4], [3L, 2, 1]), [x]));
    }
}
