using Flint;

namespace Flint.Tests.Printing;

/// <summary>ToString() against PyTorch's repr() (Fixtures/print.json, tools/fixtures/gen_print.py).</summary>
[Collection("print options")] // PrintOptionTests changes the global options
public class PrintFixtureTests
{
    public static IEnumerable<object[]> Cases() => Enumerable.Range(0, Fixture.Load("print").Cases.Count).Select(i => new object[] { i });

    [Theory]
    [MemberData(nameof(Cases))]
    public void MatchesPyTorchRepr(int i)
    {
        var c = Fixture.Load("print").Cases[i];
        var x = Fixture.Tensor(c.GetProperty("x"));
        var y = c.GetProperty("post").GetString() switch
        {
            "requires_grad" => x.RequiresGrad_(),
            "add" => x.RequiresGrad_() + 1,
            "sum" => x.RequiresGrad_().Sum(),
            "t" => x.T,
            _ => x,
        };
        Assert.Equal(c.GetProperty("repr").GetString(), y.ToString());
    }
}

[Collection("print options")]
public class PrintOptionTests
{
    [Fact]
    public void PrintOptionsChangePrecisionAndRestore()
    {
        lock (typeof(TensorFormatter))
        {
            try
            {
                Torch.SetPrintoptions(precision: 2);
                Assert.Equal("tensor([0.12, 2.50])", Torch.Tensor(new[] { 0.123f, 2.5f }).ToString());
                Torch.SetPrintoptions(sciMode: true);
                Assert.Equal("tensor([1.23e-01, 2.50e+00])", Torch.Tensor(new[] { 0.123f, 2.5f }).ToString());
            }
            finally { Torch.SetPrintoptions(profile: "default"); }
            Assert.Equal("tensor([0.1230, 2.5000])", Torch.Tensor(new[] { 0.123f, 2.5f }).ToString());
        }
    }
}
