using System.Text.Json;
using Flint;

namespace Flint.Tests.Shape;

/// <summary>
/// Runs every case of Fixtures/shape.json (tools/fixtures/gen_shape.py): outputs and gradients against PyTorch's.
/// Inputs listed in "t" are transposed back after loading, so those cases see non-contiguous tensors.
/// </summary>
public class ShapeFixtureTests
{
    private static long[] Longs(JsonElement e) => e.EnumerateArray().Select(x => x.GetInt64()).ToArray();
    private static int[] Ints(JsonElement e) => e.EnumerateArray().Select(x => x.GetInt32()).ToArray();

    private static Tensor[] Run(string op, Tensor[] x, JsonElement a)
    {
        int I(string n) => a.GetProperty(n).GetInt32();
        return op switch
        {
            "select" => [x[0].Select(I("dim"), I("index"))],
            "narrow" => [x[0].Narrow(I("dim"), I("start"), I("length"))],
            "slice" => [x[0].Slice(I("dim"), I("start"), I("end"), I("step"))],
            "squeeze" => [x[0].Squeeze()],
            "squeeze_dim" => [x[0].Squeeze(I("dim"))],
            "unsqueeze" => [x[0].Unsqueeze(I("dim"))],
            "unfold" => [x[0].Unfold(I("dimension"), I("size"), I("step"))],
            "diagonal" => [x[0].Diagonal(I("offset"), I("dim1"), I("dim2"))],
            "flatten" => [x[0].Flatten(I("start"), I("end"))],
            "unflatten" => [x[0].Unflatten(I("dim"), Longs(a.GetProperty("sizes")))],
            "movedim" => [x[0].Movedim(Ints(a.GetProperty("src")), Ints(a.GetProperty("dst")))],
            "as_strided" => [x[0].AsStrided(Longs(a.GetProperty("size")), Longs(a.GetProperty("stride")), I("offset"))],
            "permute" => [x[0].Permute(Longs(a.GetProperty("dims")))],
            "reshape" => [x[0].Reshape(Longs(a.GetProperty("shape")))],
            "cat" => [Torch.Cat(x, I("dim"))],
            "stack" => [Torch.Stack(x, I("dim"))],
            "gather" => [x[0].Gather(I("dim"), x[1])],
            "scatter" => [x[0].Scatter(I("dim"), x[1], x[2])],
            "scatter_value" => [x[0].Scatter(I("dim"), x[1], a.GetProperty("value").GetDouble())],
            "scatter_add" => [x[0].ScatterAdd(I("dim"), x[1], x[2])],
            "scatter_reduce_mul" => [x[0].Scatter(I("dim"), x[1], x[2], "multiply")],
            "index_select" => [x[0].IndexSelect(I("dim"), x[1])],
            "index_add" => [x[0].IndexAdd(I("dim"), x[1], x[2], a.GetProperty("alpha").ValueKind == JsonValueKind.Number && a.GetProperty("alpha").GetRawText().Contains('.') ? a.GetProperty("alpha").GetDouble() : a.GetProperty("alpha").GetInt64())],
            _ => ExtraOps.Run(op, x, a),
        };
    }

    public static IEnumerable<object[]> Cases() => Enumerable.Range(0, Fixture.Load("shape").Cases.Count).Select(i => new object[] { i });

    [Theory]
    [MemberData(nameof(Cases))]
    public void MatchesPyTorch(int i)
    {
        var c = Fixture.Load("shape").Cases[i];
        var op = c.GetProperty("op").GetString()!;
        var t = Ints(c.GetProperty("t"));
        var inputs = c.GetProperty("inputs").EnumerateArray().Select((e, k) =>
        {
            var x = Fixture.Tensor(e);
            if (t.Contains(k)) x = x.T; // stored transposed: this is the same values in a non-contiguous layout
            return x;
        }).ToArray();
        bool withGrad = c.TryGetProperty("grads", out var grads);
        if (withGrad)
            foreach (var x in inputs) if (x.IsFloatingPoint()) x.RequiresGrad_();
        var outs = Run(op, inputs, c.GetProperty("args"));
        var expected = c.GetProperty("outs").EnumerateArray().Select(Fixture.Tensor).ToArray();
        Assert.Equal(expected.Length, outs.Length);
        for (int k = 0; k < outs.Length; k++) TensorAssert.Close(expected[k], outs[k], 0, 0, what: $"{op} output {k}");
        if (!withGrad) return;
        var gouts = c.GetProperty("gouts").EnumerateArray().Select(Fixture.Tensor).ToArray();
        var req = inputs.Where(x => x.RequiresGrad).ToArray();
        var gs = Torch.Autograd.Grad(outs, req, gouts, allowUnused: true);
        int r = 0;
        var gexp = grads.EnumerateArray().ToArray();
        for (int k = 0; k < inputs.Length; k++)
        {
            if (gexp[k].ValueKind == JsonValueKind.Null) { if (inputs[k].RequiresGrad) r++; continue; }
            TensorAssert.Close(Fixture.Tensor(gexp[k]), gs[r++]!, 1e-12, 1e-12, what: $"{op} grad {k}");
        }
    }
}
