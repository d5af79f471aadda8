using System.Text.Json;
using Flint;

namespace Flint.Tests.Reductions;

/// <summary>
/// Every case of tools/fixtures/gen_reduce.py: outputs (values, indices, dtypes) and the input gradient for a random
/// upstream gradient, against PyTorch 1.13, on contiguous, transposed and sliced inputs.
/// </summary>
public class ReduceFixtureTests
{
    public static IEnumerable<object[]> Cases()
    {
        var f = Fixture.Load("reduce");
        for (int i = 0; i < f.Cases.Count; i++) yield return [i, f.Cases[i].GetProperty("op").GetString()!];
    }

    /// <summary>The case's input: the base tensor, viewed as the generator viewed it (as_strided).</summary>
    internal static Tensor Input(JsonElement c)
    {
        var b = Fixture.Tensor(c.GetProperty("base"));
        if (!c.TryGetProperty("view", out var v)) return b;
        var sizes = v.GetProperty("sizes").EnumerateArray().Select(e => e.GetInt32()).ToArray();
        var strides = v.GetProperty("strides").EnumerateArray().Select(e => e.GetInt32()).ToArray();
        return b.AsStridedRaw(sizes, strides, v.GetProperty("offset").GetInt32());
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void MatchesPyTorch(int index, string op)
    {
        var c = Fixture.Load("reduce").Cases[index];
        var kw = new Kw(c.GetProperty("kw"));
        var x = Input(c);
        var outs = Call(op, x, kw);
        var expected = c.GetProperty("out").EnumerateArray().Select(Fixture.Tensor).ToArray();
        Assert.Equal(expected.Length, outs.Length);
        for (int i = 0; i < outs.Length; i++)
        {
            var e = expected[i];
            var (rtol, atol) = TensorAssert.DefaultTolerance(e.DType);
            if (e.DType.IsFloatingPoint() && e.DType != DType.Float64) { rtol = Math.Max(rtol, 1e-5); atol = Math.Max(atol, 1e-5); }
            TensorAssert.Close(e, outs[i], rtol, atol, what: $"{op} output {i}");
        }

        if (c.TryGetProperty("grad", out var ge) && ge.ValueKind != JsonValueKind.Null)
        {
            var xl = x.Detach().Contiguous().Clone().RequiresGrad_();
            var o = Call(op, xl, kw)[0];
            if (c.TryGetProperty("grad_fn", out var gf) && gf.ValueKind == JsonValueKind.String && !(op == "norm" && gf.GetString() == "SqrtBackward0"))
                Assert.Equal(gf.GetString(), o.GradFn?.Name);
            var g = Torch.Autograd.Grad(o, [xl], Fixture.Tensor(c.GetProperty("gout")), allowUnused: true)[0];
            var eg = Fixture.Tensor(ge);
            var (rtol, atol) = eg.DType == DType.Float64 ? (1e-7, 1e-7) : (1e-4, 1e-5);
            TensorAssert.Close(eg, g ?? Torch.ZerosLike(xl), rtol, atol, what: $"{op} grad");
        }
    }

    internal sealed class Kw(JsonElement e)
    {
        public bool Has(string k) => e.TryGetProperty(k, out var v) && v.ValueKind != JsonValueKind.Null;
        public JsonElement this[string k] => e.GetProperty(k);
        public int Int(string k, int d) => Has(k) ? e.GetProperty(k).GetInt32() : d;
        public bool Bool(string k, bool d = false) => Has(k) ? e.GetProperty(k).GetBoolean() : d;
        public double Num(string k, double d) => Has(k) ? Fixture.Number(e.GetProperty(k)) : d;
        public DType? DType => Has("dtype") ? Fixture.ParseDType(e.GetProperty("dtype").GetString()!) : null;
        public int[]? Dims => !Has("dim") ? null : this["dim"].ValueKind == JsonValueKind.Array
            ? this["dim"].EnumerateArray().Select(v => v.GetInt32()).ToArray() : [this["dim"].GetInt32()];
        public int? Dim => Has("dim") ? this["dim"].GetInt32() : null;
        public bool KeepDim => Bool("keepdim");
        public double Correction => Has("correction") ? Num("correction", 1) : Has("unbiased") ? (Bool("unbiased") ? 1 : 0) : 1;
    }

    internal static Tensor[] Call(string op, Tensor x, Kw k)
    {
        var dims = k.Dims;
        switch (op)
        {
            case "sum": return [dims is null ? x.Sum(k.DType) : x.Sum(dims, k.KeepDim, k.DType)];
            case "mean": return [dims is null ? x.Mean(k.DType) : x.Mean(dims, k.KeepDim, k.DType)];
            case "nansum": return [dims is null ? x.Nansum(k.DType) : x.Nansum(dims, k.KeepDim, k.DType)];
            case "nanmean": return [x.Nanmean(dims, k.KeepDim, k.DType)];
            case "prod": return [k.Dim is { } pd ? x.Prod(pd, k.KeepDim, k.DType) : x.Prod(k.DType)];
            case "max": case "min":
                if (k.Dim is not { } md) return [op == "max" ? x.Max() : x.Min()];
                var (v, i) = op == "max" ? x.Max(md, k.KeepDim) : x.Min(md, k.KeepDim);
                return [v, i];
            case "amax": return [x.Amax(dims, k.KeepDim)];
            case "amin": return [x.Amin(dims, k.KeepDim)];
            case "argmax": return [x.Argmax(k.Dim, k.KeepDim)];
            case "argmin": return [x.Argmin(k.Dim, k.KeepDim)];
            case "var": return [x.Var(dims, k.Correction, k.KeepDim)];
            case "std": return [x.Std(dims, k.Correction, k.KeepDim)];
            case "var_mean": { var (a, b) = Torch.VarMean(x, dims, k.Correction, k.KeepDim); return [a, b]; }
            case "std_mean": { var (a, b) = Torch.StdMean(x, dims, k.Correction, k.KeepDim); return [a, b]; }
            case "logsumexp": return [x.Logsumexp(dims!, k.KeepDim)];
            case "norm":
                if (k["p"].ValueKind == JsonValueKind.String && k["p"].GetString() == "fro") return [x.Norm("fro", dims, k.KeepDim)];
                return [x.Norm(k.Num("p", 2), dims, k.KeepDim)];
            case "all": return [k.Dim is { } ad ? x.All(ad, k.KeepDim) : x.All()];
            case "any": return [k.Dim is { } yd ? x.Any(yd, k.KeepDim) : x.Any()];
            case "count_nonzero": return [x.CountNonzero(dims)];
            case "cumsum": return [x.Cumsum(k.Dim!.Value, k.DType)];
            case "cumprod": return [x.Cumprod(k.Dim!.Value, k.DType)];
            case "cummax": { var r = x.Cummax(k.Dim!.Value); return [r.Values, r.Indices]; }
            case "cummin": { var r = x.Cummin(k.Dim!.Value); return [r.Values, r.Indices]; }
            case "median":
                if (k.Dim is not { } med) return [x.Median()];
                { var r = x.Median(med, k.KeepDim); return [r.Values, r.Indices]; }
            case "mode": { var r = x.Mode(k.Int("dim", -1), k.KeepDim); return [r.Values, r.Indices]; }
            case "softmax": return [x.Softmax(k.Dim!.Value, k.DType)];
            case "log_softmax": return [x.LogSoftmax(k.Dim!.Value, k.DType)];
            case "sort": { var r = x.Sort(k.Int("dim", -1), k.Bool("descending"), k.Bool("stable")); return [r.Values, r.Indices]; }
            case "argsort": return [x.Argsort(k.Int("dim", -1), k.Bool("descending"))];
            case "topk": { var r = x.Topk(k.Int("k", 1), k.Int("dim", -1), k.Bool("largest", true), k.Bool("sorted", true)); return [r.Values, r.Indices]; }
            case "kthvalue": { var r = x.Kthvalue(k.Int("k", 1), k.Int("dim", -1), k.KeepDim); return [r.Values, r.Indices]; }
            case "unique":
            {
                var r = x.Unique(true, k.Bool("return_inverse"), k.Bool("return_counts"));
                var l = new List<Tensor> { r.Values };
                if (r.Inverse is { } inv) l.Add(inv);
                if (r.Counts is { } cn) l.Add(cn);
                return l.ToArray();
            }
            case "bincount": return [x.Bincount(k.Has("weights") ? Fixture.Tensor(k["weights"]) : null, k.Int("minlength", 0))];
            case "histc": return [x.Histc(k.Int("bins", 100), k.Num("min", 0), k.Num("max", 0))];
        }
        throw new ArgumentException("no such op in the test: " + op);
    }
}
