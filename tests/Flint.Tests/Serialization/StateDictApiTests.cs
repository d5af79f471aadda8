using Flint.Data;
using Flint.NN;
using Flint.Optim;
using Flint.Serialization;

namespace Flint.Tests.Serialization;

/// <summary>
/// The API a new user meets around checkpoints: one dict type from modules, optimizers and Torch.Load, typed reads
/// with clear errors, and batches that deconstruct.
/// </summary>
public sealed class StateDictApiTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("flint-sdapi-").FullName;
    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>The README's way to define a model: derive from Module&lt;TIn, TOut&gt; and override Forward.</summary>
    private sealed class CustomModel : Module<Tensor, Tensor>
    {
        public Linear hidden = new(4, 10);
        public Linear @out = new(10, 3);
        public override Tensor Forward(Tensor x) => @out.Call(Functional.Relu(hidden.Call(x)));
    }

    [Fact]
    public void ModulesOptimizersAndLoadShareOneDictType()
    {
        var model = new CustomModel();
        var opt = new Adam(model.Parameters(), lr: 0.01);
        OrderedDict fromModule = model.StateDict();
        OrderedDict fromOptimizer = opt.StateDict();
        string path = Path.Combine(_dir, "sd.pt");
        Torch.Save(fromModule, path);
        OrderedDict loaded = Torch.Load<OrderedDict>(path);
        Assert.Equal(new object[] { "hidden.weight", "hidden.bias", "out.weight", "out.bias" }, fromModule.Keys);
        Assert.Equal(fromModule.Keys, loaded.Keys);
        Assert.Equal(new object[] { "state", "param_groups" }, fromOptimizer.Keys);
        Assert.False(fromOptimizer.IsOrderedDict); // PyTorch's optimizer state dict is a plain dict
        Assert.Equal(model.hidden.weight.ToArray<float>(), loaded.Get<Tensor>("hidden.weight").ToArray<float>());
    }

    [Fact]
    public void CheckpointReadsBackTypedInThreeLines()
    {
        var model = new CustomModel();
        var opt = new Adam(model.Parameters(), lr: 0.01);
        string path = Path.Combine(_dir, "ckpt.pth.tar");
        Torch.Save(new Dictionary<string, object?> { ["epoch"] = 7, ["state_dict"] = model.StateDict(), ["opt"] = opt.StateDict() }, path);

        var model2 = new CustomModel();
        var opt2 = new Adam(model2.Parameters(), lr: 0.5);
        var ckpt = Torch.Load<OrderedDict>(path);
        model2.LoadStateDict(ckpt.Get<OrderedDict>("state_dict"));
        opt2.LoadStateDict(ckpt.Get<OrderedDict>("opt"));
        int epoch = ckpt.Get<int>("epoch");

        Assert.Equal(7, epoch);
        Assert.Equal(7L, ckpt.Get<long>("epoch"));
        Assert.Equal(7.0, ckpt.Get<double>("epoch")); // a Python int reads as a float too
        Assert.Equal(0.01, opt2.ParamGroups[0].Lr);
        Assert.Equal(model.@out.bias!.ToArray<float>(), model2.@out.bias!.ToArray<float>());
    }

    [Fact]
    public void TypedReadsSayWhatIsWrong()
    {
        var d = new OrderedDict { ["epoch"] = "3", ["lr"] = 0.5, ["big"] = 1L << 40, ["none"] = null };
        Assert.Equal("KeyError: 'step'", Assert.Throws<KeyNotFoundException>(() => d.Get<int>("step")).Message);
        Assert.Equal("entry 'epoch' is a str ('3'), not an int",
            Assert.Throws<InvalidCastException>(() => d.Get<int>("epoch")).Message);
        Assert.Equal("entry 'lr' is a float (0.5), not an int", Assert.Throws<InvalidCastException>(() => d.Get<int>("lr")).Message);
        Assert.Equal("entry 'big' is an int (1099511627776), out of the range of Int32, not an int",
            Assert.Throws<InvalidCastException>(() => d.Get<int>("big")).Message);
        Assert.Equal("entry 'none' is None, not a Tensor", Assert.Throws<InvalidCastException>(() => d.Get<Tensor>("none")).Message);
        Assert.Equal(0.5f, d.Get<float>("lr"));
        Assert.True(d.TryGet<long>("big", out var big) && big == 1L << 40);
        Assert.False(d.TryGet<int>("big", out _));
        Assert.False(d.TryGet<string>("missing", out _));
    }

    [Fact]
    public void LoadStateDictRefusesNonTensorsBeforeChangingAnything()
    {
        var model = new CustomModel();
        var before = model.hidden.weight.ToArray<float>();
        var sd = new CustomModel().StateDict();
        sd["out.bias"] = new List<object?> { 1.0, 2.0, 3.0 };
        var e = Assert.Throws<InvalidOperationException>(() => model.LoadStateDict(sd));
        Assert.Equal("Error(s) in loading state_dict for CustomModel: while copying the parameter named \"out.bias\", "
            + "expected torch.Tensor or Tensor-like object from checkpoint but received list.", e.Message);
        Assert.Equal(before, model.hidden.weight.ToArray<float>());
        var intKey = new OrderedDict { [3L] = Torch.Ones(1) };
        Assert.Contains("key 3 is not a string", Assert.Throws<InvalidOperationException>(() => model.LoadStateDict(intKey)).Message);
    }

    [Fact]
    public void AnotherOptimizersStateDictIsRefused()
    {
        var model = new CustomModel();
        var sgd = new SGD(model.Parameters(), lr: 0.1, momentum: 0.9);
        var adam = new Adam(model.Parameters(), lr: 0.01);
        var e = Assert.Throws<ArgumentException>(() => adam.LoadStateDict(sgd.StateDict()));
        Assert.StartsWith("loaded state dict's parameter group 0 has no 'betas' option, so it is not an Adam state dict", e.Message);
        Assert.Equal(0.01, adam.ParamGroups[0].Lr); // untouched
    }

    [Fact]
    public void BatchesDeconstruct()
    {
        var x = Torch.Arange(12).Reshape(6, 2);
        var y = Torch.Arange(6);
        var loader = new DataLoader(new TensorDataset(x, y), batchSize: 4);
        var rows = new List<long>();
        foreach (var (xb, yb) in loader)
        {
            Assert.Equal(xb.Size(0), yb.Size(0));
            rows.AddRange(yb.ToArray<long>());
        }
        Assert.Equal(new long[] { 0, 1, 2, 3, 4, 5 }, rows);
        var three = new TensorDataset(x, y, y).GetItem(0);
        var (a, b, c) = three;
        Assert.Equal(new long[] { 0, 1 }, a.ToArray<long>());
        Assert.Equal("too many values to unpack (expected 2)", Assert.Throws<ArgumentException>(() => { var (p, q) = three; }).Message);
        Assert.Equal("not enough values to unpack (expected 3, got 2)",
            Assert.Throws<ArgumentException>(() => { var (p, q, r) = new[] { x, y }; }).Message);
    }
}
