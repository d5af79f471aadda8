using System.Text.Json;
using Flint;
using Flint.NN;

namespace Flint.Tests.NN;

[Collection("DefaultGenerator")] // seeds the default generator
public class AttentionTests
{
    private static readonly Tensor Causal5 = Transformer.GenerateSquareSubsequentMask(5);

    private static readonly Dictionary<string, (Func<Module> Make, Func<Module, Tensor[], Tensor[]> Call)> Cases = new()
    {
        ["mha_self"] = (() => new MultiheadAttention(8, 2), (m, x) => Pair(((MultiheadAttention)m).Forward(x[0], x[0], x[0]))),
        ["mha_cross_bf_perhead"] = (() => new MultiheadAttention(8, 4, batchFirst: true),
            (m, x) => Pair(((MultiheadAttention)m).Forward(x[0], x[1], x[1], averageAttnWeights: false))),
        ["mha_masks"] = (() => new MultiheadAttention(8, 2), (m, x) => Pair(((MultiheadAttention)m).Forward(x[0], x[0], x[0],
            keyPaddingMask: Torch.Tensor(new[,] { { false, false, false, false, true }, { false, false, false, false, false } }), attnMask: Causal5))),
        ["mha_boolmask_kvdim"] = (() => new MultiheadAttention(8, 2, kdim: 6, vdim: 4), (m, x) => Pair(((MultiheadAttention)m).Forward(x[0], x[1], x[2],
            attnMask: Torch.Tensor(Enumerable.Range(0, 4).Select(_ => new[] { false, true, false, false, true }).ToArray())))),
        ["mha_unbatched"] = (() => new MultiheadAttention(8, 2, bias: false), (m, x) => Pair(((MultiheadAttention)m).Forward(x[0], x[0], x[0]))),
        ["enc_layer"] = (() => new TransformerEncoderLayer(8, 2, dimFeedforward: 16), (m, x) => [((TransformerEncoderLayer)m).Call(x[0])]),
        ["enc_layer_prenorm_gelu_bf"] = (() => new TransformerEncoderLayer(8, 2, dimFeedforward: 16, activation: "gelu", normFirst: true, batchFirst: true),
            (m, x) => [((TransformerEncoderLayer)m).Forward(x[0], null, Torch.Tensor(new[,] { { false, false, false, false, false }, { false, false, false, true, true }, { false, false, false, false, false } }))]),
        ["dec_layer"] = (() => new TransformerDecoderLayer(8, 2, dimFeedforward: 16), (m, x) => [((TransformerDecoderLayer)m).Forward(x[0], x[1], Causal5, null, null, null)]),
        ["encoder_2"] = (() => new TransformerEncoder(new TransformerEncoderLayer(8, 2, dimFeedforward: 16), 2, new LayerNorm(8)), (m, x) => [((TransformerEncoder)m).Call(x[0])]),
        ["transformer"] = (() => new Transformer(dModel: 8, nhead: 2, numEncoderLayers: 1, numDecoderLayers: 2, dimFeedforward: 16),
            (m, x) => [((Transformer)m).Forward(x[0], x[1], null, Transformer.GenerateSquareSubsequentMask(4), null, null, null, null)]),
    };

    private static Tensor[] Pair((Tensor Output, Tensor? Weights) r) => r.Weights is null ? [r.Output] : [r.Output, r.Weights];

    public static IEnumerable<object[]> Names() => Fixture.Load("attention").Cases.Select(c => new object[] { c.GetProperty("name").GetString()! });

    [Theory]
    [MemberData(nameof(Names))]
    public void MatchesPyTorch(string name)
    {
        var c = Fixture.Load("attention").Cases.First(x => x.GetProperty("name").GetString() == name);
        var xs = c.GetProperty("inputs").EnumerateArray().Select(e => Fixture.Tensor(e).RequiresGrad_()).ToArray();
        Tensor[] outs;
        Dictionary<string, Tensor>? named = null;
        double tol = 2e-5;
        if (c.TryGetProperty("sdpa", out _))
        {
            var mask = c.GetProperty("mask").ValueKind == JsonValueKind.Null ? null : Fixture.Tensor(c.GetProperty("mask"));
            double? scale = c.GetProperty("scale").ValueKind == JsonValueKind.Null ? null : c.GetProperty("scale").GetDouble();
            outs = [Functional.ScaledDotProductAttention(xs[0], xs[1], xs[2], mask, 0, c.GetProperty("is_causal").GetBoolean(), scale)];
            tol = 1e-10;
        }
        else
        {
            Torch.ManualSeed(0);
            var (make, call) = Cases[name];
            var m = make();
            m.Eval();
            Assert.Equal(c.GetProperty("repr").GetString(), m.ToString());
            var sd = m.StateDict();
            Assert.Equal(c.GetProperty("params").EnumerateObject().Select(p => p.Name), sd.Keys.Cast<string>());
            foreach (var p in c.GetProperty("params").EnumerateObject()) TensorAssert.Close(Fixture.Tensor(p.Value), sd.Get<Tensor>(p.Name), 1e-6, 1e-7, what: p.Name);
            named = m.NamedParameters().ToDictionary(p => p.Name, p => (Tensor)p.Parameter);
            outs = call(m, xs);
        }
        var expected = c.GetProperty("outs").EnumerateArray().Select(Fixture.Tensor).ToArray();
        var gos = c.GetProperty("gos").EnumerateArray().Select(Fixture.Tensor).ToArray();
        Assert.Equal(expected.Length, outs.Length);
        Tensor loss = Torch.ScalarTensor(0.0, outs[0].DType);
        for (int i = 0; i < outs.Length; i++)
        {
            TensorAssert.Close(expected[i], outs[i], tol, tol, what: $"out{i}");
            loss = loss + (outs[i] * gos[i]).Sum();
        }
        loss.Backward();
        var dxs = c.GetProperty("dxs").EnumerateArray().ToArray();
        for (int i = 0; i < xs.Length; i++) TensorAssert.Close(Fixture.Tensor(dxs[i]), xs[i].Grad!, tol, tol, what: $"dx{i}");
        if (named is not null)
            foreach (var p in c.GetProperty("grads").EnumerateObject())
                TensorAssert.Close(Fixture.Tensor(p.Value), named[p.Name].Grad!, tol, tol, what: "grad " + p.Name);
    }

    [Fact]
    public void GradCheckMultiheadAttention()
    {
        Torch.ManualSeed(5);
        var m = new MultiheadAttention(4, 2, dtype: DType.Float64);
        var x = Torch.Randn([3, 2, 4], DType.Float64).RequiresGrad_();
        Assert.True(Torch.Autograd.GradCheck(t => m.Forward(t[0], t[0], t[0]).Output, [x]));
    }
}
