using Flint;
using Flint.NN;
using F = Flint.NN.Functional;

namespace Flint.Tests.Parity;

/// <summary>
/// torch.nn.functional's convolution and pooling calls, reductions by `dim` with `unbiased`, and list indexing,
/// written as a PyTorch user writes them, against parity_functional.json (tools/fixtures/gen_parity_functional.py).
/// </summary>
public class FunctionalCallsTests
{
    private static ParityCase Case(string name) => ParityCase.Load("parity_functional", name);

    public static TheoryData<string> Unary => new()
    {
        "conv2d_valid", "max_pool2d_indices", "max_pool1d_indices", "adaptive_max_pool1d_indices", "avg_pool2d",
        "adaptive_avg_pool2d", "lp_pool2d", "lp_pool2d_p2", "lp_pool1d", "lp_pool3d", "channel_shuffle",
        "upsample_nearest", "upsample_bilinear", "sum_dim_tuple", "mean_dim_tuple_keep", "var_dim_unbiased_false",
        "std_dim_unbiased_keep", "var_unbiased_all", "amax_dim_tuple", "logsumexp_dim_tuple", "index_list",
        "index_list_neg",
    };

    /// <summary>Each call spelled as in PyTorch, with PyTorch's argument names where the fixture passed them.</summary>
    private static Tensor[] Call(string name, Tensor x) => name switch
    {
        "conv2d_valid" => [F.Conv2d(x, Case(name).In("w"), padding: "valid", stride: 2)],
        "max_pool2d_indices" => Pair(F.MaxPool2d(x, 2, returnIndices: true)),
        "max_pool1d_indices" => Pair(F.MaxPool1d(x, 3, stride: 2, padding: 1, returnIndices: true)),
        "adaptive_max_pool1d_indices" => Pair(F.AdaptiveMaxPool1d(x, 3, returnIndices: true)),
        "avg_pool2d" => [F.AvgPool2d(x, (2, 3), stride: 1, padding: (1, 1), countIncludePad: false)],
        "adaptive_avg_pool2d" => [F.AdaptiveAvgPool2d(x, (2, 3))],
        "lp_pool2d" => [F.LpPool2d(x, 1.5, 2, stride: 1)],
        "lp_pool2d_p2" => [new LPPool2d(2, (2, 3)).Call(x)],
        "lp_pool1d" => [F.LpPool1d(x, 3, 2, ceilMode: true)],
        "lp_pool3d" => [F.LpPool3d(x, 2, 2)],
        "channel_shuffle" => [new ChannelShuffle(2).Call(x)],
        "upsample_nearest" => [F.UpsampleNearest(x, scaleFactor: [2.0, 2.0])],
        "upsample_bilinear" => [F.UpsampleBilinear(x, size: [3, 4])],
        "sum_dim_tuple" => [Torch.Sum(input: x, dim: [0, 2])],
        "mean_dim_tuple_keep" => [x.Mean(dim: [1, 2], keepdim: true)],
        "var_dim_unbiased_false" => [Torch.Var(x, dim: [0, 2], unbiased: false)],
        "std_dim_unbiased_keep" => [Torch.Std(x, dim: 1, unbiased: true, keepdim: true)],
        "var_unbiased_all" => [Torch.Var(x, unbiased: false)],
        "amax_dim_tuple" => [Torch.Amax(x, dim: [0, 1])],
        "logsumexp_dim_tuple" => [Torch.Logsumexp(x, dim: [0, 2])],
        "index_list" => [x[[0, 2, 2]]],
        "index_list_neg" => [x[[-1L, 0L]]],
        _ => throw new ArgumentException(name),
    };

    private static Tensor[] Pair((Tensor Values, Tensor Indices) r) => [r.Values, r.Indices];

    [Theory]
    [MemberData(nameof(Unary))]
    public void CallMatchesPyTorch(string name)
    {
        var c = Case(name);
        var x = c.In("x");
        var r = Call(name, x);
        Assert.Equal(c.OutCount, r.Length);
        for (int i = 1; i < r.Length; i++) TensorAssert.Close(c.Out(i), r[i], what: $"{name} out {i}");
        c.Check(r[0], ("x", x));
    }

    [Fact]
    public void ConvolutionsWithSamePaddingNeedNoNulls()
    {
        var c = Case("conv2d_same");
        var (x, w, b) = (c.In("x"), c.In("w"), c.In("b"));
        c.Check(F.Conv2d(x, w, b, padding: "same"), ("x", x), ("w", w), ("b", b));
        TensorAssert.Close(c.Out(), Torch.Conv2d(c.In("x"), c.In("w"), padding: "same", bias: c.In("b")), what: "Torch.Conv2d");
        c = Case("conv1d_same_dilated");
        (x, w) = (c.In("x"), c.In("w"));
        c.Check(F.Conv1d(x, w, padding: "same", dilation: 2), ("x", x), ("w", w));
    }

    [Fact]
    public void TransposedConvolutionAndUnpoolMatchPyTorch()
    {
        var c = Case("conv_transpose2d");
        var (x, w) = (c.In("x"), c.In("w"));
        c.Check(F.ConvTranspose2d(x, w, stride: 2, padding: 1, outputPadding: 1), ("x", x), ("w", w));
        c = Case("max_unpool2d");
        x = c.In("x");
        c.Check(F.MaxUnpool2d(x, c.In("i"), 2, outputSize: [5, 5]), ("x", x));
    }

    [Fact]
    public void LpPoolGradChecksAndModulesPrintAsPyTorch()
    {
        var x = (Torch.Rand([1, 2, 5, 5], DType.Float64, new Generator(2)) + 0.1).Detach().RequiresGrad_();
        Assert.True(Torch.Autograd.GradCheck(a => F.LpPool2d(a[0], 1.5, 2, stride: 1), [x]));
        Assert.True(Torch.Autograd.GradCheck(a => F.LpPool1d(a[0].Reshape(2, 5, 5), 3, 2), [x]));
        Assert.Equal("LPPool2d(norm_type=2, kernel_size=3, stride=None, ceil_mode=False)", new LPPool2d(2, 3).ToString());
        Assert.Equal("LPPool1d(norm_type=1.5, kernel_size=2, stride=1, ceil_mode=False)", new LPPool1d(1.5, 2, stride: 1).ToString());
        Assert.Equal("ChannelShuffle(groups=2)", new ChannelShuffle(2).ToString());
    }

    [Fact]
    public void ListIndexAssignsRows()
    {
        var x = Torch.Zeros(3, 2);
        x[[0, 2]] = Torch.Ones(2, 2);
        Assert.Equal(new[] { 1f, 1, 0, 0, 1, 1 }, x.ToArray<float>());
        x[new long[] { 1 }] = Torch.Full([1, 2], 5f);
        Assert.Equal(new[] { 1f, 1, 5, 5, 1, 1 }, x.ToArray<float>());
        Assert.Equal(new long[] { 2 }, x[1.., new[] { 0, 1 }].Shape[..1]); // a list among other indices
    }
}

/// <summary>The remaining torch.nn.functional entries (multilabel_margin_loss, triplet_margin_with_distance_loss,
/// pdist, conv_tbc, rrelu) against parity_functional.json.</summary>
public class FunctionalRestTests
{
    private static ParityCase Case(string name) => ParityCase.Load("parity_functional", name);

    [Theory]
    [InlineData("multilabel_margin", Reduction.Mean)]
    [InlineData("multilabel_margin_none", Reduction.None)]
    [InlineData("multilabel_margin_1d", Reduction.None)]
    public void MultilabelMarginLossMatchesPyTorch(string name, Reduction reduction)
    {
        var c = Case(name);
        var x = c.In("x");
        c.Check(new MultiLabelMarginLoss(reduction).Call(x, c.In("t")), ("x", x));
    }

    [Fact]
    public void TripletMarginWithDistanceLossMatchesPyTorch()
    {
        var c = Case("triplet_distance");
        var (a, p, n) = (c.In("a"), c.In("p"), c.In("n"));
        c.Check(F.TripletMarginWithDistanceLoss(a, p, n), ("a", a), ("p", p), ("n", n));
        c = Case("triplet_distance_cosine_swap");
        (a, p, n) = (c.In("a"), c.In("p"), c.In("n"));
        c.Check(F.TripletMarginWithDistanceLoss(a, p, n, distanceFunction: (u, v) => 1.0 - F.CosineSimilarity(u, v),
            margin: 0.5, swap: true, reduction: Reduction.None), ("a", a), ("p", p), ("n", n));
    }

    [Theory]
    [InlineData("pdist", 2.0)]
    [InlineData("pdist_p1", 1.0)]
    public void PdistMatchesPyTorch(string name, double p)
    {
        var c = Case(name);
        var x = c.In("x");
        c.Check(F.Pdist(x, p), ("x", x));
    }

    [Fact]
    public void ConvTbcAndRreluMatchPyTorch()
    {
        var c = Case("conv_tbc");
        var (x, w, b) = (c.In("x"), c.In("w"), c.In("b"));
        c.Check(F.ConvTbc(x, w, b, 1), ("x", x), ("w", w), ("b", b));
        c = Case("rrelu_eval");
        x = c.In("x");
        c.Check(F.Rrelu(x, 0.1, 0.3), ("x", x));
        var r = F.Rrelu(Torch.Full([1000], -1.0), 0.1, 0.3, training: true, generator: new Generator(4));
        Assert.InRange(r.Min().Item(), -0.3, -0.1); // each slope drawn from [lower, upper)
        Assert.InRange(r.Max().Item(), -0.3, -0.1);
    }
}

/// <summary>gumbel_softmax against PyTorch's samples from the same seed.</summary>
public class GumbelSoftmaxTests
{
    [Theory]
    [InlineData("gumbel_softmax_seed7", false)]
    [InlineData("gumbel_softmax_hard_seed7", true)]
    public void GumbelSoftmaxMatchesPyTorchFromTheSameSeed(string name, bool hard)
    {
        var c = ParityCase.Load("parity_functional", name);
        var x = c.In("x");
        var y = hard ? F.GumbelSoftmax(x, hard: true, dim: 0, generator: new Generator(7))
                     : F.GumbelSoftmax(x, tau: 0.5, generator: new Generator(7));
        c.Check(y, ("x", x));
    }
}
