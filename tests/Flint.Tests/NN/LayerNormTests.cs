using System.Text.Json;
using Flint.NN;
using F = Flint.NN.Functional;

namespace Flint.Tests.NN;

/// <summary>
/// The fused native_layer_norm (F.layer_norm / nn.LayerNorm): outputs, mean/rstd and gradients against PyTorch 1.13
/// (tools/fixtures/gen_layer_norm.py), gradcheck / gradgradcheck, the multi-core paths and PyTorch's error messages.
/// </summary>
[Collection("DefaultGenerator")]
public class LayerNormTests
{
    private static IReadOnlyList<JsonElement> All => Fixture.Load("layer_norm").Cases;

    public static IEnumerable<object[]> Cases()
        => All.Where(c => c.GetProperty("name").GetString() != "errors").Select(c => new object[] { c.GetProperty("name").GetString()! });

    private static JsonElement Case(string name) => All.First(c => c.GetProperty("name").GetString() == name);

    private static Tensor? Opt(JsonElement c, string key)
        => c.GetProperty(key).ValueKind == JsonValueKind.Null ? null : Fixture.Tensor(c.GetProperty(key));

    private static Tensor Input(JsonElement c)
    {
        var b = Fixture.Tensor(c.GetProperty("base"));
        if (!c.TryGetProperty("view", out var v)) return b;
        var sizes = v.GetProperty("sizes").EnumerateArray().Select(e => e.GetInt64()).ToArray();
        var strides = v.GetProperty("strides").EnumerateArray().Select(e => e.GetInt64()).ToArray();
        return b.AsStrided(sizes, strides, v.GetProperty("offset").GetInt64());
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void MatchesPyTorch(string name)
    {
        var c = Case(name);
        var x = Input(c).RequiresGrad_();
        var w = Opt(c, "w")?.RequiresGrad_(); var b = Opt(c, "b")?.RequiresGrad_();
        var ns = c.GetProperty("ns").EnumerateArray().Select(e => e.GetInt64()).ToArray();
        double eps = c.GetProperty("eps").GetDouble();
        if (name == "transposed" || name == "sliced_last") Assert.False(x.IsContiguous());

        var (y, mean, rstd) = Torch.NativeLayerNorm(x, ns, w, b, eps);
        // bfloat16 keeps 8 significant bits: one rounding step apart is ~0.4% of the value
        bool bf = x.DType == DType.BFloat16;
        double rtol = bf ? 1e-2 : x.DType == DType.Float64 ? 1e-10 : 1e-5, atol = bf ? 1e-2 : x.DType == DType.Float64 ? 1e-12 : 1e-5;
        if (x.DType == DType.Float32)
        {
            // Each side rounds the row mean to float32 on its own (half an ulp of |mean|), and y inherits that error
            // times rstd·|w|: rows with a large offset may differ by one ulp of the mean, scaled.
            double maxMean = mean.Abs().Max().Item<float>(), maxRstd = rstd.Max().Item<float>();
            double maxW = w is null ? 1 : w.Detach().Abs().Max().Item<float>();
            atol += Math.ScaleB(1, Math.ILogB(maxMean) - 23) * maxRstd * maxW;
        }
        TensorAssert.Close(Fixture.Tensor(c.GetProperty("y")), y.Detach(), rtol, atol, what: "y");
        TensorAssert.Close(Fixture.Tensor(c.GetProperty("mean")), mean, rtol, atol, what: "mean");
        TensorAssert.Close(Fixture.Tensor(c.GetProperty("rstd")), rstd, rtol, atol, what: "rstd");
        Assert.False(mean.RequiresGrad);
        Assert.False(rstd.RequiresGrad);
        Assert.Equal(c.GetProperty("grad_fn").GetString(), y.GradFn!.Name);
        TensorAssert.Close(y.Detach(), F.LayerNorm(x, ns, w, b, eps).Detach(), 0, 0, what: "F.LayerNorm");

        y.Backward(Fixture.Tensor(c.GetProperty("gout")));
        TensorAssert.Close(Fixture.Tensor(c.GetProperty("gx")), x.Grad!, rtol, atol, what: "grad input");
        if (w is not null) TensorAssert.Close(Fixture.Tensor(c.GetProperty("gw")), w.Grad!, rtol, atol, what: "grad weight");
        if (b is not null) TensorAssert.Close(Fixture.Tensor(c.GetProperty("gb")), b.Grad!, rtol, atol, what: "grad bias");
    }

    [Fact]
    public void ErrorsMatchPyTorch()
    {
        var errors = Case("errors").GetProperty("errors").EnumerateArray().ToDictionary(e => e.GetProperty("name").GetString()!, e => e.GetProperty("message").GetString()!);
        var x = Torch.Randn(2, 3, 4);
        void Expect(string name, Action a) => Assert.Equal(errors[name], Assert.ThrowsAny<Exception>(a).Message);
        Expect("input_shape", () => F.LayerNorm(x, [5]));
        Expect("input_shape_2d", () => F.LayerNorm(x, [2, 4]));
        Expect("weight_shape", () => F.LayerNorm(x, [4], Torch.Randn(3)));
        Expect("bias_shape", () => F.LayerNorm(x, [4], null, Torch.Randn(3)));
        Expect("empty_ns", () => F.LayerNorm(x, []));
        Expect("half", () => F.LayerNorm(x.To(DType.Float16), [4]));
        Expect("long", () => F.LayerNorm(x.To(DType.Int64), [4]));
        Expect("weight_dtype", () => F.LayerNorm(x.To(DType.Float64), [4], Torch.Randn(4)));
    }

    private static Tensor R64(params long[] s) => Torch.Randn(s, dtype: DType.Float64);

    [Fact]
    public void GradCheckFloat64()
    {
        Torch.ManualSeed(1);
        var x = R64(3, 2, 5).RequiresGrad_(); var w = R64(5).RequiresGrad_(); var b = R64(5).RequiresGrad_();
        Assert.True(Torch.Autograd.GradCheck(a => F.LayerNorm(a[0], [5], a[1], a[2]), [x, w, b]));
        Assert.True(Torch.Autograd.GradCheck(a => F.LayerNorm(a[0], [2, 5]), [x]));
        // a transposed (non-contiguous) input, weight only
        var xt = R64(4, 3, 6).RequiresGrad_(); var w6 = R64(6).RequiresGrad_();
        Assert.True(Torch.Autograd.GradCheck(a => F.LayerNorm(a[0].Transpose(0, 1), [6], a[1]), [xt, w6]));
    }

    [Fact]
    public void GradGradCheckFloat64()
    {
        Torch.ManualSeed(2);
        var x = R64(3, 4).RequiresGrad_(); var w = R64(4).RequiresGrad_(); var b = R64(4).RequiresGrad_();
        Assert.True(Torch.Autograd.GradGradCheck(a => F.LayerNorm(a[0], [4], a[1], a[2]), [x, w, b]));
        var x2 = R64(2, 2, 3).RequiresGrad_();
        Assert.True(Torch.Autograd.GradGradCheck(a => F.LayerNorm(a[0], [2, 3]), [x2]));
    }

    /// <summary>
    /// Rows enough to split across cores (and, in backward, per-core dw/db partial sums): the fused op against the
    /// mean/var composite evaluated in float64, forward and all three gradients; the create_graph path (the
    /// differentiable composite backward) gives the same first derivatives as the fused backward kernel.
    /// </summary>
    [Fact]
    public void LargeMatchesCompositeAndCreateGraphPath()
    {
        Torch.ManualSeed(3);
        long[] ns = [1024];
        var x = (Torch.Randn(96, 1024) * 3 + 1).RequiresGrad_(); var w = Torch.Randn(1024).RequiresGrad_(); var b = Torch.Randn(1024).RequiresGrad_();
        var g = Torch.Randn(96, 1024);
        var y = F.LayerNorm(x, ns, w, b);
        var fused = Torch.Autograd.Grad(y, [x, w, b], g);

        var x64 = x.Detach().To(DType.Float64).RequiresGrad_(); var w64 = w.Detach().To(DType.Float64).RequiresGrad_(); var b64 = b.Detach().To(DType.Float64).RequiresGrad_();
        var mean = x64.Mean([1], keepdim: true);
        var yRef = (x64 - mean) * (x64.Var([1], correction: 0, keepdim: true) + 1e-5).Rsqrt() * w64 + b64;
        var refGrads = Torch.Autograd.Grad(yRef, [x64, w64, b64], g.To(DType.Float64));
        CloseLarge(yRef.Detach().To(DType.Float32), y.Detach(), 1e-5, 1e-5, "y");
        string[] names = ["grad input", "grad weight", "grad bias"];
        for (int i = 0; i < 3; i++) CloseLarge(refGrads[i]!.To(DType.Float32), fused[i]!, 1e-4, 1e-4, names[i]);

        var y2 = F.LayerNorm(x, ns, w, b);
        var composite = Torch.Autograd.Grad(y2, [x, w, b], g, createGraph: true);
        for (int i = 0; i < 3; i++)
        {
            if (i < 2) Assert.True(composite[i]!.RequiresGrad); // grad bias = Σ g: a constant of the graph
            CloseLarge(fused[i]!, composite[i]!.Detach(), 1e-4, 1e-4, names[i] + " (create_graph)");
        }
    }

    /// <summary>TensorAssert.Close for big tensors: the same criterion, checked with tensor ops, reporting the worst element.</summary>
    private static void CloseLarge(Tensor expected, Tensor actual, double rtol, double atol, string what)
    {
        Assert.Equal(expected.Shape, actual.Shape);
        var excess = (actual - expected).Abs() - expected.Abs() * rtol;
        double worst = excess.Max().Item<float>();
        Assert.True(worst <= atol, $"{what}: |actual - expected| exceeds rtol·|expected| by {worst} (atol {atol})");
    }

    [Fact]
    public void ModuleUsesNativeLayerNorm()
    {
        var ln = new LayerNorm([3, 4]);
        var y = ln.Call(Torch.Randn(2, 3, 4));
        Assert.Equal("NativeLayerNormBackward0", y.GradFn!.Name);
        var (_, mean, rstd) = Torch.NativeLayerNorm(Torch.Randn(2, 5, 3, 4), [3, 4], null, null, 1e-5);
        Assert.Equal(new long[] { 2, 5, 1, 1 }, mean.Shape);
        Assert.Equal(new long[] { 2, 5, 1, 1 }, rstd.Shape);
    }

    [Fact]
    public void EmptyRows()
    {
        var x = Torch.Randn(0, 4).RequiresGrad_();
        var w = Torch.Ones(4).RequiresGrad_();
        var y = F.LayerNorm(x, [4], w);
        Assert.Equal(new long[] { 0, 4 }, y.Shape);
        y.Sum().Backward();
        Assert.Equal(new long[] { 0, 4 }, x.Grad!.Shape);
        TensorAssert.Close(Torch.Zeros(4), w.Grad!, 0, 0);
    }
}
