using Flint;

namespace Flint.Tests.Pointwise;

/// <summary>Error messages (PyTorch's wording), in-place forms, operators and boolean helpers.</summary>
public class PointwiseSemanticsTests
{
    private static Tensor F(params float[] v) => Torch.Tensor(v);
    private static Tensor L(params long[] v) => Torch.Tensor(v);
    private static Tensor B(params bool[] v) => Torch.Tensor(v);

    [Fact]
    public void BroadcastMismatchIsAnError()
    {
        var ex = Assert.ThrowsAny<Exception>(() => Torch.Ones(2, 3) + Torch.Ones(4));
        Assert.Equal("The size of tensor a (3) must match the size of tensor b (4) at non-singleton dimension 1", ex.Message);
    }

    [Fact]
    public void BoolSubtractionAndNegationAreErrors()
    {
        Assert.Equal("Subtraction, the `-` operator, with two bool tensors is not supported. Use the `^` or `logical_xor()` operator instead.",
            Assert.ThrowsAny<Exception>(() => B(true, false) - B(true, true)).Message);
        Assert.StartsWith("Subtraction, the `-` operator, with a bool tensor is not supported.", Assert.ThrowsAny<Exception>(() => F(1, 2) - B(true, true)).Message);
        Assert.StartsWith("Negation, the `-` operator, on a bool tensor is not supported.", Assert.ThrowsAny<Exception>(() => -B(true)).Message);
    }

    [Fact]
    public void InPlaceResultMustCastAndBroadcast()
    {
        Assert.Equal("result type Float can't be cast to the desired output type Long", Assert.ThrowsAny<Exception>(() => L(1, 2).Add_(F(0.5f, 1))).Message);
        Assert.Equal("output with shape [3] doesn't match the broadcast shape [2, 3]", Assert.ThrowsAny<Exception>(() => Torch.Ones(3).Add_(Torch.Ones(2, 3))).Message);
    }

    [Fact]
    public void ArgumentErrors()
    {
        Assert.Equal("where expected condition to be a boolean tensor, but got a tensor with dtype Float",
            Assert.ThrowsAny<Exception>(() => Torch.Where(Torch.Ones(2), Torch.Ones(2), Torch.Zeros(2))).Message);
        Assert.Equal("div expected rounding_mode to be one of None, 'trunc', or 'floor' but found 'x'",
            Assert.ThrowsAny<Exception>(() => Torch.Div(Torch.Ones(2), Torch.Ones(2), "x")).Message);
        Assert.Equal("\"bitwise_and_cpu\" not implemented for 'Float'", Assert.ThrowsAny<Exception>(() => Torch.Ones(2) & Torch.Ones(2)).Message);
        Assert.Equal("For integral input tensors, argument alpha must not be a floating point number.",
            Assert.ThrowsAny<Exception>(() => L(1, 2).Add(L(1, 2), 0.5)).Message);
        Assert.Equal("Integers to negative integer powers are not allowed.", Assert.ThrowsAny<Exception>(() => L(1, 2).Pow(-1)).Message);
        Assert.Equal("Float did not match Double", Assert.ThrowsAny<Exception>(() => Torch.Ones(2).IsClose(Torch.Ones([2], DType.Float64))).Message);
        Assert.Equal("torch.clamp: At least one of 'min' or 'max' must not be None", Assert.ThrowsAny<Exception>(() => Torch.Ones(2).Clamp()).Message);
        Assert.Equal("approximate argument must be either none or tanh.", Assert.ThrowsAny<Exception>(() => Torch.Ones(2).Gelu("x")).Message);
        Assert.Equal("ZeroDivisionError", Assert.ThrowsAny<Exception>(() => L(1, 2).FloorDivide(0)).Message);
    }

    [Fact]
    public void InPlaceFormsWriteIntoSelfAndBumpTheVersion()
    {
        var x = F(-1, 0.5f, 2);
        var v = x.Version;
        Assert.Same(x, x.Relu_());
        Assert.Equal(new[] { 0f, 0.5f, 2 }, x.ToArray<float>());
        x.Mul_(2).Add_(1, alpha: 3).Clamp_(null, 6);
        Assert.Equal(new[] { 3f, 4, 6 }, x.ToArray<float>());
        x.Pow_(2).Sigmoid_();
        Assert.True(x.Version > v);
        var y = F(1, 2, 3);
        y.Lerp_(F(3, 4, 5), 0.5).Addcmul_(F(1, 1, 1), F(2, 2, 2), 0.5).Addcdiv_(F(2, 2, 2), F(4, 4, 4));
        Assert.Equal(new[] { 3.5f, 4.5f, 5.5f }, y.ToArray<float>());
        var i = L(5, -7);
        i.Remainder_(3);
        Assert.Equal(new long[] { 2, 2 }, i.ToArray<long>());
    }

    [Fact]
    public void InPlaceOnAViewWritesThroughToTheBase()
    {
        var x = Torch.Zeros(2, 3);
        x.T.Add_(Torch.Tensor(new[] { 1f, 2f }));
        Assert.Equal(new[] { 1f, 1, 1, 2, 2, 2 }, x.ToArray<float>());
    }

    [Fact]
    public void InPlaceOnALeafThatRequiresGradIsAnError()
    {
        var x = Torch.Ones([2], requiresGrad: true);
        Assert.Contains("a leaf Variable that requires grad", Assert.ThrowsAny<Exception>(() => x.Sigmoid_()).Message);
    }

    [Fact]
    public void InPlaceGradientFlowsThroughTheNewValue()
    {
        var a = Torch.Tensor(new[] { 0.5, -1.5 }, DType.Float64, requiresGrad: true);
        var b = a * 1;
        b.Tanh_();
        b.Sum().Backward();
        var t = Math.Tanh(0.5); var u = Math.Tanh(-1.5);
        Assert.Equal(1 - t * t, a.Grad!.ToArray<double>()[0], 12);
        Assert.Equal(1 - u * u, a.Grad!.ToArray<double>()[1], 12);
    }

    [Fact]
    public void OperatorsOnBoolAndIntTensors()
    {
        Assert.Equal(new[] { true, false }, (B(true, true) & B(true, false)).ToArray<bool>());
        Assert.Equal(new[] { true, true }, (B(true, false) | B(false, true)).ToArray<bool>());
        Assert.Equal(new[] { false, true }, (B(true, false) ^ B(true, true)).ToArray<bool>());
        Assert.Equal(new[] { false, true }, (~B(true, false)).ToArray<bool>());
        Assert.Equal(new long[] { -6, 4 }, (~L(5, -5)).ToArray<long>());
        Assert.Equal(new long[] { 4, 1 }, (L(6, 3) & L(12, 5)).ToArray<long>());
        Assert.Equal(new[] { true, false }, (F(1, 3) < 2).ToArray<bool>());
        Assert.Equal(new[] { false, true }, (2 <= F(1, 3)).ToArray<bool>());
        Assert.Equal(DType.Bool, (F(1) > F(0)).DType);
    }

    [Fact]
    public void AllCloseAndEqual()
    {
        Assert.True(F(1, 2).AllClose(F(1, 2.000001f)));
        Assert.False(F(1, 2).AllClose(F(1, 2.1f)));
        Assert.True(F(1, float.NaN).AllClose(F(1, float.NaN), equalNan: true));
        Assert.False(F(1, float.NaN).AllClose(F(1, float.NaN)));
        Assert.True(Torch.Equal(F(1, 2), F(1, 2)));
        Assert.False(Torch.Equal(F(1, 2), F(1, 3)));
        Assert.False(Torch.Equal(F(1, 2), Torch.Ones(1, 2)));
    }

    [Fact]
    public void LargeTensorsTakeTheParallelPathAndAgreeWithTheScalarOne()
    {
        // above the 32K grain the kernels split across cores; each half must match the element-by-element result
        var x = Torch.Randn([100_003], DType.Float32, new Generator(5));
        var y = (x * 1.5 + 0.5).Gelu() * x.Sigmoid();
        var xs = x.ToArray<float>(); var ys = y.ToArray<float>();
        for (int i = 0; i < xs.Length; i += 997)
        {
            double v = xs[i] * 1.5f + 0.5f;
            double g = 0.5 * v * (1 + Flint.Kernels.Cpu.SpecialFunctions.Erf(v / Math.Sqrt(2)));
            double expected = g / (1 + Math.Exp(-xs[i]));
            Assert.True(Math.Abs(ys[i] - expected) <= 1e-5 + 1e-5 * Math.Abs(expected), $"element {i}: {ys[i]} vs {expected}");
        }
    }
}

public class VectorizedActivationEdgeTests
{
    [Fact]
    public void OneValueBroadcastOperandsActAsScalars()
    {
        // an operand whose strides are all 0 (a value expanded, as sum/mean gradients are) takes the scalar path
        var x = Torch.Randn([300, 7], DType.Float32, new Generator(3));
        var s = Torch.Tensor(new[] { 2.5f }).Expand(300, 7);
        var xs = x.ToArray<float>();
        var sum = (x + s).ToArray<float>(); var diff = (s - x).ToArray<float>();
        var less = x.Lt(s).ToArray<bool>(); var both = (s * s.Clone().Expand(300, 7)).ToArray<float>();
        for (int i = 0; i < xs.Length; i++)
        {
            Assert.Equal(xs[i] + 2.5f, sum[i]);
            Assert.Equal(2.5f - xs[i], diff[i]);
            Assert.Equal(xs[i] < 2.5f, less[i]);
            Assert.Equal(6.25f, both[i]);
        }
        // mean's gradient is one value expanded: 1/n everywhere, and its consumers see the same values
        var w = Torch.Randn([40, 5], DType.Float64, new Generator(4)).RequiresGrad_();
        w.Square().Mean().Backward();
        var wg = w.Grad!.ToArray<double>(); var wv = w.Detach().ToArray<double>();
        for (int i = 0; i < wg.Length; i++) Assert.Equal(2 * wv[i] * (1.0 / 200), wg[i], 15);
    }

    [Fact]
    public void StreamingStorePathMatchesElementwiseResults()
    {
        // above 2²⁰ elements per thread the kernels write with aligned non-temporal stores after a scalar prologue;
        // an offset view makes the output alignment and the input alignment differ
        int n = 2 * (1 << 20) + 37;
        var big = Torch.Randn([n + 3], DType.Float32, new Generator(11));
        var x = big[3..];
        var xs = x.ToArray<float>();
        var prod = (x * x).ToArray<float>();
        var shifted = (x + 0.25).ToArray<float>();                        // scalar on the right
        var flipped = (Torch.Tensor(new[] { 2f }) - x).ToArray<float>();   // one-element tensor on the left
        var sig = x.Sigmoid().ToArray<float>();
        for (int i = 0; i < n; i += (i < 64 || i > n - 64) ? 1 : 4099)
        {
            Assert.Equal(xs[i] * xs[i], prod[i]);
            Assert.Equal(xs[i] + 0.25f, shifted[i]);
            Assert.Equal(2f - xs[i], flipped[i]);
            double e = 1 / (1 + Math.Exp(-xs[i]));
            Assert.True(Math.Abs(sig[i] - e) <= 1e-6 * (1 + Math.Abs(e)), $"sigmoid element {i}");
        }
    }

    [Fact]
    public void ExtremeAndNonFiniteInputsOnTheVectorPath()
    {
        // 16 elements: every value goes through the Vector256 kernels (float32), not the scalar tail
        float[] v = [-1000, -100, -88.5f, -20, -1e-30f, 0, 1e-30f, 20, 88.5f, 100, 1000, float.NegativeInfinity, float.PositiveInfinity, float.NaN, -3, 3];
        var x = Torch.Tensor(v);
        var s = x.Sigmoid().ToArray<float>();
        var g = x.Gelu().ToArray<float>();
        var si = x.Silu().ToArray<float>();
        var gt = x.Gelu("tanh").ToArray<float>();
        // saturated exactly, as PyTorch's: 1/(1 + e^-100) rounds to 1, and e^100 overflows to inf, giving 0
        Assert.Equal(1f, s[Array.IndexOf(v, 100f)]);
        Assert.Equal(0f, s[Array.IndexOf(v, -100f)]);
        for (int i = 0; i < v.Length; i++)
        {
            double d = v[i];
            double es = double.IsNaN(d) ? double.NaN : 1 / (1 + Math.Exp(-d));
            // as torch 1.13: x·(something → 0) is NaN at −inf for gelu and silu, +inf stays +inf
            double inf = double.IsNegativeInfinity(d) ? double.NaN : d;
            double eg = double.IsNaN(d) || double.IsInfinity(d) ? inf : 0.5 * d * Flint.Kernels.Cpu.SpecialFunctions.Erfc(-d / Math.Sqrt(2));
            Check(es, s[i], $"sigmoid({d})");
            Check(eg, g[i], $"gelu({d})");
            Check(double.IsNaN(d) || double.IsInfinity(d) ? inf : d * es, si[i], $"silu({d})");
            Check(double.IsNaN(d) || double.IsInfinity(d) ? inf : 0.5 * d * (1 + Math.Tanh(Math.Sqrt(2 / Math.PI) * (d + 0.044715 * d * d * d))), gt[i], $"gelu_tanh({d})");
        }
    }

    [Fact]
    public void GeluOnTheVectorPathIsWithinAnUlpOrSoOfTheExactValueAcrossItsRange()
    {
        // a dense grid over [−10, 10] and the whole fitted range of the rational approximation (|x| ≤ 5.6) and past it
        const int n = 1 << 18;
        var xs = new float[n];
        for (int i = 0; i < n; i++) xs[i] = -10f + 20f * i / n;
        var g = Torch.Tensor(xs).Gelu().ToArray<float>();
        double worst = 0, worstTail = 0;
        for (int i = 0; i < n; i++)
        {
            double d = xs[i], e = 0.5 * d * Flint.Kernels.Cpu.SpecialFunctions.Erfc(-d / Math.Sqrt(2));
            worst = Math.Max(worst, Math.Abs(g[i] - e));
            if (d < -1) worstTail = Math.Max(worstTail, Math.Abs(g[i] - e));
            Assert.True(d >= 0 ? g[i] >= 0 : g[i] <= 0, $"gelu({d}) = {g[i]} has the wrong sign");
        }
        // on this grid PyTorch 1.13's own kernel is off by up to 3.7e-7, and by 2.6e-7 below x = -1 (Flint: 5.7e-7, 3.3e-7)
        Assert.True(worst < 7e-7, $"largest absolute error {worst:E2}");
        Assert.True(worstTail < 4e-7, $"largest absolute error below x = -1: {worstTail:E2}");
    }

    private static void Check(double expected, float actual, string what)
    {
        if (double.IsNaN(expected)) { Assert.True(float.IsNaN(actual), what); return; }
        if (double.IsInfinity(expected)) { Assert.Equal(expected, (double)actual); return; }
        Assert.True(Math.Abs(expected - actual) <= 1e-6 + 2e-6 * Math.Abs(expected), $"{what}: expected {expected}, got {actual}");
    }
}
