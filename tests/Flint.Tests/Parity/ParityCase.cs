using System.Text.Json;
using Flint;

namespace Flint.Tests.Parity;

/// <summary>
/// A named case of a parity fixture (tools/fixtures/gen_parity_*.py): its input tensors, keyword arguments, outputs
/// and, for differentiable cases, the upstream gradient and the gradients PyTorch computed for its inputs.
/// </summary>
public sealed class ParityCase(JsonElement json)
{
    public JsonElement Json { get; } = json;

    public static ParityCase Load(string fixture, string name)
        => new(Fixture.Load(fixture).Cases.Single(c => c.GetProperty("name").GetString() == name));

    /// <summary>A fresh input; floating ones that PyTorch differentiated come back requiring grad.</summary>
    public Tensor In(string name)
    {
        var t = Fixture.Tensor(Json.GetProperty("inputs").GetProperty(name));
        return HasGrad(name) ? t.RequiresGrad_() : t;
    }

    public bool HasGrad(string name) => Json.TryGetProperty("grads", out var g) && g.TryGetProperty(name, out _);
    public JsonElement Kw(string name) => Json.GetProperty("kw").GetProperty(name);
    public Tensor Out(int i = 0) => Fixture.Tensor(Json.GetProperty("out")[i]);
    public int OutCount => Json.GetProperty("out").GetArrayLength();

    /// <summary>Checks the output against PyTorch's, then backpropagates gout and checks each input's gradient.</summary>
    public void Check(Tensor result, params (string Name, Tensor Input)[] inputs)
    {
        var name = Json.GetProperty("name").GetString();
        TensorAssert.Close(Out(), result, what: name);
        if (!Json.TryGetProperty("gout", out var gout)) return;
        result.Backward(Fixture.Tensor(gout));
        foreach (var (n, x) in inputs)
        {
            var expected = Fixture.Tensor(Json.GetProperty("grads").GetProperty(n));
            Assert.NotNull(x.Grad);
            TensorAssert.Close(expected, x.Grad!, what: $"{name} grad {n}");
        }
    }
}
