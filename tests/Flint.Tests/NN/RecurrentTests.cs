using System.Text.Json;
using Flint;
using Flint.NN;

namespace Flint.Tests.NN;

[Collection("DefaultGenerator")] // seeds the default generator
public class RecurrentTests
{
    private static readonly Dictionary<string, Func<Module>> Ctors = new()
    {
        ["rnn"] = () => new RNN(3, 4),
        ["rnn_relu_2layer"] = () => new RNN(3, 4, numLayers: 2, nonlinearity: "relu"),
        ["lstm"] = () => new LSTM(3, 5),
        ["lstm_bi_2layer_bf"] = () => new LSTM(3, 4, numLayers: 2, batchFirst: true, bidirectional: true),
        ["gru"] = () => new GRU(3, 4),
        ["gru_bi"] = () => new GRU(3, 4, bidirectional: true, bias: false),
        ["lstm_unbatched"] = () => new LSTM(3, 4),
        ["lstm_packed"] = () => new LSTM(3, 4, bidirectional: true),
        ["gru_packed_bf"] = () => new GRU(2, 3, numLayers: 2, batchFirst: true),
        ["rnncell"] = () => new RNNCell(3, 4, nonlinearity: "relu"),
        ["lstmcell"] = () => new LSTMCell(3, 4),
        ["grucell"] = () => new GRUCell(3, 4, bias: false),
    };

    public static IEnumerable<object[]> Names() => Fixture.Load("rnn").Cases.Select(c => new object[] { c.GetProperty("name").GetString()! });

    private static Tensor? Opt(JsonElement c, string name) => c.TryGetProperty(name, out var v) && v.ValueKind != JsonValueKind.Null ? Fixture.Tensor(v) : null;

    [Theory]
    [MemberData(nameof(Names))]
    public void MatchesPyTorch(string name)
    {
        var c = Fixture.Load("rnn").Cases.First(x => x.GetProperty("name").GetString() == name);
        Torch.ManualSeed(0);
        var m = Ctors[name]();
        Assert.Equal(c.GetProperty("repr").GetString(), m.ToString());
        var named = m.NamedParameters().ToDictionary(p => p.Name, p => (Tensor)p.Parameter);
        Assert.Equal(c.GetProperty("params").EnumerateObject().Select(p => p.Name), named.Keys);
        foreach (var p in c.GetProperty("params").EnumerateObject()) TensorAssert.Close(Fixture.Tensor(p.Value), named[p.Name], 1e-6, 1e-7, what: p.Name);

        var x = Fixture.Tensor(c.GetProperty("x")).RequiresGrad_();
        const double tol = 2e-5;
        if (m is RNNCellBase)
        {
            Tensor[] outs = m switch
            {
                RNNCell rc => [rc.Call(x)],
                GRUCell gc => [gc.Call(x)],
                LSTMCell lc => lc.Call(x) is var (h, cc) ? [h, cc] : [],
                _ => [],
            };
            var expected = c.GetProperty("outs").EnumerateArray().Select(Fixture.Tensor).ToArray();
            Tensor loss = Torch.ScalarTensor(0.0, DType.Float32);
            for (int k = 0; k < outs.Length; k++)
            {
                TensorAssert.Close(expected[k], outs[k], tol, tol, what: $"out{k}");
                loss = loss + (outs[k] * (k + 1)).Sum();
            }
            loss.Backward();
        }
        else
        {
            var h0 = Opt(c, "h0")?.RequiresGrad_(); var c0 = Opt(c, "c0")?.RequiresGrad_();
            Tensor output, h; Tensor? cn = null;
            bool packed = c.GetProperty("lengths").ValueKind != JsonValueKind.Null;
            bool bf = ((RNNBase)m).BatchFirst;
            PackedSequence? ps = packed ? RnnUtils.PackPaddedSequence(x, c.GetProperty("lengths").EnumerateArray().Select(e => e.GetInt64()).ToArray(), bf, enforceSorted: false) : null;
            switch (m)
            {
                case LSTM lstm when ps is not null:
                    { var (o, (hh, ccc)) = lstm.Forward(ps, h0 is null ? null : (h0, c0!)); output = RnnUtils.PadPackedSequence(o, bf).Padded; h = hh; cn = ccc; break; }
                case LSTM lstm:
                    { var (o, (hh, ccc)) = lstm.Call(x, h0 is null ? null : (h0, c0!)); output = o; h = hh; cn = ccc; break; }
                case GRU gru when ps is not null:
                    { var (o, hh) = gru.Forward(ps, h0); output = RnnUtils.PadPackedSequence(o, bf).Padded; h = hh; break; }
                case GRU gru: (output, h) = gru.Call(x, h0); break;
                case RNN rnn: (output, h) = rnn.Call(x, h0); break;
                default: throw new InvalidOperationException();
            }
            TensorAssert.Close(Fixture.Tensor(c.GetProperty("out")), output, tol, tol, what: "out");
            TensorAssert.Close(Fixture.Tensor(c.GetProperty("h")), h, tol, tol, what: "h");
            var loss = (output * Fixture.Tensor(c.GetProperty("go"))).Sum() + (h * Fixture.Tensor(c.GetProperty("gh"))).Sum();
            if (cn is not null)
            {
                TensorAssert.Close(Fixture.Tensor(c.GetProperty("c")), cn, tol, tol, what: "c");
                loss = loss + (cn * Fixture.Tensor(c.GetProperty("gc"))).Sum();
            }
            loss.Backward();
            if (h0 is not null) TensorAssert.Close(Fixture.Tensor(c.GetProperty("dh0")), h0.Grad!, tol, tol, what: "dh0");
            if (c0 is not null) TensorAssert.Close(Fixture.Tensor(c.GetProperty("dc0")), c0.Grad!, tol, tol, what: "dc0");
        }
        TensorAssert.Close(Fixture.Tensor(c.GetProperty("dx")), x.Grad!, tol, tol, what: "dx");
        foreach (var p in c.GetProperty("grads").EnumerateObject()) TensorAssert.Close(Fixture.Tensor(p.Value), named[p.Name].Grad!, tol, tol, what: "grad " + p.Name);
    }

    [Fact]
    public void GradCheckLstmAndGru()
    {
        Torch.ManualSeed(3);
        var lstm = new LSTM(2, 3, bidirectional: true, dtype: DType.Float64);
        var x = Torch.Randn([3, 2, 2], DType.Float64).RequiresGrad_();
        Assert.True(Torch.Autograd.GradCheck(t => lstm.Call(t[0]).Output, [x]));
        var gru = new GRU(2, 3, numLayers: 2, dtype: DType.Float64);
        Assert.True(Torch.Autograd.GradCheck(t => gru.Call(t[0]).Output, [x]));
    }

    [Fact]
    public void PackingRejectsUnsortedLengthsWhenEnforced()
    {
        var ex = Assert.Throws<ArgumentException>(() => RnnUtils.PackPaddedSequence(Torch.Zeros(4, 2, 3), [2, 4]));
        Assert.StartsWith("`lengths` array must be sorted in decreasing order", ex.Message);
    }
}
