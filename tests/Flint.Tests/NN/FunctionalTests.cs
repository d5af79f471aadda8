using System.Text.Json;
using Flint.NN;
using F = Flint.NN.Functional;

namespace Flint.Tests.NN;

/// <summary>Losses and functionals against PyTorch (nn_functional), reprs (nn_repr), init (nn_init2).</summary>
[Collection("DefaultGenerator")]
public class FunctionalTests
{
    private static JsonElement Case(string file, string name) => Fixture.Load(file).Cases.First(c => c.GetProperty("name").GetString() == name);
    private static Tensor T(JsonElement c, string p) => Fixture.Tensor(c.GetProperty(p));

    private static Reduction Red(string s) => s switch { "none" => Reduction.None, "sum" => Reduction.Sum, "batchmean" => Reduction.BatchMean, _ => Reduction.Mean };

    internal static Tensor Loss(string fn, Tensor[] a, Reduction r)
    {
        var k = Case("nn_functional", "constants");
        Tensor y = T(k, "y"), t01 = T(k, "t01"), w = T(k, "w"), sign = T(k, "sign"), counts = T(k, "counts"), tq = T(k, "tq");
        return fn switch
        {
            "mse" => new MSELoss(r).Call(a[0], y),
            "l1" => new L1Loss(r).Call(a[0], y),
            "smooth_l1" => new SmoothL1Loss(r, 0.5).Call(a[0], y),
            "huber" => new HuberLoss(r, 0.7).Call(a[0], y),
            "bce" => new BCELoss(w, r).Call(a[0], t01),
            "bce_logits" => new BCEWithLogitsLoss(w, r, w * 2).Call(a[0], t01),
            "kl_div" => new KLDivLoss(r).Call(a[0], tq),
            "kl_div_log_target" => new KLDivLoss(r, logTarget: true).Call(a[0], tq.Log()),
            "poisson_nll" => new PoissonNLLLoss(reduction: r).Call(a[0], counts),
            "poisson_nll_full" => new PoissonNLLLoss(logInput: false, full: true, reduction: r).Call(a[0], counts),
            "gaussian_nll" => new GaussianNLLLoss(reduction: r).Call(a[0], y, a[1]),
            "gaussian_nll_full" => new GaussianNLLLoss(full: true, reduction: r).Call(a[0], y, a[1]),
            "cosine_embedding" => new CosineEmbeddingLoss(0.1, r).Call(a[0], a[1], sign),
            "margin_ranking" => new MarginRankingLoss(0.2, r).Call(a[0].Select(1, 0), a[1].Select(1, 0), sign),
            "hinge_embedding" => new HingeEmbeddingLoss(0.8, r).Call(a[0], y.Sign()),
            "multilabel_soft_margin" => new MultiLabelSoftMarginLoss(w, r).Call(a[0], t01.Gt(0.5).To(DType.Float64)),
            "triplet_margin" => new TripletMarginLoss(0.5, reduction: r).Call(a[0], a[1], y),
            "triplet_margin_swap_p1" => new TripletMarginLoss(2.0, p: 1, swap: true, reduction: r).Call(a[0], a[1], y),
            _ => throw new ArgumentException(fn),
        };
    }

    public static IEnumerable<object[]> LossNames() => Fixture.Load("nn_functional").Cases
        .Where(c => c.TryGetProperty("fn", out _)).Select(c => new object[] { c.GetProperty("name").GetString()! });

    [Theory]
    [MemberData(nameof(LossNames))]
    public void LossMatchesPyTorch(string name)
    {
        var c = Case("nn_functional", name);
        var fn = c.GetProperty("fn").GetString()!;
        var r = Red(c.GetProperty("reduction").GetString()!);
        var xs = c.GetProperty("inputs").EnumerateArray().Select(x => Fixture.Tensor(x).RequiresGrad_()).ToArray();
        var y = Loss(fn, xs, r);
        TensorAssert.Close(T(c, "out"), y.Detach(), 1e-7, 1e-9, what: name);
        y.Backward(Torch.OnesLike(y));
        var gs = c.GetProperty("grads").EnumerateArray().ToArray();
        for (int i = 0; i < xs.Length; i++) TensorAssert.Close(Fixture.Tensor(gs[i]), xs[i].Grad!, 1e-7, 1e-9, what: $"{name} grad {i}");
        if (r == Reduction.Mean)
        {
            var fresh = c.GetProperty("inputs").EnumerateArray().Select(x => Fixture.Tensor(x).RequiresGrad_()).ToArray();
            Assert.True(Torch.Autograd.GradCheck(a => Loss(fn, a, r), fresh));
        }
    }

    [Fact]
    public void PlainFunctionals()
    {
        var c = Case("nn_functional", "cosine_similarity");
        TensorAssert.Close(T(c, "out"), F.CosineSimilarity(T(c, "a"), T(c, "b")), 1e-10, 1e-12);
        c = Case("nn_functional", "pairwise_distance");
        TensorAssert.Close(T(c, "out"), F.PairwiseDistance(T(c, "a"), T(c, "b")), 1e-10, 1e-12);
        TensorAssert.Close(T(c, "out_p1"), F.PairwiseDistance(T(c, "a"), T(c, "b"), p: 1, keepdim: true), 1e-10, 1e-12);
        c = Case("nn_functional", "normalize");
        TensorAssert.Close(T(c, "out"), F.Normalize(T(c, "a")), 1e-10, 1e-12);
        TensorAssert.Close(T(c, "out_p1_dim0"), F.Normalize(T(c, "a"), 1, 0), 1e-10, 1e-12);
        c = Case("nn_functional", "one_hot");
        TensorAssert.Close(T(c, "out"), F.OneHot(T(c, "idx")), 0, 0);
        TensorAssert.Close(T(c, "out5"), F.OneHot(T(c, "idx"), 5), 0, 0);
    }

    [Fact]
    public void EmbeddingAndBags()
    {
        var c = Case("nn_functional", "embedding");
        var W = T(c, "W").RequiresGrad_();
        var e = F.Embedding(T(c, "idx"), W, paddingIdx: 2);
        TensorAssert.Close(T(c, "out"), e.Detach(), 0, 0);
        e.Backward(Torch.Linspace(-1, 1, e.Numel(), dtype: DType.Float64).Reshape(e.Shape));
        TensorAssert.Close(T(c, "grad"), W.Grad!, 1e-12, 1e-12);
        Assert.Equal("EmbeddingBackward0", e.GradFn!.Name);

        c = Case("nn_functional", "embedding_max_norm");
        var Wm = T(c, "W");
        TensorAssert.Close(T(c, "out"), F.Embedding(T(c, "idx"), Wm, maxNorm: 1.0), 1e-10, 1e-12);
        TensorAssert.Close(T(c, "W_after"), Wm, 1e-10, 1e-12);

        foreach (var mode in new[] { "sum", "mean", "max" })
        {
            c = Case("nn_functional", "embedding_bag_" + mode);
            var Wb = T(c, "W").RequiresGrad_();
            Tensor? psw = c.GetProperty("psw").ValueKind == JsonValueKind.Null ? null : T(c, "psw");
            var o = F.EmbeddingBag(T(c, "idx"), Wb, T(c, "offsets"), mode: mode, perSampleWeights: psw, paddingIdx: mode == "mean" ? 5 : null);
            TensorAssert.Close(T(c, "out"), o.Detach(), 1e-10, 1e-12, what: mode);
            o.Backward(Torch.Linspace(-1, 1, o.Numel(), dtype: DType.Float64).Reshape(o.Shape));
            TensorAssert.Close(T(c, "grad"), Wb.Grad!, 1e-10, 1e-12, what: mode + " grad");
        }
        var w = T(c, "W").RequiresGrad_();
        // padding_idx and scale_grad_by_freq change the gradient on purpose, so gradcheck the plain lookup
        Assert.True(Torch.Autograd.GradCheck(a => F.Embedding(Torch.Tensor(new long[] { 1, 1, 3 }), a[0]), [w]));
    }

    [Fact]
    public void ReprsMatchPyTorch()
    {
        Module[] ms =
        [
            new ReLU6(), new LeakyReLU(), new LeakyReLU(0.2, true), new PReLU(), new PReLU(3, 0.1), new ELU(), new SELU(), new CELU(),
            new GELU(), new SiLU(), new Mish(), new Sigmoid(), new Tanh(), new Softplus(), new Softsign(), new Hardtanh(),
            new Hardtanh(-2.0, 3.0), new Hardsigmoid(), new Hardswish(), new LogSigmoid(), new Softmax(1), new Softmax(),
            new LogSoftmax(1), new Softmin(1), new Threshold(0.1, 20), new Softshrink(), new Hardshrink(), new Tanhshrink(),
            new GLU(), new Softmax2d(), new Bilinear(2, 3, 4), new Unflatten(1, [2, 3]), new Dropout1d(), new Dropout2d(0.3),
            new AlphaDropout(), new Embedding(5, 3), new Embedding(5, 3, maxNorm: 1.0), new Embedding(5, 3, paddingIdx: 0),
            new EmbeddingBag(5, 3), new EmbeddingBag(5, 3, mode: "sum", paddingIdx: 1), new BatchNorm1d(3),
            new BatchNorm2d(4, momentum: null), new LayerNorm(5), new LayerNorm([3, 4]), new GroupNorm(2, 4), new InstanceNorm1d(3),
            new InstanceNorm2d(3, affine: true), new LocalResponseNorm(2), new SiLU(true), new ELU(inplace: true), new ReLU6(true),
            new Hardswish(true), new SELU(true), new ReLU(true), new Flatten(), new Identity(), new Dropout(0.1),
            new CrossEntropyLoss(), new MSELoss(), new BCEWithLogitsLoss(), new KLDivLoss(),
            new ParameterList(new Parameter(Torch.Zeros(3, 4)), new Parameter(Torch.Zeros(2))),
            new ParameterDict(("a", new Parameter(Torch.Zeros(3, 4)))),
        ];
        var expected = Case("nn_repr", "reprs").GetProperty("value").EnumerateArray().Select(x => x.GetString()).ToArray();
        Assert.Equal(expected.Length, ms.Length);
        for (int i = 0; i < ms.Length; i++) Assert.Equal(expected[i], ms[i].ToString());
        Assert.Equal(Case("nn_repr", "bn_keys").GetProperty("value").EnumerateArray().Select(x => x.GetString()).ToArray(), new BatchNorm2d(3).StateDict().Keys.Cast<string>().ToArray());
        Assert.Equal(Case("nn_repr", "bce_pos_weight_keys").GetProperty("value").EnumerateArray().Select(x => x.GetString()).ToArray(),
            new BCEWithLogitsLoss(Torch.Ones(2), posWeight: Torch.Ones(2)).StateDict().Keys.Cast<string>().ToArray());
    }

    [Fact]
    public void InitMatchesPyTorch()
    {
        Torch.ManualSeed(0);
        var e = new Embedding(6, 3, paddingIdx: 2);
        TensorAssert.Close(T(Case("nn_init2", "embedding"), "weight"), e.weight.Detach(), 0, 0);
        Torch.ManualSeed(1);
        var b = new Bilinear(3, 2, 4);
        TensorAssert.Close(T(Case("nn_init2", "bilinear"), "weight"), b.weight.Detach(), 0, 0);
        TensorAssert.Close(T(Case("nn_init2", "bilinear"), "bias"), b.bias!.Detach(), 0, 0);
        var t = Torch.Empty(5, 7);
        Torch.ManualSeed(2); Init.XavierUniform_(t, 2.0); TensorAssert.Close(T(Case("nn_init2", "xavier_uniform"), "value"), t, 0, 0);
        Torch.ManualSeed(2); Init.XavierNormal_(t); TensorAssert.Close(T(Case("nn_init2", "xavier_normal"), "value"), t, 1e-6, 1e-7);
        Torch.ManualSeed(2); Init.KaimingUniform_(t, mode: Init.FanMode.FanOut, nonlinearity: "relu"); TensorAssert.Close(T(Case("nn_init2", "kaiming_uniform"), "value"), t, 0, 0);
        Torch.ManualSeed(2); Init.KaimingNormal_(t, a: 0.1); TensorAssert.Close(T(Case("nn_init2", "kaiming_normal"), "value"), t, 1e-6, 1e-7);
        Torch.ManualSeed(2); Init.TruncNormal_(t, 0.5, 2.0, -1.0, 3.0); TensorAssert.Close(T(Case("nn_init2", "trunc_normal"), "value"), t, 1e-5, 1e-6);
        Torch.ManualSeed(2); Init.Orthogonal_(t, 1.5); TensorAssert.Close(T(Case("nn_init2", "orthogonal"), "value"), t, 1e-4, 1e-5);
        var t2 = Torch.Empty(7, 3);
        Torch.ManualSeed(4); Init.Orthogonal_(t2); TensorAssert.Close(T(Case("nn_init2", "orthogonal_tall"), "value"), t2, 1e-4, 1e-5);
        var c = Torch.Empty(4, 2, 3, 3);
        Init.Dirac_(c, 2); TensorAssert.Close(T(Case("nn_init2", "dirac"), "value"), c, 0, 0);
        Init.Eye_(t); TensorAssert.Close(T(Case("nn_init2", "eye"), "value"), t, 0, 0);
        var gains = Case("nn_init2", "gains").GetProperty("value").EnumerateArray().Select(x => x.GetDouble()).ToArray();
        double[] mine = [Init.CalculateGain("linear"), Init.CalculateGain("tanh"), Init.CalculateGain("relu"), Init.CalculateGain("leaky_relu"),
            Init.CalculateGain("leaky_relu", 0.2), Init.CalculateGain("selu"), Init.CalculateGain("sigmoid")];
        Assert.Equal(gains, mine);
    }
}
