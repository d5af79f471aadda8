using System.Text.Json;
using Flint;

namespace Flint.Tests.Linalg;

/// <summary>
/// Every case of Fixtures/linalg_decomp.json (tools/fixtures/gen_linalg_decomp.py): values, gradients and error
/// messages of torch.linalg's decompositions, solvers and inverses against PyTorch. Eigen-, singular- and QR vectors
/// are compared through sign-invariant quantities (|V|, V·diag(w)·Vᵀ, …), defined as in the generator, since
/// PyTorch's results fix those signs only by LAPACK's internals.
/// </summary>
public class DecompositionFixtureTests
{
    public static IEnumerable<object[]> Cases()
    {
        var cases = Fixture.Load("linalg_decomp").Cases;
        for (int i = 0; i < cases.Count; i++)
        {
            var c = cases[i];
            var shapes = c.GetProperty("inputs").EnumerateArray()
                .Select(x => "[" + string.Join(",", x.GetProperty("shape").EnumerateArray().Select(s => s.GetInt64())) + "]");
            yield return [i, $"{c.GetProperty("fn").GetString()} {c.GetProperty("kw")} {string.Join(" ", shapes)} {c.GetProperty("inputs")[0].GetProperty("dtype").GetString()}"];
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void MatchesPyTorch(int index, string description)
    {
        _ = description;
        var c = Fixture.Load("linalg_decomp").Cases[index];
        var fn = c.GetProperty("fn").GetString()!;
        var kw = c.GetProperty("kw");
        bool withGrad = c.TryGetProperty("grads", out var grads);
        var inputs = c.GetProperty("inputs").EnumerateArray().Select(Fixture.Tensor).ToArray();
        if (withGrad) foreach (var t in inputs) t.RequiresGrad_();

        if (c.TryGetProperty("error", out var error))
        {
            var ex = Assert.ThrowsAny<Exception>(() => Call(fn, inputs, kw));
            Assert.True(ex is ArgumentException or LinAlgException, $"{ex.GetType().Name}: {ex.Message}");
            Assert.Equal(error.GetString(), ex.Message);
            return;
        }

        var outs = Call(fn, inputs, kw);
        var expected = c.GetProperty("outs").EnumerateArray().Select(Fixture.Tensor).ToArray();
        Assert.Equal(expected.Length, outs.Length);
        var (rtol, atol) = inputs[0].DType == DType.Float32 ? (1e-4, 1e-4) : (1e-9, 1e-9);
        for (int i = 0; i < outs.Length; i++) TensorAssert.Close(expected[i], outs[i], rtol, atol, what: $"output {i}");
        if (!withGrad) return;

        var gouts = c.GetProperty("gouts").EnumerateArray().ToArray();
        var os = new List<Tensor>(); var gs = new List<Tensor>();
        for (int i = 0; i < outs.Length; i++)
            if (gouts[i].ValueKind != JsonValueKind.Null) { os.Add(outs[i]); gs.Add(Fixture.Tensor(gouts[i])); }
        var got = Torch.Autograd.Grad(os.ToArray(), inputs, gs.ToArray(), allowUnused: true);
        var want = grads.EnumerateArray().ToArray();
        for (int i = 0; i < inputs.Length; i++)
        {
            if (want[i].ValueKind == JsonValueKind.Null) continue;
            Assert.NotNull(got[i]);
            TensorAssert.Close(Fixture.Tensor(want[i]), got[i]!, 1e-8, 1e-8, what: $"grad {i}");
        }
    }

    static Tensor Weights(long k, DType dtype) => Torch.Arange(1, k + 1, dtype: dtype);

    static Tensor[] InvariantsSvd(Tensor u, Tensor s, Tensor vh)
    {
        long k = s.Size(-1);
        u = u.Narrow(-1, 0, k); vh = vh.Narrow(-2, 0, k);
        return [s, u.Abs(), vh.Abs(), (u * Weights(k, s.DType)).Matmul(vh)];
    }

    static Tensor[] InvariantsEigh(Tensor l, Tensor v) => [l, v.Abs(), (v * Weights(l.Size(-1), l.DType)).Matmul(v.mT)];

    static Tensor[] InvariantsQr(Tensor q, Tensor r, string mode)
    {
        if (mode == "r") return [r.Abs()];
        long k = Math.Min(q.Size(-1), r.Size(-2));
        return [q.Abs(), r.Abs(), (q.Narrow(-1, 0, k) * Weights(k, r.DType)).Matmul(r.Narrow(-2, 0, k))];
    }

    static bool B(JsonElement kw, string name, bool dflt = false) => kw.TryGetProperty(name, out var v) ? v.GetBoolean() : dflt;
    static string S(JsonElement kw, string name, string dflt) => kw.TryGetProperty(name, out var v) ? v.GetString()! : dflt;
    static double? D(JsonElement kw, string name) => kw.TryGetProperty(name, out var v) ? Fixture.Number(v) : null;
    static int[]? Ints(JsonElement kw, string name) => kw.TryGetProperty(name, out var v) ? v.EnumerateArray().Select(e => e.GetInt32()).ToArray() : null;
    static bool IsWord(JsonElement kw, string name)
        => kw.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String && v.GetString() is "fro" or "nuc";

    internal static Tensor[] Call(string fn, Tensor[] x, JsonElement kw)
    {
        switch (fn)
        {
            case "inv": return [Torch.Linalg.Inv(x[0])];
            case "det": return [Torch.Linalg.Det(x[0])];
            case "slogdet": { var (s, l) = Torch.Linalg.Slogdet(x[0]); return [s, l]; }
            case "logdet": return [Torch.Logdet(x[0])];
            case "solve": return [Torch.Linalg.Solve(x[0], x[1], B(kw, "left", true))];
            case "solve_triangular":
                return [Torch.Linalg.SolveTriangular(x[0], x[1], B(kw, "upper"), B(kw, "left", true), B(kw, "unitriangular"))];
            case "cholesky": return [Torch.Linalg.Cholesky(x[0], B(kw, "upper"))];
            case "qr": { var mode = S(kw, "mode", "reduced"); var (q, r) = Torch.Linalg.Qr(x[0], mode); return InvariantsQr(q, r, mode); }
            case "eigh": { var (l, v) = Torch.Linalg.Eigh(x[0], S(kw, "UPLO", "L")); return InvariantsEigh(l, v); }
            case "eigvalsh": return [Torch.Linalg.Eigvalsh(x[0], S(kw, "UPLO", "L"))];
            case "svd": { var (u, s, vh) = Torch.Linalg.Svd(x[0], B(kw, "full_matrices", true)); return InvariantsSvd(u, s, vh); }
            case "torch_svd": { var (u, s, v) = Torch.Svd(x[0], B(kw, "some", true)); return InvariantsSvd(u, s, v.mT); }
            case "svdvals": return [Torch.Linalg.Svdvals(x[0])];
            case "pinv": return [Torch.Linalg.Pinv(x[0], D(kw, "atol"), D(kw, "rtol"), B(kw, "hermitian"))];
            case "matrix_rank": return [Torch.Linalg.MatrixRank(x[0], D(kw, "atol"), D(kw, "rtol"), B(kw, "hermitian"))];
            case "matrix_power": return [Torch.Linalg.MatrixPower(x[0], kw.GetProperty("n").GetInt32())];
            case "matrix_norm":
                return [IsWord(kw, "ord")
                    ? Torch.Linalg.MatrixNorm(x[0], S(kw, "ord", "fro"), Ints(kw, "dim"), B(kw, "keepdim"))
                    : Torch.Linalg.MatrixNorm(x[0], D(kw, "ord")!.Value, Ints(kw, "dim"), B(kw, "keepdim"))];
            case "cond": return [IsWord(kw, "p") ? Torch.Linalg.Cond(x[0], S(kw, "p", "fro")) : Torch.Linalg.Cond(x[0], D(kw, "p"))];
            case "cross": return [Torch.Linalg.Cross(x[0], x[1], kw.TryGetProperty("dim", out var d) ? d.GetInt32() : -1)];
            case "torch_cross": return [Torch.Cross(x[0], x[1], kw.TryGetProperty("dim", out var d2) ? d2.GetInt32() : null)];
            case "lu_factor": { var (lu, p) = Torch.Linalg.LuFactor(x[0]); return [lu, p]; }
            case "lu": { var (p, l, u) = Torch.Linalg.Lu(x[0]); return [p, l, u]; }
            case "lu_solve":
            {
                var (lu, p) = Torch.Linalg.LuFactor(x[0]);
                return [Torch.Linalg.LuSolve(lu, p, x[1], B(kw, "left", true), B(kw, "adjoint"))];
            }
            case "lstsq":
            {
                var r = Torch.Linalg.Lstsq(x[0], x[1], driver: kw.TryGetProperty("driver", out var dr) ? dr.GetString() : null);
                return [r.Solution, r.Residuals, r.Rank, r.SingularValues];
            }
            default: throw new ArgumentException("unknown fixture fn " + fn);
        }
    }
}
