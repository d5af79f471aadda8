using Flint.Jit;
using Flint.Tests.NN;

namespace Flint.Tests.Graphs;

/// <summary>The seed's CustomModel traced, its printed graphs compared with PyTorch 1.13's (tools/fixtures/gen_jit_trace.py).</summary>
[Collection("DefaultGenerator")] // seeds and draws from the default generator
public class TraceFixtureTests
{
    private static (ScriptModule Traced, System.Text.Json.JsonElement Expected) Traced(string caseName, bool train)
    {
        var expected = Fixture.Load("jit_trace").Cases.Single(c => c.GetProperty("name").GetString() == caseName);
        Torch.ManualSeed(0);
        var m = new CustomModel();
        m.Train(train);
        using (Warnings.Record(out _)) return (Torch.Jit.Trace(m, Torch.Randn(1, 4)), expected);
    }

    [Theory]
    [InlineData("custom_model_train", true)]
    [InlineData("custom_model_eval", false)]
    public void GraphsHavePyTorchsStructure(string caseName, bool train)
    {
        var (traced, expected) = Traced(caseName, train);
        Assert.Equal(GraphText.Canonical(expected.GetProperty("graph").GetString()!), GraphText.Canonical(traced.Graph.ToString()));
        Assert.Equal(GraphText.Canonical(expected.GetProperty("inlined_graph").GetString()!), GraphText.Canonical(traced.InlinedGraph.ToString()));
        var hidden = (ScriptModule)traced.GetAttr("hidden")!;
        Assert.Equal(GraphText.Canonical(expected.GetProperty("hidden_graph").GetString()!), GraphText.Canonical(hidden.Graph.ToString()));
    }

    [Fact]
    public void ReprIsPyTorchs()
    {
        var (traced, expected) = Traced("custom_model_train", true);
        Assert.Equal(expected.GetProperty("repr").GetString(), traced.ToString());
    }

    [Fact]
    public void PrintsTheExactTorchScriptLinesForTheInlinedGraph()
    {
        var (traced, _) = Traced("custom_model_train", true);
        var text = traced.InlinedGraph.ToString();
        Assert.StartsWith("graph(%self : __torch__.CustomModel,\n      %x : Float(1, 4, strides=[4, 1], requires_grad=0, device=cpu)):\n", text);
        Assert.Contains("%hidden : __torch__.torch.nn.modules.linear.Linear = prim::GetAttr[name=\"hidden\"](%self)\n", text);
        Assert.Matches(@"%\d+ : Float\(1, 10, strides=\[10, 1\], requires_grad=1, device=cpu\) = aten::relu\(%\d+\), scope: __module.relu # ", text);
        Assert.Matches(@"%\d+ : float = prim::Constant\[value=0.20000000000000001\]\(\), scope: __module.drop", text);
        Assert.Matches(@"  return \(%\d+\)\n$", text);
    }
}
