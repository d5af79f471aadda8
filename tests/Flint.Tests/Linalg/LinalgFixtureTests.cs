using System.Text.Json;
using Flint;

namespace Flint.Tests.Linalg;

/// <summary>Every case of Fixtures/linalg.json (tools/fixtures/gen_linalg.py): values, gradients and grad_fn names vs PyTorch.</summary>
public class LinalgFixtureTests
{
    public static IEnumerable<object[]> Cases()
    {
        var cases = Fixture.Load("linalg").Cases;
        for (int i = 0; i < cases.Count; i++) yield return [i, Describe(cases[i])];
    }

    static string Describe(JsonElement c)
    {
        var shapes = c.GetProperty("inputs").EnumerateArray().Select(x => "[" + string.Join(",", x.GetProperty("t").GetProperty("shape").EnumerateArray().Select(s => s.GetInt64())) + "]" + x.GetProperty("layout").ToString());
        return $"{c.GetProperty("fn").GetString()} {c.GetProperty("kw")} {string.Join(" ", shapes)} {c.GetProperty("inputs")[0].GetProperty("t").GetProperty("dtype").GetString()}";
    }

    // grad_fn names are compared where Flint builds the same last node as PyTorch (reshape-based composites such as
    // tensordot, kron and einsum end in ReshapeAlias/View nodes whose names depend on PyTorch's reshape internals).
    static readonly HashSet<string> NamedFns = ["matmul", "mm", "bmm", "addmm", "baddbmm", "mv", "addmv", "dot", "vdot", "outer", "trace", "linear", "vector_norm", "matrix_norm", "norm"];

    [Theory]
    [MemberData(nameof(Cases))]
    public void MatchesPyTorch(int index, string description)
    {
        _ = description;
        var c = Fixture.Load("linalg").Cases[index];
        var fn = c.GetProperty("fn").GetString()!;
        bool withGrad = c.TryGetProperty("grads", out var grads);
        var leaves = new List<Tensor>();
        var ops = new List<Tensor>();
        foreach (var inp in c.GetProperty("inputs").EnumerateArray())
        {
            var b = Fixture.Tensor(inp.GetProperty("t"));
            if (withGrad) b.RequiresGrad_();
            leaves.Add(b);
            var layout = inp.GetProperty("layout");
            ops.Add(layout.ValueKind switch
            {
                JsonValueKind.String => b.mT,
                JsonValueKind.Array => b.Expand(layout.EnumerateArray().Select(x => x.GetInt64()).ToArray()),
                _ => b,
            });
        }
        var kw = c.GetProperty("kw");
        var output = Call(fn, ops, kw);
        var expected = Fixture.Tensor(c.GetProperty("out"));
        var (rtol, atol) = Tolerance(expected.DType);
        TensorAssert.Close(expected, output, rtol, atol, what: "output");
        if (!withGrad) return;

        if (NamedFns.Contains(fn) && c.GetProperty("grad_fn").GetString() is { } name)
        {
            // 1-D @ 2-D: PyTorch ends in its in-place squeeze_ (SqueezeBackward3); Flint squeezes out of place.
            if (name == "SqueezeBackward3") name = "SqueezeBackward1";
            Assert.Equal(name, output.GradFn?.Name);
        }
        var gout = Fixture.Tensor(c.GetProperty("gout"));
        var got = Torch.Autograd.Grad([output], leaves.ToArray(), [gout], allowUnused: true);
        for (int i = 0; i < leaves.Count; i++)
        {
            var g = grads[i];
            if (g.ValueKind == JsonValueKind.Null) { Assert.True(got[i] is null || got[i]!.To(DType.Float64).ToArray<double>().All(v => v == 0)); continue; }
            Assert.NotNull(got[i]);
            TensorAssert.Close(Fixture.Tensor(g), got[i]!, rtol, atol, what: $"grad {i}");
        }
    }

    static (double, double) Tolerance(DType t) => t switch
    {
        DType.Float64 => (1e-10, 1e-10),
        DType.Float32 => (1e-5, 1e-5),
        DType.Float16 or DType.BFloat16 => (1e-2, 1e-2),
        _ => (0, 0),
    };

    static long[] Longs(JsonElement e) => e.EnumerateArray().Select(v => v.GetInt64()).ToArray();

    static string? OrdString(JsonElement kw) => kw.TryGetProperty("ord", out var o) && o.ValueKind == JsonValueKind.String && o.GetString() is "fro" or "nuc" ? o.GetString() : null;
    static double? Ord(JsonElement kw) => kw.TryGetProperty("ord", out var o) ? Fixture.Number(o) : null;
    static int[]? Ints(JsonElement kw, string name) => kw.TryGetProperty(name, out var v) ? v.EnumerateArray().Select(e => e.GetInt32()).ToArray() : null;
    static bool Bool(JsonElement kw, string name) => kw.TryGetProperty(name, out var v) && v.GetBoolean();
    static DType? DTypeArg(JsonElement kw) => kw.TryGetProperty("dtype", out var v) ? Fixture.ParseDType(v.GetString()!) : null;

    static double D(JsonElement kw, string name, double dflt) => kw.TryGetProperty(name, out var v) ? v.GetDouble() : dflt;

    internal static Tensor Call(string fn, List<Tensor> x, JsonElement kw) => fn switch
    {
        "matmul" => Torch.Matmul(x[0], x[1]),
        "mm" => Torch.Mm(x[0], x[1]),
        "bmm" => Torch.Bmm(x[0], x[1]),
        "addmm" => Torch.Addmm(x[0], x[1], x[2], D(kw, "beta", 1), D(kw, "alpha", 1)),
        "baddbmm" => Torch.Baddbmm(x[0], x[1], x[2], D(kw, "beta", 1), D(kw, "alpha", 1)),
        "mv" => Torch.Mv(x[0], x[1]),
        "addmv" => Torch.Addmv(x[0], x[1], x[2], D(kw, "beta", 1), D(kw, "alpha", 1)),
        "dot" => Torch.Dot(x[0], x[1]),
        "vdot" => Torch.Vdot(x[0], x[1]),
        "outer" => Torch.Outer(x[0], x[1]),
        "trace" => Torch.Trace(x[0]),
        "linear" => Torch.Linear(x[0], x[1], x.Count > 2 ? x[2] : null),
        "einsum" => Torch.Einsum(kw.GetProperty("equation").GetString()!, [.. x]),
        "kron" => Torch.Kron(x[0], x[1]),
        "tensordot" => kw.GetProperty("dims") is { ValueKind: JsonValueKind.Number } n
            ? Torch.Tensordot(x[0], x[1], n.GetInt32())
            : Torch.Tensordot(x[0], x[1], Longs(kw.GetProperty("dims")[0]), Longs(kw.GetProperty("dims")[1])),
        "vector_norm" => Torch.Linalg.VectorNorm(x[0], Ord(kw) ?? 2, Ints(kw, "dim"), Bool(kw, "keepdim"), DTypeArg(kw)),
        "matrix_norm" => OrdString(kw) is { } so ? Torch.Linalg.MatrixNorm(x[0], so, Ints(kw, "dim"), Bool(kw, "keepdim"))
            : kw.TryGetProperty("ord", out _) ? Torch.Linalg.MatrixNorm(x[0], Ord(kw)!.Value, Ints(kw, "dim"), Bool(kw, "keepdim"))
            : Torch.Linalg.MatrixNorm(x[0], "fro", Ints(kw, "dim"), Bool(kw, "keepdim")),
        "norm" => OrdString(kw) is { } s2 ? Torch.Linalg.Norm(x[0], s2, Ints(kw, "dim"), Bool(kw, "keepdim"))
            : Torch.Linalg.Norm(x[0], Ord(kw), Ints(kw, "dim"), Bool(kw, "keepdim")),
        _ => throw new ArgumentException("unknown fixture fn " + fn),
    };
}
