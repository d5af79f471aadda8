using Flint;

namespace Flint.Tests.Printing;

/// <summary>ToString() against PyTorch's repr() (Fixtures/print.json, tools/fixtures/gen_print.py).</summary>
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
