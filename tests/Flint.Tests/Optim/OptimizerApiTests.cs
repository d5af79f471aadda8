using System.Collections;
using Flint.Optim;

namespace Flint.Tests.Optim;

/// <summary>Optimizer behaviour beyond trajectories: PyTorch checkpoints, state round trips, ZeroGrad, closures, errors.</summary>
public class OptimizerApiTests
{
    private static Tensor[] Params() => [Torch.Tensor(new float[,] { { 1, 2 }, { 3, 4 } }, requiresGrad: true), Torch.Tensor(new float[] { 0.5f, -1 }, requiresGrad: true)];

    private static void Grads(Tensor[] ps)
    {
        using (Torch.NoGrad()) foreach (var p in ps) p.Grad = p.Detach() * 2 + 1;
    }

    [Fact]
    public void LoadsAdamStateSavedByPyTorchAndContinuesLikePyTorch()
    {
        var ck = (IDictionary)Torch.Load(Path.Combine(AppContext.BaseDirectory, "Fixtures", "adam_checkpoint.pt"))!;
        var W = ((Tensor)ck["W"]!).Clone().RequiresGrad_();
        var b = ((Tensor)ck["b"]!).Clone().RequiresGrad_();
        var opt = new Adam([W, b], lr: 0.05, amsgrad: true);
        opt.LoadStateDict((IDictionary)ck["opt"]!);
        var c = Fixture.Load("optim_resume").Cases[0];
        foreach (var expected in c.GetProperty("traj").EnumerateArray())
        {
            OptimizerFixtureTests.SetGrads(c, W, b);
            opt.Step();
            TensorAssert.Close(Fixture.Tensor(expected.GetProperty("W")), W.Detach(), 2e-5, 2e-6);
            TensorAssert.Close(Fixture.Tensor(expected.GetProperty("b")), b.Detach(), 2e-5, 2e-6);
        }
        // betas came back from the pickle as a tuple and the state as tensors
        Assert.Equal((0.9, 0.999), opt.ParamGroups[0].GetPair("betas"));
        Assert.Equal(5.0, ((Tensor)opt.State[W]["step"]!).Item());
    }

    [Fact]
    public void StateDictSaveLoadRoundTripContinuesIdentically()
    {
        var a = Params(); var b = Params();
        var optA = new RMSprop(a, lr: 0.01, momentum: 0.5, centered: true);
        for (int i = 0; i < 3; i++) { Grads(a); optA.Step(); }
        var path = Path.Combine(Path.GetTempPath(), $"flint-opt-{Guid.NewGuid():N}.pt");
        try
        {
            Torch.Save(new Dictionary<string, object?> { ["opt"] = optA.StateDict() }, path);
            using (Torch.NoGrad()) for (int i = 0; i < 2; i++) b[i].Copy_(a[i]);
            var optB = new RMSprop(b, lr: 0.5); // options come from the state dict
            optB.LoadStateDict((IDictionary)((IDictionary)Torch.Load(path)!)["opt"]!);
            Assert.Equal(0.01, optB.ParamGroups[0].Lr);
            for (int i = 0; i < 3; i++)
            {
                Grads(a); optA.Step();
                Grads(b); optB.Step();
                for (int k = 0; k < 2; k++) Assert.Equal(a[k].ToArray<float>(), b[k].ToArray<float>());
            }
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void ZeroGradToNoneOrZerosAndClosure()
    {
        var ps = Params();
        var opt = new SGD(ps, lr: 0.1);
        Grads(ps);
        opt.ZeroGrad(setToNone: false);
        Assert.Equal(new float[] { 0, 0, 0, 0 }, ps[0].Grad!.ToArray<float>());
        opt.ZeroGrad();
        Assert.Null(ps[0].Grad);
        // a parameter without a gradient is skipped
        opt.Step();
        Assert.Equal(new float[] { 1, 2, 3, 4 }, ps[0].ToArray<float>());
        int calls = 0;
        var loss = opt.Step(() => { calls++; Assert.True(Torch.IsGradEnabled()); Grads(ps); return Torch.ScalarTensor(1.5); });
        Assert.Equal(1, calls);
        Assert.Equal(1.5, loss!.Item());
        Assert.Equal(1 - 0.1 * 3, ps[0].ToArray<float>()[0], 5);
        // the update is an in-place change: the parameter's version moves
        int v = ps[0].Version;
        Grads(ps); opt.Step();
        Assert.True(ps[0].Version > v);
    }

    [Fact]
    public void NonContiguousParameterIsUpdatedInPlace()
    {
        var baseT = Torch.Tensor(new float[,] { { 1, 2, 3 }, { 4, 5, 6 } });
        var p = baseT.T.Detach().RequiresGrad_(); // a transposed leaf view
        var opt = new Adam([p], lr: 0.1);
        using (Torch.NoGrad()) p.Grad = Torch.OnesLike(p);
        opt.Step();
        var expected = new float[] { 0.9f, 1.9f, 2.9f, 3.9f, 4.9f, 5.9f };
        var got = baseT.ToArray<float>();
        for (int i = 0; i < 6; i++) Assert.Equal(expected[i], got[i], 4);
    }

    [Fact]
    public void ParamGroupsAndErrors()
    {
        var ps = Params();
        var opt = new Adam([new ParamGroup([ps[0]]) { ["lr"] = 0.5 }], lr: 0.01);
        opt.AddParamGroup(new ParamGroup([ps[1]]));
        Assert.Equal(0.5, opt.ParamGroups[0].Lr);
        Assert.Equal(0.01, opt.ParamGroups[1].Lr);
        Assert.Equal(new[] { "lr", "betas", "eps", "weight_decay", "amsgrad", "maximize", "foreach", "capturable", "differentiable", "fused" }, opt.ParamGroups[1].Keys.ToArray());
        var e = Assert.Throws<ArgumentException>(() => opt.AddParamGroup(new ParamGroup([ps[1]])));
        Assert.Equal("some parameters appear in more than one parameter group", e.Message);
        Assert.Equal("optimizer got an empty parameter list", Assert.Throws<ArgumentException>(() => new SGD(Array.Empty<Tensor>(), 0.1)).Message);
        Assert.Equal("Invalid learning rate: -1.0", Assert.Throws<ArgumentException>(() => new Adam(ps, lr: -1)).Message);
        Assert.Equal("Invalid beta parameter at index 1: 1.0", Assert.Throws<ArgumentException>(() => new Adam(ps, betas: (0.9, 1.0))).Message);
        Assert.Equal("Nesterov momentum requires a momentum and zero dampening", Assert.Throws<ArgumentException>(() => new SGD(ps, 0.1, nesterov: true)).Message);
        Assert.Throws<ArgumentException>(() => new LBFGS(ps).AddParamGroup(new ParamGroup([Torch.Zeros([1], requiresGrad: true)])));
        var nonLeaf = ps[0] * 2;
        Assert.Equal("can't optimize a non-leaf Tensor", Assert.Throws<ArgumentException>(() => new SGD([nonLeaf], 0.1)).Message);
        var sd = new SGD([ps[0]], 0.1).StateDict();
        Assert.Equal("loaded state dict has a different number of parameter groups",
            Assert.Throws<ArgumentException>(() => new SGD([new ParamGroup([ps[0]]), new ParamGroup([ps[1]])], 0.1).LoadStateDict(sd)).Message);
        Assert.Equal("loaded state dict contains a parameter group that doesn't match the size of optimizer's group",
            Assert.Throws<ArgumentException>(() => new SGD(ps, 0.1).LoadStateDict(sd)).Message);
        Assert.Throws<ArgumentException>(() => new LBFGS(ps).Step());
    }
}
