using System.Text;
using System.Text.Json;
using Flint;

namespace Flint.Tests.Pointwise;

/// <summary>
/// Every case of Fixtures/pointwise.json (tools/fixtures/gen_pointwise.py, torch 1.13): the op on the fixture's
/// inputs must give PyTorch's values and dtype, and, where the fixture has them, PyTorch's gradients of sum(out·gout).
/// </summary>
public class PointwiseFixtureTests
{
    internal static object Decode(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.Object => Fixture.Tensor(e),
        JsonValueKind.True => (Scalar)true,
        JsonValueKind.False => (Scalar)false,
        JsonValueKind.Number when !e.GetRawText().Contains('.') && !e.GetRawText().Contains('e') => (Scalar)e.GetInt64(),
        _ => (Scalar)Fixture.Number(e),
    };

    private static Scalar S(JsonElement kw, string name) => (Scalar)Decode(kw.GetProperty(name));
    private static double D(JsonElement kw, string name) => kw.GetProperty(name).GetDouble();
    private static double? OptD(JsonElement kw, string name) => kw.TryGetProperty(name, out var v) ? v.GetDouble() : null;
    private static Scalar? OptS(JsonElement kw, string name) => kw.TryGetProperty(name, out var v) ? (Scalar)Decode(v) : null;

    /// <summary>Runs a fixture op the way a Flint user writes it.</summary>
    internal static Tensor Run(string op, object[] a, JsonElement kw)
    {
        Tensor X(int i) => (Tensor)a[i];
        Tensor Bin(Func<Tensor, Tensor, Tensor> tt, Func<Tensor, Scalar, Tensor> ts) => a[1] is Tensor t ? tt(X(0), t) : ts(X(0), (Scalar)a[1]);
        bool has(string k) => kw.TryGetProperty(k, out _);
        return op switch
        {
            "abs" => X(0).Abs(), "neg" => X(0).Neg(), "exp" => X(0).Exp(), "exp2" => X(0).Exp2(), "expm1" => X(0).Expm1(),
            "log" => X(0).Log(), "log2" => X(0).Log2(), "log10" => X(0).Log10(), "log1p" => X(0).Log1p(), "sqrt" => X(0).Sqrt(),
            "rsqrt" => X(0).Rsqrt(), "square" => X(0).Square(), "sin" => X(0).Sin(), "cos" => X(0).Cos(), "tan" => X(0).Tan(),
            "asin" => X(0).Asin(), "acos" => X(0).Acos(), "atan" => X(0).Atan(), "sinh" => X(0).Sinh(), "cosh" => X(0).Cosh(),
            "tanh" => X(0).Tanh(), "asinh" => X(0).Asinh(), "acosh" => X(0).Acosh(), "atanh" => X(0).Atanh(),
            "sigmoid" => Torch.Sigmoid(X(0)), "logit" => X(0).Logit(OptD(kw, "eps")), "relu" => X(0).Relu(), "relu6" => X(0).Relu6(),
            "gelu" => X(0).Gelu(has("approximate") ? kw.GetProperty("approximate").GetString()! : "none"),
            "silu" => X(0).Silu(), "mish" => X(0).Mish(),
            "softplus" => X(0).Softplus(OptD(kw, "beta") ?? 1, OptD(kw, "threshold") ?? 20), "softsign" => X(0).Softsign(),
            "elu" => X(0).Elu(OptD(kw, "alpha") ?? 1), "selu" => X(0).Selu(), "celu" => X(0).Celu(OptD(kw, "alpha") ?? 1),
            "leaky_relu" => X(0).LeakyRelu(OptD(kw, "negative_slope") ?? 0.01),
            "hardtanh" => X(0).Hardtanh(OptD(kw, "min_val") ?? -1, OptD(kw, "max_val") ?? 1),
            "hardsigmoid" => X(0).Hardsigmoid(), "hardswish" => X(0).Hardswish(), "erf" => X(0).Erf(), "erfc" => X(0).Erfc(),
            "erfinv" => X(0).Erfinv(), "lgamma" => X(0).Lgamma(), "digamma" => X(0).Digamma(),
            "polygamma" => Torch.Polygamma(kw.GetProperty("n").GetInt32(), X(0)), "reciprocal" => X(0).Reciprocal(),
            "floor" => X(0).Floor(), "ceil" => X(0).Ceil(), "trunc" => X(0).Trunc(), "frac" => X(0).Frac(), "sign" => X(0).Sign(),
            "round" => has("decimals") ? (X(0) * 37).Round(kw.GetProperty("decimals").GetInt32()) : X(0).Round(),
            "clamp" => X(0).Clamp(OptS(kw, "min"), OptS(kw, "max")),
            "clamp_tensor" => X(0).Clamp(X(1), a.Length > 2 ? X(2) : null),
            "isnan" => X(0).IsNan(), "isinf" => X(0).IsInf(), "isfinite" => X(0).IsFinite(), "isposinf" => X(0).IsPosInf(),
            "isneginf" => X(0).IsNegInf(), "logical_not" => X(0).LogicalNot(), "bitwise_not" => ~X(0),
            "nan_to_num" => X(0).NanToNum(OptD(kw, "nan") ?? 0, OptD(kw, "posinf"), OptD(kw, "neginf")),
            "add" => Bin((x, y) => x.Add(y, OptS(kw, "alpha")), (x, s) => x + s),
            "sub" => Bin((x, y) => x.Sub(y, OptS(kw, "alpha")), (x, s) => x - s),
            "mul" => Bin((x, y) => x * y, (x, s) => x * s),
            "div" => Bin((x, y) => x.Div(y, has("rounding_mode") ? kw.GetProperty("rounding_mode").GetString() : null), (x, s) => x / s),
            "floor_divide" => Bin((x, y) => x.FloorDivide(y), (x, s) => x.FloorDivide(s)),
            "pow" => Bin((x, y) => x.Pow(y), (x, s) => x.Pow(s)),
            "pow_scalar" => X(0).Pow(S(kw, "exponent")),
            "rpow" => Torch.Pow(S(kw, "base"), X(0)),
            "maximum" => X(0).Maximum(X(1)), "minimum" => X(0).Minimum(X(1)), "fmax" => X(0).Fmax(X(1)), "fmin" => X(0).Fmin(X(1)),
            "fmod" => Bin((x, y) => x.Fmod(y), (x, s) => x.Fmod(s)),
            "remainder" => Bin((x, y) => x % y, (x, s) => x % s),
            "atan2" => X(0).Atan2(X(1)), "hypot" => X(0).Hypot(X(1)),
            "eq" => Bin((x, y) => x.Eq(y), (x, s) => x.Eq(s)), "ne" => Bin((x, y) => x.Ne(y), (x, s) => x.Ne(s)),
            "lt" => Bin((x, y) => x < y, (x, s) => x < s), "le" => Bin((x, y) => x <= y, (x, s) => x <= s),
            "gt" => Bin((x, y) => x > y, (x, s) => x > s), "ge" => Bin((x, y) => x >= y, (x, s) => x >= s),
            "logical_and" => X(0).LogicalAnd(X(1)), "logical_or" => X(0).LogicalOr(X(1)), "logical_xor" => X(0).LogicalXor(X(1)),
            "bitwise_and" => Bin((x, y) => x & y, (x, s) => x & s), "bitwise_or" => Bin((x, y) => x | y, (x, s) => x | s),
            "bitwise_xor" => Bin((x, y) => x ^ y, (x, s) => x ^ s),
            "lerp" => a.Length == 3 ? X(0).Lerp(X(1), X(2)) : X(0).Lerp(X(1), S(kw, "weight")),
            "addcmul" => X(0).Addcmul(X(1), X(2), S(kw, "value")),
            "addcdiv" => X(0).Addcdiv(X(1), X(2), S(kw, "value")),
            "where" => Torch.Where(X(0), X(1), X(2)),
            "where_scalar" => Torch.Where(X(0), X(1), S(kw, "other")),
            "isclose" => X(0).IsClose(X(1), OptD(kw, "rtol") ?? 1e-5, OptD(kw, "atol") ?? 1e-8, kw.TryGetProperty("equal_nan", out var en) && en.GetBoolean()),
            _ => throw new ArgumentException("no mapping for fixture op " + op),
        };
    }

    private static string Describe(JsonElement c)
    {
        var sb = new StringBuilder(c.GetProperty("op").GetString());
        foreach (var i in c.GetProperty("inputs").EnumerateArray())
            sb.Append(i.ValueKind == JsonValueKind.Object ? $" {i.GetProperty("dtype").GetString()}[{string.Join(",", i.GetProperty("shape").EnumerateArray())}]" : $" {i.GetRawText()}");
        sb.Append(' ').Append(c.GetProperty("kw").GetRawText());
        return sb.ToString();
    }

    private static (double, double) Tolerance(string op, DType t)
    {
        var (rtol, atol) = TensorAssert.DefaultTolerance(t);
        return (rtol, atol);
    }

    [Fact]
    public void ValuesMatchPyTorch()
    {
        var failures = new List<string>();
        int n = 0;
        foreach (var c in Fixture.Load("pointwise").Cases)
        {
            n++;
            var what = Describe(c);
            try
            {
                var inputs = c.GetProperty("inputs").EnumerateArray().Select(Decode).ToArray();
                var expected = Fixture.Tensor(c.GetProperty("out"));
                var actual = Run(c.GetProperty("op").GetString()!, inputs, c.GetProperty("kw"));
                var (rtol, atol) = Tolerance(c.GetProperty("op").GetString()!, expected.DType);
                TensorAssert.Close(expected, actual, rtol, atol, what: what);
            }
            catch (Exception e) { failures.Add(what + ": " + e.Message.Split('\n')[0]); }
        }
        Assert.True(failures.Count == 0, $"{failures.Count} of {n} cases failed:\n" + string.Join("\n", failures));
    }

    [Fact]
    public void GradientsMatchPyTorch()
    {
        var failures = new List<string>();
        int n = 0;
        foreach (var c in Fixture.Load("pointwise").Cases)
        {
            if (!c.TryGetProperty("grads", out var grads)) continue;
            n++;
            var what = Describe(c);
            try
            {
                var inputs = c.GetProperty("inputs").EnumerateArray().Select(Decode).ToArray();
                var leaves = inputs.Select(i => i is Tensor t && t.IsFloatingPoint() ? t.RequiresGrad_() : null).Where(t => t is not null).Cast<Tensor>().ToArray();
                var y = Run(c.GetProperty("op").GetString()!, inputs, c.GetProperty("kw"));
                var g = Torch.Autograd.Grad([y], leaves, [Fixture.Tensor(c.GetProperty("gout"))], allowUnused: true);
                int k = 0;
                foreach (var eg in grads.EnumerateArray())
                {
                    if (eg.ValueKind == JsonValueKind.Null) { k++; continue; }
                    var leafIndex = Array.IndexOf(leaves, inputs[k]);
                    var actual = g[leafIndex] ?? Torch.ZerosLike(leaves[leafIndex]);
                    TensorAssert.Close(Fixture.Tensor(eg), actual, 1e-7, 1e-7, what: $"{what} grad {k}");
                    k++;
                }
            }
            catch (Exception e) { failures.Add(what + ": " + e.Message.Split('\n')[0]); }
        }
        Assert.True(n > 100, "fixture has gradient cases");
        Assert.True(failures.Count == 0, $"{failures.Count} of {n} cases failed:\n" + string.Join("\n", failures));
    }
}
