using System.Text.Json;
using Flint;

namespace Flint.Tests.Pointwise;

/// <summary>
/// The fused activation derivatives (gelu_backward, sigmoid_backward, tanh_backward, silu_backward,
/// threshold_backward) and pow(tensor, scalar)'s fast paths against torch 1.13 (Fixtures/activation_backward.json,
/// tools/fixtures/gen_activation_backward.py), plus gradchecks of the ops' own derivatives in float64.
/// </summary>
[Collection("DefaultGenerator")] // seeds the default generator
public class ActivationBackwardTests
{
    private static readonly Fixture F = Fixture.Load("activation_backward");

    private static IEnumerable<JsonElement> Cases(string kind) => F.Cases.Where(c => c.GetProperty("kind").GetString() == kind);
    private static Tensor T(JsonElement c, string name) => Fixture.Tensor(c.GetProperty(name));

    private static Tensor Act(string act, Tensor x) => act switch
    {
        "gelu" => x.Gelu(), "gelu_tanh" => x.Gelu("tanh"), "sigmoid" => x.Sigmoid(), "tanh" => x.Tanh(), "silu" => x.Silu(),
        "relu" => x.Relu(), _ => throw new ArgumentException(act),
    };

    // float32 kernels use the Abramowitz–Stegun erfc and a polynomial exp, as PyTorch's vectorized ones, but not the
    // same operation order: agreement to a few float ulps relative, 1e-6 absolute (1e-12 / 1e-10 in float64)
    private static (double rtol, double atol) Tol(Tensor t) => t.DType == DType.Float32 ? (2e-5, 1e-6) : (1e-10, 1e-12);

    [Fact]
    public void GradientsMatchPyTorchForEveryGradLayout()
    {
        int n = 0;
        foreach (var c in Cases("grad"))
        {
            string act = c.GetProperty("act").GetString()!, layout = c.GetProperty("layout").GetString()!;
            var x = T(c, "x").RequiresGrad_();
            var g = T(c, "g");
            var gl = layout switch
            {
                "contiguous" => g,
                "transposed" => g.T.Contiguous().T,
                _ => g.Narrow(0, 0, 1).Expand(6, 8),
            };
            if (layout == "transposed") Assert.False(gl.IsContiguous());
            var y = Act(act, x);
            y.Backward(gl);
            var (rtol, atol) = Tol(x);
            TensorAssert.Close(T(c, "y"), y, rtol, atol, what: $"{act} {x.DType.Name()} {layout} forward");
            TensorAssert.Close(T(c, "dx"), x.Grad!, rtol, atol, what: $"{act} {x.DType.Name()} {layout} grad");
            n++;
        }
        Assert.Equal(36, n);
    }

    [Fact]
    public void AtenOpsMatchPyTorchOnSpecialValues()
    {
        int n = 0;
        foreach (var c in Cases("op"))
        {
            string op = c.GetProperty("op").GetString()!;
            Tensor x = T(c, "x"), g = T(c, "g");
            var got = op switch
            {
                "gelu_backward" => Torch.GeluBackward(g, x),
                "gelu_backward_tanh" => Torch.GeluBackward(g, x, "tanh"),
                "sigmoid_backward" => Torch.SigmoidBackward(g, x.Sigmoid()),
                "tanh_backward" => Torch.TanhBackward(g, x.Tanh()),
                "silu_backward" => Torch.SiluBackward(g, x),
                _ => Torch.ThresholdBackward(g, x, 0.5),
            };
            var (rtol, atol) = Tol(x);
            TensorAssert.Close(T(c, "out"), got, rtol, atol, what: $"{op} {x.DType.Name()}");
            n++;
        }
        Assert.Equal(12, n);
    }

    [Fact]
    public void DoubleBackwardMatchesPyTorchWithItsNodeNames()
    {
        int n = 0;
        foreach (var c in Cases("gradgrad"))
        {
            string act = c.GetProperty("act").GetString()!;
            var x = T(c, "x").RequiresGrad_();
            var g = T(c, "g").RequiresGrad_();
            var v = T(c, "v");
            var gx = Torch.Autograd.Grad([Act(act, x)], [x], [g], createGraph: true)[0]!;
            Assert.Equal(c.GetProperty("name").GetString(), gx.GradFn!.Name);
            var dd = Torch.Autograd.Grad([(gx * v).Sum()], [x, g]);
            var (rtol, atol) = Tol(x);
            TensorAssert.Close(T(c, "gx"), gx, rtol, atol, what: $"{act} gx");
            TensorAssert.Close(T(c, "ddx"), dd[0]!, rtol * 5, atol * 5, what: $"{act} d/dx");
            TensorAssert.Close(T(c, "ddg"), dd[1]!, rtol, atol, what: $"{act} d/dg");
            n++;
        }
        Assert.Equal(10, n);
    }

    [Theory]
    [InlineData("gelu")]
    [InlineData("gelu_tanh")]
    [InlineData("sigmoid")]
    [InlineData("tanh")]
    [InlineData("silu")]
    [InlineData("threshold")]
    public void AtenOpsGradCheckAndGradGradCheckInFloat64(string op)
    {
        Torch.ManualSeed(3);
        // x away from the threshold's kink; y-like inputs in (−1, 1) for sigmoid/tanh_backward
        var x = (Torch.Rand(new long[] { 3, 4 }, DType.Float64) * 4 - 2).RequiresGrad_();
        var g = Torch.Randn(new long[] { 3, 4 }, DType.Float64).RequiresGrad_();
        Func<Tensor[], Tensor> f = op switch
        {
            "gelu" => t => Torch.GeluBackward(t[0], t[1]),
            "gelu_tanh" => t => Torch.GeluBackward(t[0], t[1], "tanh"),
            "sigmoid" => t => Torch.SigmoidBackward(t[0], t[1] * 0.4),
            "tanh" => t => Torch.TanhBackward(t[0], t[1] * 0.4),
            "silu" => t => Torch.SiluBackward(t[0], t[1]),
            _ => t => Torch.ThresholdBackward(t[0], t[1], 0.5),
        };
        if (op == "threshold") x = Torch.Tensor(new[] { -1.5, -0.3, 0.2, 0.9, 1.4, 2.0 }, DType.Float64).Reshape(2, 3).RequiresGrad_();
        if (op == "threshold") g = Torch.Randn(new long[] { 2, 3 }, DType.Float64).RequiresGrad_();
        Assert.True(Torch.Autograd.GradCheck(f, [g, x]));
        Assert.True(Torch.Autograd.GradGradCheck(f, [g, x]));
    }

    [Fact]
    public void BackwardOpNamesAndBroadcastingFollowPyTorch()
    {
        var x = Torch.Tensor(new[] { 0.5, -1.0, 2.0 }, DType.Float64).RequiresGrad_();
        var g = Torch.Tensor(new[] { 1.0, 2.0, 3.0 }, DType.Float64).RequiresGrad_();
        Assert.Equal("GeluBackwardBackward0", Torch.GeluBackward(g, x).GradFn!.Name);
        Assert.Equal("SigmoidBackwardBackward0", Torch.SigmoidBackward(g, x).GradFn!.Name);
        Assert.Equal("TanhBackwardBackward0", Torch.TanhBackward(g, x).GradFn!.Name);
        Assert.Equal("ThresholdBackwardBackward0", Torch.ThresholdBackward(g, x, 0).GradFn!.Name);
        Assert.Equal("aten::gelu_backward(approximate='tanh')", ActivationBackwardOpsName("tanh"));
        // a grad of one element broadcasts against self
        var one = Torch.Tensor(new[] { 2.0 }, DType.Float64);
        TensorAssert.Close(Torch.GeluBackward(one.Expand(3), x.Detach()), Torch.GeluBackward(one, x.Detach()), 0, 0);
        Assert.Equal("approximate argument must be either none or tanh.", Assert.Throws<ArgumentException>(() => Torch.GeluBackward(g, x, "x")).Message);
        // float32 in, float32 out
        var xf = Torch.Tensor(new[] { 0.5f, -1f });
        Assert.Equal(DType.Float32, Torch.GeluBackward(Torch.OnesLike(xf), xf).DType);
    }

    private static string ActivationBackwardOpsName(string approximate)
        => (approximate == "tanh" ? Flint.Ops.ActivationBackwardOps.GeluTanh : Flint.Ops.ActivationBackwardOps.Gelu).ToString();

    [Fact]
    public void PowScalarFastPathsMatchPyTorch()
    {
        int n = 0;
        foreach (var c in Cases("pow").Concat(Cases("pow_strided")))
        {
            var x = T(c, "x");
            if (c.GetProperty("kind").GetString() == "pow_strided") x = x.Slice(0, null, null, 2);
            var ej = c.GetProperty("exponent");
            Scalar e = c.GetProperty("int_exponent").GetBoolean() ? (Scalar)ej.GetInt64() : (Scalar)ej.GetDouble();
            var got = x.Pow(e);
            var expected = T(c, "out");
            // the specialized exponents are exact IEEE operations, as PyTorch's (sqrt, 1/sqrt, 1/x, x·x, x·x·x,
            // 1/(x·x)), so they match to the last bit; other exponents call pow (≤ 1 ulp apart between libms)
            double ev = e.ToDouble();
            bool exact = ev is 0 or 1 or 0.5 or -0.5 or -1 or 2 or 3 or -2;
            TensorAssert.Close(expected, got, exact ? 0 : 3e-7, 0, what: $"pow({x.DType.Name()}, {ev})");
            if (exact && x.DType.IsFloatingPoint())
            {
                var ea = expected.To(DType.Float64).ToArray<double>(); var ga = got.To(DType.Float64).ToArray<double>();
                for (int i = 0; i < ea.Length; i++)
                    if (ea[i] == 0) Assert.True(double.IsNegative(ea[i]) == double.IsNegative(ga[i]), $"sign of zero at {i} for pow(x, {ev})");
            }
            n++;
        }
        Assert.Equal(47, n);
    }

    [Fact]
    public void PowScalarGradientsStillWorkThroughTheFastPaths()
    {
        var x = Torch.Tensor(new[] { 0.3, 1.2, 2.5 }, DType.Float64).RequiresGrad_();
        foreach (var e in new[] { 0.5, -0.5, -1, 3, -2, 1.7, 1, 0 })
            Assert.True(Torch.Autograd.GradGradCheck(t => t[0].Pow(e), [x]), $"exponent {e}");
    }
}
