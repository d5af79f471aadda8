using System.Collections;
using Flint.NN;
using Flint.Optim;
using Flint.Serialization;

namespace Flint.Tests.Serialization;

/// <summary>The seed tutorial's checkpoint with real modules and optimizers: save, load, resume bit-identically.</summary>
public sealed class ModelCheckpointTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("flint-ckpt-").FullName;
    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static Sequential Model() => new(new Linear(4, 10), new ReLU(), new Dropout(0.2), new Linear(10, 3));

    private static void TrainStep(Sequential model, Optimizer opt, Generator g)
    {
        var x = Torch.Randn([5, 4], generator: g);
        var y = Torch.Tensor(new long[] { 0, 1, 2, 1, 0 });
        opt.ZeroGrad();
        Functional.CrossEntropy(model.Call(x), y).Backward();
        opt.Step();
    }

    [Fact]
    public void SaveLoadResumeMatchesAnUninterruptedRun()
    {
        var model = Model();
        model.Eval();   // no dropout randomness: the two runs see the same computation
        var opt = new Adam(model.Parameters(), lr: 0.01);
        var g = new Generator(3);
        TrainStep(model, opt, g);
        TrainStep(model, opt, g);
        string path = Path.Combine(_dir, "ckpt.pt");
        Torch.Save(new Dictionary<string, object?> { ["epoch"] = 2, ["state_dict"] = model.StateDict(), ["opt"] = opt.StateDict() }, path);

        // Reading it back: three obvious lines, typed.
        var ck = Torch.Load<OrderedDict>(path);
        var resumed = Model();
        resumed.Eval();
        var opt2 = new Adam(resumed.Parameters(), lr: 0.5);
        resumed.LoadStateDict(ck.Get<OrderedDict>("state_dict"));
        opt2.LoadStateDict(ck.Get<OrderedDict>("opt"));
        int epoch = ck.Get<int>("epoch");
        Assert.Equal(2, epoch);
        Assert.True(ck.Get<OrderedDict>("state_dict").IsOrderedDict); // saved as collections.OrderedDict
        Assert.Equal(0.01, opt2.ParamGroups[0].Lr);

        // One more step on both, same data: identical bits.
        var g1 = new Generator(11);
        var g2 = new Generator(11);
        TrainStep(model, opt, g1);
        TrainStep(resumed, opt2, g2);
        var a = model.Parameters().ToList();
        var b = resumed.Parameters().ToList();
        for (int i = 0; i < a.Count; i++) Assert.Equal(a[i].ToArray<float>(), b[i].ToArray<float>());
    }

    [Fact]
    public void PyTorchCheckpointLoadsIntoFlintModules()
    {
        var ck = Torch.Load<OrderedDict>(CheckpointExpect.PathOf("checkpoint.pt"));
        var model = Model();
        var sd = ((OrderedDict)ck["state_dict"]!).ToStateDict();
        model.LoadStateDict(sd);   // strict: names and shapes match PyTorch's
        var first = model.Parameters().First();
        Assert.Equal(sd["0.weight"].ToArray<float>(), first.ToArray<float>());
        var opt = new Adam(model.Parameters(), lr: 0.1);
        opt.LoadStateDict((IDictionary)ck["opt"]!);
        Assert.Equal(0.01, opt.ParamGroups[0].Lr);
        TrainStep(model, opt, new Generator(1));   // the loaded state is usable
    }

    [Fact]
    public void ParametersRoundTripAsParameters()
    {
        var p = new Parameter(Torch.Ones(3));
        var frozen = new Parameter(Torch.Ones(2), requiresGrad: false);
        var ms = new MemoryStream();
        Torch.Save(new List<object?> { p, frozen, p }, ms);
        ms.Position = 0;
        var back = (List<object?>)Torch.Load(ms)!;
        var q = Assert.IsType<Parameter>(back[0]);
        Assert.True(q.RequiresGrad);
        Assert.False(Assert.IsType<Parameter>(back[1]).RequiresGrad);
        Assert.Same(q, back[2]);
        // PyTorch's own Parameter fixture loads as a Parameter too.
        var fromTorch = Torch.Load<OrderedDict>(CheckpointExpect.PathOf("parameter.pt"));
        Assert.IsType<Parameter>(fromTorch["p"]);
    }
}
