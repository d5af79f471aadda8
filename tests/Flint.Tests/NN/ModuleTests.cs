using System.Text.Json;
using Flint.NN;

namespace Flint.Tests.NN;

[Collection("DefaultGenerator")]
public class ModuleTests
{
    private static JsonElement Case(string file, string name) => Fixture.Load(file).Cases.First(c => c.GetProperty("name").GetString() == name);
    private static string[] Strings(JsonElement e) => e.EnumerateArray().Select(x => x.GetString()!).ToArray();

    [Fact]
    public void SeedModel_ReprNamesCountsAndStateKeysMatchPyTorch()
    {
        var c = Case("nn_module", "seed_model");
        Torch.ManualSeed(0);
        var net = new CustomModel();
        Assert.Equal(c.GetProperty("repr").GetString(), net.ToString());
        Assert.Equal(Strings(c.GetProperty("param_names")), net.NamedParameters().Select(p => p.Name).ToArray());
        Assert.Equal(c.GetProperty("count").GetInt64(), net.Parameters().Sum(p => p.Numel()));
        Assert.Equal(83, net.Parameters().Sum(p => p.Numel()));
        Assert.Equal(4, net.Parameters().Count());
        Assert.Equal(Strings(c.GetProperty("state_keys")), net.StateDict().Keys.Cast<string>().ToArray());
        var expectedParams = c.GetProperty("params").EnumerateArray().Select(Fixture.Tensor).ToArray();
        var ps = net.Parameters().ToArray();
        for (int i = 0; i < ps.Length; i++) TensorAssert.Close(expectedParams[i], ps[i].Detach(), 0, 0, what: $"param {i}");
        Assert.Equal(c.GetProperty("last_param_repr").GetString(), ps[^1].ToString());
    }

    [Fact]
    public void SeedModel_ForwardTrainAndEvalMatchPyTorch()
    {
        var c = Case("nn_module", "seed_model");
        Torch.ManualSeed(0);
        var net = new CustomModel();
        var x = Fixture.Tensor(c.GetProperty("x"));
        net.Train();
        Torch.ManualSeed(1);
        TensorAssert.Close(Fixture.Tensor(c.GetProperty("y_train")), net.Call(x).Detach(), 1e-5, 1e-6);
        net.Eval();
        Assert.False(net.drop.Training);
        TensorAssert.Close(Fixture.Tensor(c.GetProperty("y_eval")), net.Call(x).Detach(), 1e-5, 1e-6);
    }

    [Theory]
    [InlineData("sequential_repr")]
    [InlineData("modulelist_repr")]
    [InlineData("moduledict_repr")]
    public void ContainerReprs(string name)
    {
        var c = Case("nn_module", name);
        Module m = name switch
        {
            "sequential_repr" => new Sequential(new Linear(4, 10), new ReLU(), new Dropout(0.2), new Sequential(new Linear(10, 3))),
            "modulelist_repr" => new ModuleList(new Linear(2, 2), new ReLU()),
            _ => new ModuleDict(("a", new Linear(1, 2)), ("b", new Identity())),
        };
        Assert.Equal(c.GetProperty("repr").GetString(), m.ToString());
        if (c.TryGetProperty("state_keys", out var keys)) Assert.Equal(Strings(keys), m.StateDict().Keys.Cast<string>().ToArray());
    }

    [Fact]
    public void LoadStateDict_ReportsLikePyTorch()
    {
        var m = new Sequential(new Linear(5, 10), new ReLU(), new Linear(10, 2));
        var sd = new Dictionary<string, Tensor>
        {
            ["0.weight"] = Torch.Zeros(10, 4), ["2.weight2"] = Torch.Zeros(1), ["2.bias"] = Torch.Zeros(2),
            ["2.weight"] = Torch.Zeros(2, 10), ["zz"] = Torch.Zeros(1),
        };
        var e = Assert.Throws<InvalidOperationException>(() => m.LoadStateDict(sd));
        Assert.Equal(Case("nn_module", "load_errors").GetProperty("message").GetString(), e.Message);

        var c = Case("nn_module", "load_nonstrict");
        var r = m.LoadStateDict(new Dictionary<string, Tensor>
        {
            ["0.weight"] = Torch.Zeros(10, 5), ["0.bias"] = Torch.Zeros(10), ["2.weight"] = Torch.Zeros(2, 10), ["zz"] = Torch.Zeros(1),
        }, strict: false);
        Assert.Equal(Strings(c.GetProperty("missing")), r.MissingKeys);
        Assert.Equal(Strings(c.GetProperty("unexpected")), r.UnexpectedKeys);
        Assert.All(((Linear)m[0]).weight.ToArray<float>(), v => Assert.Equal(0f, v));
    }

    [Fact]
    public void StateDictRoundTripKeepsParameterObjects()
    {
        Torch.ManualSeed(0);
        var a = new CustomModel();
        Torch.ManualSeed(1);
        var b = new CustomModel();
        var w = b.hidden.weight;
        b.LoadStateDict(a.StateDict());
        Assert.Same(w, b.hidden.weight);
        TensorAssert.Close(a.hidden.weight.Detach(), b.hidden.weight.Detach(), 0, 0);
        Assert.Equal(0, a.StateDict().Get<Tensor>("out.bias").Version - a.@out.bias!.Version); // shares storage
    }

    [Fact]
    public void FieldReassignmentAndHooksAndModes()
    {
        var net = new CustomModel();
        net.@out = new Linear(10, 5);
        Assert.Equal(4 * 10 + 10 + 10 * 5 + 5, net.Parameters().Sum(p => p.Numel()));
        Assert.Equal(new[] { "", "hidden", "relu", "drop", "out" }, net.NamedModules().Select(m => m.Name).ToArray());
        Assert.Equal(4, net.Children().Count());

        int pre = 0, post = 0;
        using var h1 = net.RegisterForwardPreHook((m, x) => { pre++; return x * 0; });
        using var h2 = net.hidden.RegisterForwardHook((m, x, y) => { post++; });
        net.Eval();
        var y = net.Call(Torch.Ones(2, 4));
        Assert.Equal((1, 1), (pre, post));
        h1.Remove();
        net.Forward(Torch.Ones(2, 4)); // Forward skips this module's hooks but children called with Call still run theirs
        Assert.Equal((1, 2), (pre, post));

        net.Train();
        Assert.True(net.Training && net.drop.Training);
        net.RequiresGrad_(false);
        Assert.All(net.Parameters(), p => Assert.False(p.RequiresGrad));
    }

    [Fact]
    public void ToDoubleKeepsParameterIdentity_AndZeroGrad()
    {
        var net = new CustomModel();
        var w = net.hidden.weight;
        net.To(DType.Float64);
        Assert.Same(w, net.hidden.weight);
        Assert.Equal(DType.Float64, w.DType);
        var loss = net.Call(Torch.Ones([3, 4], DType.Float64)).Sum();
        loss.Backward();
        Assert.NotNull(w.Grad);
        Assert.Equal(DType.Float64, w.Grad!.DType);
        net.ZeroGrad(setToNone: false);
        Assert.All(w.Grad!.ToArray<double>(), v => Assert.Equal(0, v));
        net.ZeroGrad();
        Assert.Null(w.Grad);
    }

    private sealed class WithBuffers : Module<Tensor, Tensor>
    {
        public Parameter scale = new(Torch.Ones(2));
        public Tensor running = Torch.Zeros(2);
        [NonPersistent] public Tensor cache = Torch.Zeros(1);
        [NotRegistered] public Tensor scratch = Torch.Zeros(1);
        public Linear? maybe = null; // a module field left unset: not a child
        public WithBuffers() { RegisterBuffer("extra", Torch.Ones(1), persistent: false); RegisterParameter("p2", new Parameter(Torch.Ones(3))); }
        public override Tensor Forward(Tensor x) => x * scale;
    }

    [Fact]
    public void BuffersPersistentAndNot()
    {
        var m = new WithBuffers();
        Assert.Equal(new[] { "scale", "p2" }, m.NamedParameters().Select(p => p.Name).ToArray());
        Assert.Equal(new[] { "running", "cache", "extra" }, m.NamedBuffers().Select(p => p.Name).ToArray());
        Assert.Equal(new[] { "scale", "p2", "running" }, m.StateDict().Keys.Cast<string>().ToArray());
        Assert.Equal("WithBuffers()", m.ToString());
        Assert.Throws<ArgumentException>(() => m.RegisterBuffer("a.b", Torch.Zeros(1)));
    }
}
