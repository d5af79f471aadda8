using System.Text.Json;
using Flint;

namespace Flint.Tests.Indexing;

/// <summary>x[...] reads and writes, and the mask/index ops, against PyTorch (Fixtures/index.json, gen_index.py).</summary>
public class IndexFixtureTests
{
    private static TensorIndex[] ParseIndex(JsonElement spec) => spec.EnumerateArray().Select(e =>
    {
        if (e.TryGetProperty("i", out var i)) return (TensorIndex)i.GetInt64();
        if (e.TryGetProperty("s", out var s))
        {
            var p = s.EnumerateArray().Select(v => v.ValueKind == JsonValueKind.Null ? (long?)null : v.GetInt64()).ToArray();
            return Torch.Slice(p[0], p[1], p[2] ?? 1);
        }
        if (e.TryGetProperty("none", out _)) return TensorIndex.None;
        if (e.TryGetProperty("ell", out _)) return TensorIndex.Ellipsis;
        return (TensorIndex)Fixture.Tensor(e.GetProperty("t"));
    }).ToArray();

    private static Tensor RunOp(string op, Tensor[] x, JsonElement a) => op switch
    {
        "masked_fill" => x[0].MaskedFill(x[1], a.GetProperty("value").GetRawText().Contains('.') ? (Scalar)a.GetProperty("value").GetDouble() : (Scalar)a.GetProperty("value").GetInt64()),
        "masked_select" => x[0].MaskedSelect(x[1]),
        "masked_scatter" => x[0].MaskedScatter(x[1], x[2]),
        "nonzero" => x[0].Nonzero(),
        "index_copy" => x[0].IndexCopy(a.GetProperty("dim").GetInt32(), x[1], x[2]),
        "index_fill" => x[0].IndexFill(a.GetProperty("dim").GetInt32(), x[1], a.GetProperty("value").GetDouble()),
        "take" => x[0].Take(x[1]),
        "index_put_acc" => x[0].IndexPut([x[1], x[2]], x[3], accumulate: true),
        _ => throw new ArgumentException(op),
    };

    public static IEnumerable<object[]> Cases() => Enumerable.Range(0, Fixture.Load("index").Cases.Count).Select(i => new object[] { i });

    [Theory]
    [MemberData(nameof(Cases))]
    public void MatchesPyTorch(int i)
    {
        var c = Fixture.Load("index").Cases[i];
        var kind = c.GetProperty("kind").GetString();
        var expected = Fixture.Tensor(c.GetProperty("out"));
        if (kind == "read")
        {
            var x = Fixture.Tensor(c.GetProperty("x"));
            if (x.IsFloatingPoint()) x.RequiresGrad_();
            var idx = ParseIndex(c.GetProperty("index"));
            var y = x[idx];
            TensorAssert.Close(expected, y, 0, 0, what: "read " + string.Join(",", idx));
            if (c.TryGetProperty("grad", out var grad))
            {
                var g = Torch.Autograd.Grad(y, [x], Fixture.Tensor(c.GetProperty("gout")))[0]!;
                TensorAssert.Close(Fixture.Tensor(grad), g, 1e-12, 1e-12, what: "grad");
            }
        }
        else if (kind == "write")
        {
            var x = Fixture.Tensor(c.GetProperty("x"));
            x[ParseIndex(c.GetProperty("index"))] = Fixture.Tensor(c.GetProperty("value"));
            TensorAssert.Close(expected, x, 0, 0, what: "write");
        }
        else
        {
            var op = c.GetProperty("op").GetString()!;
            var inputs = c.GetProperty("inputs").EnumerateArray().Select(Fixture.Tensor).ToArray();
            bool withGrad = c.TryGetProperty("grads", out var grads);
            if (withGrad) foreach (var x in inputs) if (x.IsFloatingPoint()) x.RequiresGrad_();
            var y = RunOp(op, inputs, c.GetProperty("args"));
            TensorAssert.Close(expected, y, 0, 0, what: op);
            if (!withGrad) return;
            var req = inputs.Where(t => t.RequiresGrad).ToArray();
            var gs = Torch.Autograd.Grad(y, req, Fixture.Tensor(c.GetProperty("gout")));
            int r = 0;
            foreach (var ge in grads.EnumerateArray())
            {
                if (ge.ValueKind == JsonValueKind.Null) continue;
                TensorAssert.Close(Fixture.Tensor(ge), gs[r++]!, 1e-12, 1e-12, what: op + " grad");
            }
        }
    }
}
