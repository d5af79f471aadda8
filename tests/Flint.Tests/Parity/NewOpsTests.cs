using Flint;
using Flint.NN;
using F = Flint.NN.Functional;

namespace Flint.Tests.Parity;

/// <summary>
/// The ops issue 10 adds, against parity_ops.json from real PyTorch (tools/fixtures/gen_parity_ops.py), and their
/// float64 gradchecks.
/// </summary>
public class NewOpsTests
{
    private static ParityCase Case(string name) => ParityCase.Load("parity_ops", name);

    [Theory]
    [InlineData("logcumsumexp_d0")]
    [InlineData("logcumsumexp_d1")]
    [InlineData("logcumsumexp_d-1")]
    [InlineData("logcumsumexp_big")]
    [InlineData("logcumsumexp_neginf")]
    [InlineData("logcumsumexp_f32")]
    [InlineData("logcumsumexp_0d")]
    public void LogcumsumexpMatchesPyTorch(string name)
    {
        var c = Case(name);
        var x = c.In("x");
        c.Check(Torch.Logcumsumexp(x, c.Kw("dim").GetInt32()), ("x", x));
    }

    [Fact]
    public void LogcumsumexpGradChecksAndRejectsIntegers()
    {
        var x = Torch.Randn([3, 5], dtype: DType.Float64, generator: new Generator(3)).RequiresGrad_();
        Assert.True(Torch.Autograd.GradCheck(a => a[0].Logcumsumexp(1), [x]));
        Assert.True(Torch.Autograd.GradCheck(a => a[0].Logcumsumexp(0), [x]));
        Assert.True(Torch.Autograd.GradGradCheck(a => a[0].Logcumsumexp(1), [x]));
        var e = Assert.Throws<NotSupportedException>(() => Torch.Arange(4).Logcumsumexp(0));
        Assert.Equal("\"logcumsumexp_out_cpu\" not implemented for 'Long'", e.Message);
    }

    [Theory]
    [InlineData("take_along_dim_1")]
    [InlineData("take_along_dim_argsort")]
    [InlineData("take_along_dim_bcast")]
    [InlineData("take_along_dim_flat")]
    public void TakeAlongDimMatchesPyTorch(string name)
    {
        var c = Case(name);
        var x = c.In("x");
        int? dim = c.Json.GetProperty("kw").TryGetProperty("dim", out var d) ? d.GetInt32() : null;
        c.Check(Torch.TakeAlongDim(x, c.In("i"), dim), ("x", x));
    }

    [Fact]
    public void TakeAlongDimErrorsInPyTorchsWords()
    {
        var e = Assert.Throws<ArgumentException>(() => Torch.Ones(2, 3).TakeAlongDim(Torch.Tensor(new long[] { 0 }), 1));
        Assert.Equal("torch.take_along_dim(): input and indices should have the same number of dimensions, but got 2 dimensions for input, and 1 dimensions for indices", e.Message);
        e = Assert.Throws<ArgumentException>(() => Torch.Ones(2, 3).TakeAlongDim(Torch.Tensor(new[,] { { 0 } }), 1));
        Assert.Equal("torch.take_along_dim(): dtype of indices should be Long but got Int", e.Message);
    }

    [Theory]
    [InlineData("soft_margin_mean", Reduction.Mean)]
    [InlineData("soft_margin_sum", Reduction.Sum)]
    [InlineData("soft_margin_none", Reduction.None)]
    [InlineData("soft_margin_f32", Reduction.Mean)]
    public void SoftMarginLossMatchesPyTorch(string name, Reduction reduction)
    {
        var c = Case(name);
        var x = c.In("x");
        c.Check(new SoftMarginLoss(reduction).Call(x, c.In("y")), ("x", x));
    }

    [Theory]
    [InlineData("multi_margin_p1_mean")]
    [InlineData("multi_margin_p1_sum")]
    [InlineData("multi_margin_p1_none")]
    [InlineData("multi_margin_p1_w")]
    [InlineData("multi_margin_p2_mean")]
    [InlineData("multi_margin_p2_sum")]
    [InlineData("multi_margin_p2_none")]
    [InlineData("multi_margin_p2_w")]
    [InlineData("multi_margin_1d")]
    [InlineData("multi_margin_f32")]
    public void MultiMarginLossMatchesPyTorch(string name)
    {
        var c = Case(name);
        var x = c.In("x");
        var kw = c.Json.GetProperty("kw");
        int p = kw.TryGetProperty("p", out var pp) ? pp.GetInt32() : 1;
        double margin = kw.TryGetProperty("margin", out var m) ? m.GetDouble() : 1;
        var reduction = kw.TryGetProperty("reduction", out var r) ? Enum.Parse<Reduction>(r.GetString()!, true) : Reduction.Mean;
        Tensor? w = c.Json.GetProperty("inputs").TryGetProperty("w", out _) ? c.In("w") : null;
        c.Check(new MultiMarginLoss(p, margin, w, reduction).Call(x, c.In("t")), ("x", x));
    }

    [Fact]
    public void MarginLossesGradCheckAndRejectBadArguments()
    {
        var g = new Generator(5);
        var x = Torch.Randn([4, 5], dtype: DType.Float64, generator: g).RequiresGrad_();
        var t = Torch.Tensor(new long[] { 2, 0, 4, 1 });
        var y = Torch.Tensor(new[] { 1.0, -1, -1, 1 }, DType.Float64).Reshape(4, 1);
        Assert.True(Torch.Autograd.GradCheck(a => F.MultiMarginLoss(a[0], t, p: 2, margin: 0.5), [x]));
        Assert.True(Torch.Autograd.GradCheck(a => F.MultiMarginLoss(a[0], t, reduction: Reduction.None), [x]));
        Assert.True(Torch.Autograd.GradCheck(a => F.SoftMarginLoss(a[0], y.Expand(4, 5)), [x]));
        Assert.Equal("only p == 1 and p == 2 supported", Assert.Throws<ArgumentException>(() => F.MultiMarginLoss(x, t, p: 3)).Message);
        Assert.Equal("target out of range", Assert.Throws<ArgumentException>(() => F.MultiMarginLoss(x, t + 1)).Message);
        Assert.Equal("inconsistent target size, got: [3]",
            Assert.Throws<ArgumentException>(() => F.MultiMarginLoss(x, Torch.Tensor(new long[] { 0, 1, 2 }))).Message);
        Assert.Equal("MultiMarginLoss()", new MultiMarginLoss(p: 2).ToString());
        Assert.Equal("SoftMarginLoss()", new SoftMarginLoss().ToString());
    }

    [Theory]
    [InlineData("max_binary", true)]
    [InlineData("max_binary_bcast", true)]
    [InlineData("min_binary", false)]
    public void BinaryMaxMinMatchPyTorch(string name, bool max)
    {
        var c = Case(name);
        var a = c.In("a"); var b = c.In("b");
        c.Check(max ? Torch.Max(a, b) : Torch.Min(a, b), ("a", a), ("b", b));
        TensorAssert.Close(c.Out(), max ? a.Max(b) : a.Min(b), what: "method form");
    }

    [Fact]
    public void RsubMatchesPyTorch()
    {
        var c = Case("rsub");
        var (a, b) = (c.In("a"), c.In("b"));
        c.Check(Torch.Rsub(a, b), ("a", a), ("b", b));
        c = Case("rsub_alpha");
        (a, b) = (c.In("a"), c.In("b"));
        c.Check(Torch.Rsub(input: a, other: b, alpha: c.Kw("alpha").GetDouble()), ("a", a), ("b", b));
        c = Case("rsub_scalar");
        a = c.In("a");
        c.Check(Torch.Rsub(a, c.Kw("other").GetDouble(), c.Kw("alpha").GetInt64()), ("a", a));
    }

    [Theory]
    [InlineData("where_cond")]
    [InlineData("where_cond_float")]
    [InlineData("where_cond_empty")]
    public void SingleArgumentWhereMatchesPyTorch(string name)
    {
        var c = Case(name);
        var r = Torch.Where(c.In("c"));
        Assert.Equal(c.OutCount, r.Length);
        for (int i = 0; i < r.Length; i++) TensorAssert.Close(c.Out(i), r[i], what: $"{name}[{i}]");
    }

    [Fact]
    public void FunctionFormsForwardToTheirMethods()
    {
        var x = Torch.Tensor(new[] { -1.5, 0.0, 2.5 }, DType.Float64).RequiresGrad_();
        var y = Torch.Clone(x);
        Assert.Equal("CloneBackward0", y.GradFn!.Name);
        Assert.NotSame(x.Storage, y.Storage);
        Assert.False(Torch.Detach(x).RequiresGrad);
        Assert.Equal(new[] { -1.0, 0, 2 }, Torch.Fix(x).ToArray<double>());
        Assert.Equal(new[] { -1.0, 0, 1 }, Torch.Sgn(x).ToArray<double>());
        Assert.Equal(new[] { 1.5, 0, -2.5 }, Torch.Negative(x).ToArray<double>());
        Assert.Equal(new[] { 0.0, 0, 2.5 }, Torch.ClampMin(x, 0).ToArray<double>());
        Assert.Equal(new[] { -1.5, 0, 1 }, Torch.ClampMax(x, 1).ToArray<double>());
        Assert.Equal(new[] { -3.0, 0, 5 }, Torch.Multiply(input: x, other: 2).ToArray<double>());
        Assert.Equal(new[] { -0.75, 0, 1.25 }, Torch.Divide(x, 2).ToArray<double>());
        Assert.Equal(new[] { -2.5, -1, 1.5 }, Torch.Subtract(x, 1).ToArray<double>());
        Assert.Equal(3, Torch.Numel(x));
        Assert.True(Torch.IsFloatingPoint(x));
        var m = Torch.Zeros(2, 3, 4);
        Assert.Equal(new long[] { 3, 4, 2 }, Torch.Moveaxis(m, 0, 2).Shape);
        Assert.Equal(new long[] { 4, 3, 2 }, Torch.Swapdims(m, 0, 2).Shape);
        Assert.Equal(new long[] { 3, 2 }, Torch.T(Torch.Zeros(2, 3)).Shape);
        Assert.Equal(new long[] { 1, 1 }, Torch.Argwhere(Torch.Tensor(new[] { 0.0, 3.0 })).Shape);
    }

    [Fact]
    public void DefaultCollateOfNestedDictionariesListsAndTuplesMatchesPyTorch()
    {
        var c = Fixture.Load("parity_ops").Cases.Single(x => x.GetProperty("name").GetString() == "collate_nested");
        var batch = c.GetProperty("batch").EnumerateArray().Select(CollateTree.Build).ToList();
        CollateTree.AssertMatches(c.GetProperty("out"), Flint.Data.DataUtils.Collate(batch), "batch");
    }

    [Fact]
    public void DefaultCollateNamesAMissingKeyAndUnequalLists()
    {
        var a = new Dictionary<string, object> { ["x"] = 1L };
        var b = new Dictionary<string, object> { ["y"] = 1L };
        Assert.Equal("default_collate: element 1 of the batch has no key 'x'",
            Assert.Throws<ArgumentException>(() => Flint.Data.DataUtils.Collate([a, b])).Message);
        Assert.Equal("each element in list of batch should be of equal size", Assert.Throws<ArgumentException>(
            () => Flint.Data.DataUtils.Collate([new List<object> { 1L, 2L }, new List<object> { 1L }])).Message);
    }
}
