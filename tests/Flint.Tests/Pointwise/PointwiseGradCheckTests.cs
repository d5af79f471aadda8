using Flint;

namespace Flint.Tests.Pointwise;

/// <summary>Every differentiable pointwise op: gradcheck and gradgradcheck in float64 against finite differences.</summary>
public class PointwiseGradCheckTests
{
    private static Tensor Input(string domain, int seed, params long[] shape)
    {
        var g = new Generator((ulong)seed + 1);
        var r = Torch.Rand(shape, DType.Float64, g);
        var x = domain switch
        {
            "real" => Torch.Randn(shape, DType.Float64, g) * 1.5,
            "pos" => r * 2 + 0.2,
            "unit" => r * 1.6 - 0.8,
            "ge1" => r * 2 + 1.2,
            "prob" => r * 0.8 + 0.1,
            "nonzero" => (r + 0.5) * Torch.Where(Torch.Rand(shape, DType.Float64, g) < 0.5, -1.0, 1.0),
            _ => throw new ArgumentException(domain),
        };
        return x.Detach().RequiresGrad_();
    }

    public static IEnumerable<object[]> Unary() =>
    [
        ["abs", "nonzero"], ["neg", "real"], ["exp", "real"], ["exp2", "real"], ["expm1", "real"], ["log", "pos"], ["log2", "pos"],
        ["log10", "pos"], ["log1p", "pos"], ["sqrt", "pos"], ["rsqrt", "pos"], ["square", "real"], ["reciprocal", "nonzero"],
        ["sin", "real"], ["cos", "real"], ["tan", "unit"], ["asin", "unit"], ["acos", "unit"], ["atan", "real"], ["sinh", "real"],
        ["cosh", "real"], ["tanh", "real"], ["asinh", "real"], ["acosh", "ge1"], ["atanh", "unit"], ["sigmoid", "real"],
        ["logit", "prob"], ["logit_eps", "prob"], ["relu", "nonzero"], ["relu6", "nonzero"], ["gelu", "real"], ["gelu_tanh", "real"],
        ["silu", "real"], ["mish", "real"], ["softplus", "real"], ["softplus_beta", "real"], ["softsign", "nonzero"], ["elu", "nonzero"],
        ["selu", "nonzero"], ["celu", "nonzero"], ["leaky_relu", "nonzero"], ["hardtanh", "real"], ["hardsigmoid", "real"],
        ["hardswish", "real"], ["erf", "real"], ["erfc", "real"], ["erfinv", "unit"], ["lgamma", "pos"], ["digamma", "pos"],
        ["polygamma1", "pos"], ["floor", "real"], ["ceil", "real"], ["round", "real"], ["trunc", "real"], ["frac", "real"],
        ["sign", "nonzero"], ["clamp", "real"], ["clamp_min", "real"], ["nan_to_num", "real"], ["pow2", "real"], ["pow_half", "pos"],
    ];

    private static Tensor ApplyUnary(string op, Tensor x) => op switch
    {
        "abs" => x.Abs(), "neg" => -x, "exp" => x.Exp(), "exp2" => x.Exp2(), "expm1" => x.Expm1(), "log" => x.Log(), "log2" => x.Log2(),
        "log10" => x.Log10(), "log1p" => x.Log1p(), "sqrt" => x.Sqrt(), "rsqrt" => x.Rsqrt(), "square" => x.Square(),
        "reciprocal" => x.Reciprocal(), "sin" => x.Sin(), "cos" => x.Cos(), "tan" => x.Tan(), "asin" => x.Asin(), "acos" => x.Acos(),
        "atan" => x.Atan(), "sinh" => x.Sinh(), "cosh" => x.Cosh(), "tanh" => x.Tanh(), "asinh" => x.Asinh(), "acosh" => x.Acosh(),
        "atanh" => x.Atanh(), "sigmoid" => x.Sigmoid(), "logit" => x.Logit(), "logit_eps" => x.Logit(0.25), "relu" => x.Relu(),
        "relu6" => (x * 4).Relu6(), "gelu" => x.Gelu(), "gelu_tanh" => x.Gelu("tanh"), "silu" => x.Silu(), "mish" => x.Mish(),
        "softplus" => x.Softplus(), "softplus_beta" => x.Softplus(2, 1.5), "softsign" => x.Softsign(), "elu" => x.Elu(0.7),
        "selu" => x.Selu(), "celu" => x.Celu(1.5), "leaky_relu" => x.LeakyRelu(0.2), "hardtanh" => x.Hardtanh(-0.7, 0.9),
        "hardsigmoid" => (x * 3).Hardsigmoid(), "hardswish" => (x * 3).Hardswish(), "erf" => x.Erf(), "erfc" => x.Erfc(),
        "erfinv" => x.Erfinv(), "lgamma" => x.Lgamma(), "digamma" => x.Digamma(), "polygamma1" => x.Polygamma(1),
        "floor" => x.Floor(), "ceil" => x.Ceil(), "round" => x.Round(), "trunc" => x.Trunc(), "frac" => x.Frac(), "sign" => x.Sign(),
        "clamp" => x.Clamp(-0.5, 0.8), "clamp_min" => x.ClampMin(0.1), "nan_to_num" => x.NanToNum(), "pow2" => x.Pow(2),
        "pow_half" => x.Pow(0.5),
        _ => throw new ArgumentException(op),
    };

    [Theory]
    [MemberData(nameof(Unary))]
    public void UnaryGradCheck(string op, string domain)
    {
        var x = Input(domain, op.Length, 2, 3);
        Assert.True(Torch.Autograd.GradCheck(a => ApplyUnary(op, a[0]), [x]));
        Assert.True(Torch.Autograd.GradGradCheck(a => ApplyUnary(op, a[0]), [x]));
    }

    public static IEnumerable<object[]> Binary() =>
    [
        ["add"], ["add_alpha"], ["sub"], ["sub_alpha"], ["mul"], ["div"], ["div_trunc"], ["div_floor"], ["pow"], ["pow_rscalar"],
        ["maximum"], ["minimum"], ["fmax"], ["fmin"], ["fmod"], ["remainder"], ["atan2"], ["hypot"], ["where"], ["lerp"],
        ["lerp_scalar"], ["addcmul"], ["addcdiv"], ["clamp_tensor"],
    ];

    private static Tensor ApplyBinary(string op, Tensor[] t) => op switch
    {
        "add" => t[0] + t[1], "add_alpha" => t[0].Add(t[1], 0.5), "sub" => t[0] - t[1], "sub_alpha" => t[0].Sub(t[1], 2.5),
        "mul" => t[0] * t[1], "div" => t[0] / t[1], "div_trunc" => t[0].Div(t[1], "trunc"), "div_floor" => t[0].Div(t[1], "floor"),
        "pow" => t[0].Abs().Add(0.3).Pow(t[1]), "pow_rscalar" => Torch.Pow(1.7, t[1]) * t[0],
        "maximum" => t[0].Maximum(t[1]), "minimum" => t[0].Minimum(t[1]), "fmax" => t[0].Fmax(t[1]), "fmin" => t[0].Fmin(t[1]),
        "fmod" => t[0].Fmod(t[1]), "remainder" => t[0].Remainder(t[1]), "atan2" => t[0].Atan2(t[1]), "hypot" => t[0].Hypot(t[1]),
        "where" => Torch.Where(t[0] > 0, t[0], t[1]), "lerp" => t[0].Lerp(t[1], t[1].Sigmoid()), "lerp_scalar" => t[0].Lerp(t[1], 0.3),
        "addcmul" => t[0].Addcmul(t[1], t[0], 0.5), "addcdiv" => t[1].Addcdiv(t[0], t[1], -1.5),
        "clamp_tensor" => t[0].Clamp(t[1] - 0.5, t[1] + 0.5),
        _ => throw new ArgumentException(op),
    };

    [Theory]
    [MemberData(nameof(Binary))]
    public void BinaryGradCheckWithBroadcast(string op)
    {
        var a = Input("real", op.Length, 2, 3);
        var b = Input("nonzero", op.Length + 7, 3); // broadcast: the gradient of b is reduced over the first dim
        Assert.True(Torch.Autograd.GradCheck(t => ApplyBinary(op, t), [a, b]));
        Assert.True(Torch.Autograd.GradGradCheck(t => ApplyBinary(op, t), [a, b]));
    }

    [Fact]
    public void NonContiguousInputsGradCheck()
    {
        var a = Input("real", 3, 3, 2);
        var b = Input("real", 4, 2, 3);
        Assert.True(Torch.Autograd.GradCheck(t => (t[0].T * t[1]).Gelu() + t[1].Sigmoid() * t[0].T, [a, b]));
    }

    [Fact]
    public void GradFnNamesFollowPyTorch()
    {
        var x = Torch.Tensor(new[] { 0.5, -1.0 }, DType.Float64, requiresGrad: true);
        Assert.Equal("ExpBackward0", x.Exp().GradFn!.Name);
        Assert.Equal("GeluBackward0", x.Gelu("tanh").GradFn!.Name);
        Assert.Equal("PowBackward0", x.Square().GradFn!.Name);
        Assert.Equal("PowBackward1", x.Pow(x).GradFn!.Name);
        Assert.Equal("EluBackward0", x.Selu().GradFn!.Name);
        Assert.Equal("HardtanhBackward0", x.Relu6().GradFn!.Name);
        Assert.Equal("ClampBackward1", x.Clamp(0, 1).GradFn!.Name);
        Assert.Equal("WhereBackward0", Torch.Where(x > 0, x, 0.0).GradFn!.Name);
        Assert.Equal("SubBackward0", (x - 1).GradFn!.Name);
        Assert.Equal("LeakyReluBackward0", x.LeakyRelu().GradFn!.Name);
        Assert.False((x > 0).RequiresGrad);
    }
}
