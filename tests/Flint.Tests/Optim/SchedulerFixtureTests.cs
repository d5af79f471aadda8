using System.Text.Json;
using Flint.NN;
using Flint.Optim;
using Flint.Optim.LrScheduler;

namespace Flint.Tests.Optim;

/// <summary>Learning-rate sequences of every scheduler against PyTorch 1.13 (tools/fixtures/gen_optim.py).</summary>
public class SchedulerFixtureTests
{
    public static IEnumerable<object[]> Names()
    {
        foreach (var c in Fixture.Load("optim").Cases)
            if (c.GetProperty("kind").GetString() == "scheduler") yield return [c.GetProperty("name").GetString()!];
    }

    private static (Tensor W, Tensor b) Params() => (Torch.Zeros([3, 2], requiresGrad: true), Torch.Zeros([3], requiresGrad: true));

    [Theory]
    [MemberData(nameof(Names))]
    public void LrSequenceMatchesPyTorch(string name)
    {
        var c = Fixture.Load("optim").Cases.First(x => x.GetProperty("kind").GetString() == "scheduler" && x.GetProperty("name").GetString() == name);
        var (W, b) = Params();
        Tensor[] ps = [W, b];
        Optimizer opt = name switch
        {
            "CyclicLR" or "OneCycleLR" => new SGD(ps, 0.1, momentum: 0.9),
            "OneCycleLR_adam_linear_3phase" => new Adam(ps, 0.1),
            _ => new SGD(ps, 0.1),
        };
        object sched = name switch
        {
            "StepLR" => new StepLR(opt, 3, 0.5),
            "MultiStepLR" => new MultiStepLR(opt, [2, 5, 5, 9], 0.5),
            "ExponentialLR" => new ExponentialLR(opt, 0.8),
            "CosineAnnealingLR" => new CosineAnnealingLR(opt, 5, 0.01),
            "CosineAnnealingWarmRestarts" => new CosineAnnealingWarmRestarts(opt, 3, 2, 0.001),
            "CyclicLR" => new CyclicLR(opt, 0.01, 0.1, stepSizeUp: 3, stepSizeDown: 2),
            "CyclicLR_triangular2" => new CyclicLR(opt, 0.01, 0.1, stepSizeUp: 2, mode: "triangular2", cycleMomentum: false),
            "CyclicLR_exp_range" => new CyclicLR(opt, 0.01, 0.1, stepSizeUp: 2, mode: "exp_range", gamma: 0.9, cycleMomentum: false),
            "OneCycleLR" => new OneCycleLR(opt, 0.5, totalSteps: 12),
            "OneCycleLR_adam_linear_3phase" => new OneCycleLR(opt, 0.5, totalSteps: 12, annealStrategy: "linear", threePhase: true),
            "LinearLR" => new LinearLR(opt, 0.25, 1.0, 4),
            "ConstantLR" => new ConstantLR(opt, 0.5, 3),
            "LambdaLR" => new LambdaLR(opt, e => Math.Pow(0.9, e) + 0.1 * e),
            "MultiplicativeLR" => new MultiplicativeLR(opt, _ => 0.95),
            "PolynomialLR" => new PolynomialLR(opt, 6, 2.0),
            "SequentialLR" => new SequentialLR(opt, [new ConstantLR(opt, 0.1, 2), new ExponentialLR(opt, 0.9)], [3]),
            "ChainedScheduler" => new ChainedScheduler(new ConstantLR(opt, 0.1, 2), new ExponentialLR(opt, 0.9)),
            "ReduceLROnPlateau" => new ReduceLROnPlateau(opt, factor: 0.5, patience: 1, cooldown: 1),
            _ => throw new ArgumentException(name),
        };
        double[] metrics = [1.0, 0.9, 0.95, 0.95, 0.95, 0.8, 0.81, 0.82, 0.83, 0.84, 0.5, 0.5];
        var lrs = c.GetProperty("lrs").EnumerateArray().Select(x => x.GetDouble()).ToArray();
        var moms = c.GetProperty("momentums").EnumerateArray().ToArray();
        var g = opt.ParamGroups[0];
        for (int i = 0; i < lrs.Length; i++)
        {
            if (i > 0)
            {
                opt.Step();
                if (sched is ReduceLROnPlateau r) r.Step(metrics[i - 1]);
                else ((LRScheduler)sched).Step();
            }
            Assert.True(Math.Abs(lrs[i] - g.Lr) <= 1e-12 + 1e-12 * Math.Abs(lrs[i]), $"{name} step {i}: lr expected {lrs[i]:R}, got {g.Lr:R}");
            if (moms[i].ValueKind == JsonValueKind.Number)
            {
                double m = g.ContainsKey("betas") ? g.GetPair("betas").Item1 : g.GetDouble("momentum");
                Assert.True(Math.Abs(moms[i].GetDouble() - m) <= 1e-12, $"{name} step {i}: momentum expected {moms[i].GetDouble():R}, got {m:R}");
            }
        }
        if (sched is LRScheduler s && c.GetProperty("last_lr").ValueKind == JsonValueKind.Array)
            Assert.Equal(c.GetProperty("last_lr")[0].GetDouble(), s.GetLastLr()[0], 12);
        var keys = c.GetProperty("state_keys").EnumerateArray().Select(x => x.GetString()!).ToHashSet();
        var ours = sched is LRScheduler ls ? ls.StateDict() : ((ReduceLROnPlateau)sched).StateDict();
        foreach (var k in new[] { "last_epoch", "_last_lr", "base_lrs", "_step_count", "best", "num_bad_epochs" })
            if (keys.Contains(k)) Assert.True(ours.ContainsKey(k), $"{name}: state dict lacks '{k}'");
    }

    [Fact]
    public void StateDictRoundTripContinuesTheSchedule()
    {
        var (W, b) = Params();
        var opt = new SGD([W, b], 0.1);
        var s = new CosineAnnealingWarmRestarts(opt, 3, 2);
        for (int i = 0; i < 4; i++) { opt.Step(); s.Step(); }
        var sd = s.StateDict();
        var opt2 = new SGD([W, b], 0.1);
        var s2 = new CosineAnnealingWarmRestarts(opt2, 3, 2);
        s2.LoadStateDict(sd);
        opt2.ParamGroups[0]["lr"] = opt.ParamGroups[0].Lr;
        for (int i = 0; i < 5; i++) { s.Step(); s2.Step(); Assert.Equal(s.GetLastLr()[0], s2.GetLastLr()[0]); }
    }

    [Fact]
    public void ClipGradNormAndValueMatchPyTorch()
    {
        var oc = Fixture.Load("optim").Cases.First(x => x.GetProperty("kind").GetString() == "optimizer");
        foreach (var c in Fixture.Load("optim").Cases.Where(x => x.GetProperty("kind").GetString() is "clip_norm" or "clip_value"))
        {
            var W = Fixture.Tensor(oc.GetProperty("W0")).To(DType.Float32).RequiresGrad_();
            var b = Fixture.Tensor(oc.GetProperty("b0")).To(DType.Float32).RequiresGrad_();
            OptimizerFixtureTests.SetGrads(oc, W, b);
            if (c.GetProperty("kind").GetString() == "clip_norm")
            {
                var nt = c.GetProperty("norm_type");
                double p = nt.ValueKind == JsonValueKind.String ? double.PositiveInfinity : nt.GetDouble();
                var total = Flint.NN.Utils.ClipGradNorm_([W, b], 0.5, p);
                Assert.Equal(Fixture.Tensor(c.GetProperty("total")).Item(), total.Item(), 5);
            }
            else Flint.NN.Utils.ClipGradValue_([W, b], 0.3);
            TensorAssert.Close(Fixture.Tensor(c.GetProperty("W_grad")), W.Grad!, 1e-5, 1e-6);
            TensorAssert.Close(Fixture.Tensor(c.GetProperty("b_grad")), b.Grad!, 1e-5, 1e-6);
        }
    }
}
