using System.Text.Json;
using Flint.NN;

namespace Flint.Tests.NN;

/// <summary>Every layer against PyTorch (tools/fixtures/gen_nn.py, nn_layers): repr, parameter names, outputs and
/// gradients in train and eval mode, running statistics after a training step; plus a float64 gradcheck.</summary>
[Collection("DefaultGenerator")]
public class LayerTests
{
    internal static Module Make(string name) => name switch
    {
        "Linear" => new Linear(6, 3, dtype: DType.Float64),
        "Linear_nobias_3d" => new Linear(5, 2, hasBias: false, dtype: DType.Float64),
        "Bilinear" => new Bilinear(6, 5, 3, dtype: DType.Float64),
        "Identity" => new Identity(),
        "Flatten" => new Flatten(),
        "Unflatten" => new Unflatten(1, [2, 3]),
        "ReLU" => new ReLU(),
        "ReLU6" => new ReLU6(),
        "LeakyReLU" => new LeakyReLU(0.2),
        "PReLU" => new PReLU(4, 0.3, DType.Float64),
        "ELU" => new ELU(0.7),
        "SELU" => new SELU(),
        "CELU" => new CELU(1.3),
        "GELU" => new GELU(),
        "GELU_tanh" => new GELU("tanh"),
        "SiLU" => new SiLU(),
        "Mish" => new Mish(),
        "Sigmoid" => new Sigmoid(),
        "Tanh" => new Tanh(),
        "Softplus" => new Softplus(2, 1),
        "Softsign" => new Softsign(),
        "Hardtanh" => new Hardtanh(-0.5, 0.7),
        "Hardsigmoid" => new Hardsigmoid(),
        "Hardswish" => new Hardswish(),
        "LogSigmoid" => new LogSigmoid(),
        "Softmax" => new Softmax(1),
        "LogSoftmax" => new LogSoftmax(0),
        "Softmin" => new Softmin(1),
        "Softmax2d" => new Softmax2d(),
        "Threshold" => new Threshold(0.1, 20),
        "Softshrink" => new Softshrink(0.3),
        "Hardshrink" => new Hardshrink(0.3),
        "Tanhshrink" => new Tanhshrink(),
        "GLU" => new GLU(1),
        "BatchNorm1d" => new BatchNorm1d(6, dtype: DType.Float64),
        "BatchNorm1d_3d_momentum_none" => new BatchNorm1d(4, momentum: null, dtype: DType.Float64),
        "BatchNorm2d" => new BatchNorm2d(4, affine: false, dtype: DType.Float64),
        "BatchNorm2d_no_stats" => new BatchNorm2d(4, trackRunningStats: false, dtype: DType.Float64),
        "LayerNorm" => new LayerNorm(5, dtype: DType.Float64),
        "LayerNorm_2d" => new LayerNorm([4, 5], elementwiseAffine: false, dtype: DType.Float64),
        "GroupNorm" => new GroupNorm(2, 4, dtype: DType.Float64),
        "InstanceNorm1d" => new InstanceNorm1d(4, dtype: DType.Float64),
        "InstanceNorm2d_affine_stats" => new InstanceNorm2d(4, affine: true, trackRunningStats: true, dtype: DType.Float64),
        "LocalResponseNorm" => new LocalResponseNorm(3),
        _ => throw new ArgumentException(name),
    };

    internal static Tensor Run(Module m, Tensor[] xs) => m switch
    {
        Module<Tensor, Tensor> u => u.Call(xs[0]),
        Module<Tensor, Tensor, Tensor> b => b.Call(xs[0], xs[1]),
        _ => throw new ArgumentException(m.GetName()),
    };

    public static IEnumerable<object[]> Names() => Fixture.Load("nn_layers").Cases.Select(c => new object[] { c.GetProperty("name").GetString()! });
    private static JsonElement Case(string name) => Fixture.Load("nn_layers").Cases.First(c => c.GetProperty("name").GetString() == name);

    private static Dictionary<string, Tensor> State(JsonElement e)
        => e.EnumerateObject().ToDictionary(p => p.Name, p => Fixture.Tensor(p.Value));

    [Theory]
    [MemberData(nameof(Names))]
    public void MatchesPyTorch(string name)
    {
        var c = Case(name);
        foreach (var mode in new[] { "train", "eval" })
        {
            var m = Make(name);
            Assert.Equal(c.GetProperty("repr").GetString(), m.ToString());
            Assert.Equal(c.GetProperty("param_names").EnumerateArray().Select(x => x.GetString()).ToArray(), m.NamedParameters().Select(p => p.Name).ToArray());
            var state = State(c.GetProperty("state"));
            Assert.Equal(state.Keys.ToArray(), m.StateDict().Keys.Cast<string>().ToArray());
            m.LoadStateDict(state);
            m.Train(mode == "train");
            var xs = c.GetProperty("inputs").EnumerateArray().Select(x => Fixture.Tensor(x).RequiresGrad_()).ToArray();
            var y = Run(m, xs);
            var r = c.GetProperty(mode);
            TensorAssert.Close(Fixture.Tensor(r.GetProperty("out")), y.Detach(), 1e-7, 1e-9, what: $"{name} {mode} out");
            var g = Torch.Linspace(-1, 1, y.Numel(), dtype: DType.Float64).Reshape(y.Shape);
            y.Backward(g);
            var ig = r.GetProperty("input_grads").EnumerateArray().ToArray();
            for (int i = 0; i < xs.Length; i++) TensorAssert.Close(Fixture.Tensor(ig[i]), xs[i].Grad!, 1e-7, 1e-9, what: $"{name} {mode} input grad {i}");
            var pg = r.GetProperty("param_grads").EnumerateArray().ToArray();
            var ps = m.Parameters().ToArray();
            for (int i = 0; i < ps.Length; i++) TensorAssert.Close(Fixture.Tensor(pg[i]), ps[i].Grad!, 1e-7, 1e-9, what: $"{name} {mode} param grad {i}");
            foreach (var (k, v) in State(r.GetProperty("state_after")))
                TensorAssert.Close(v, m.StateDict().Get<Tensor>(k), 1e-7, 1e-9, what: $"{name} {mode} state {k}");
        }
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void GradCheck(string name)
    {
        var c = Case(name);
        var m = Make(name);
        m.LoadStateDict(State(c.GetProperty("state")));
        m.Train(!name.StartsWith("BatchNorm") && !name.StartsWith("InstanceNorm2d")); // running-stat updates are side effects
        var xs = c.GetProperty("inputs").EnumerateArray().Select(x => Fixture.Tensor(x).RequiresGrad_()).ToArray();
        var ps = m.Parameters().Cast<Tensor>().ToArray();
        int nx = xs.Length;
        Assert.True(Torch.Autograd.GradCheck(a => Run(m, a[..nx]), [.. xs, .. ps]));
    }
}
