using Flint.Compiler;
using Flint.NN;
using Flint.Optim;
using F = Flint.NN.Functional;
using static Flint.Tests.Compiler.CompileTestUtil;

namespace Flint.Tests.Compiler;

/// <summary>Compiled modules against eager: training steps, buffers, dropout, train/eval, threads, W2–W5.</summary>
[Collection("DefaultGenerator")]
public class CompiledModuleTests
{
    private static Sequential Mlp() => new(new Linear(8, 16), new ReLU(), new Dropout(0.25), new Linear(16, 3));

    private sealed class BnNet : Module<Tensor, Tensor>
    {
        public Linear fc = new(6, 10);
        public BatchNorm1d bn = new(10);
        public Linear head = new(10, 2);
        public override Tensor Forward(Tensor x) => head.Call(F.Relu(bn.Call(fc.Call(x))));
    }

    [Theory]
    [InlineData("eager")]
    [InlineData("inductor")]
    public void TrainingStepsThroughACompiledModelGiveEagersLossesBitForBit(string backend)
    {
        Torch.ManualSeed(1);
        var (eager, twin) = Twins(Mlp);
        var compiled = Torch.Compile(twin, backend: backend);
        Assert.Equal(eager.Parameters().Count(), compiled.Parameters().Count());
        var optE = new SGD(eager.Parameters(), lr: 0.1, momentum: 0.9);
        var optC = new SGD(compiled.Parameters(), lr: 0.1, momentum: 0.9);
        var x = Torch.Randn(12, 8);
        var y = Torch.Randint(0, 3, [12]);
        for (int step = 0; step < 6; step++)
        {
            Torch.ManualSeed(100 + step); // dropout draws the same masks on both sides
            var le = F.CrossEntropy(eager.Call(x), y);
            optE.ZeroGrad(); le.Backward(); optE.Step();
            Torch.ManualSeed(100 + step);
            var lc = F.CrossEntropy(compiled.Call(x), y);
            optC.ZeroGrad(); lc.Backward(); optC.Step();
            Same(le, lc);
        }
        foreach (var (a, b) in eager.Parameters().Zip(twin.Parameters())) Same(a, b);
    }

    [Fact]
    public void BatchNormBuffersMoveAsInEagerAndTheModelIsOneGraph()
    {
        Torch.ManualSeed(2);
        var (eager, twin) = Twins(() => new BnNet());
        var report = Torch.Dynamo.Explain(new BnNet(), Torch.Randn(4, 6));
        Assert.True(report.GraphBreakCount == 0, report.ToString());
        Assert.Equal(1, report.GraphCount);

        var compiled = Torch.Compile(twin, backend: "eager");
        for (int i = 0; i < 4; i++)
        {
            var x = Torch.Randn(5, 6);
            Same(eager.Call(x), compiled.Call(x));
        }
        Same(eager.bn.running_mean!, twin.bn.running_mean!);
        Same(eager.bn.running_var!, twin.bn.running_var!);
        Same(eager.bn.num_batches_tracked!, twin.bn.num_batches_tracked!);
        Assert.Equal(4L, twin.bn.num_batches_tracked!.Item<long>());

        eager.Eval(); compiled.Eval(); // a training flag is a guard: eval recompiles and uses running statistics
        var z = Torch.Randn(3, 6);
        Same(eager.Call(z), compiled.Call(z));
        Same(eager.Call(z), compiled.Call(z));
        Assert.Equal(4L, twin.bn.num_batches_tracked!.Item<long>());
    }

    [Fact]
    public void StateDictKeysAreTheOriginalsUnderOrigMod()
    {
        var m = Mlp();
        var c = Torch.Compile(m);
        Assert.All(c.StateDict().Keys, k => Assert.StartsWith("_orig_mod.", (string)k));
        Assert.Same(m, c.OriginalModule);
    }

    [Fact]
    public void ThreadsCallingOneCompiledModuleAgreeWithEager()
    {
        Torch.ManualSeed(3);
        var m = new Sequential(new Linear(8, 32), new GELU(), new Linear(32, 4));
        m.Eval();
        var c = Torch.Compile(m, backend: "eager");
        var inputs = Enumerable.Range(0, 8).Select(_ => Torch.Randn(5, 8)).ToArray();
        Tensor[] expected;
        using (Torch.NoGrad()) expected = inputs.Select(x => m.Call(x)).ToArray();
        var results = new Tensor[inputs.Length * 10];
        using (Torch.NoGrad()) c.Call(inputs[0]); // captured once on this thread
        Parallel.For(0, results.Length, i =>
        {
            using (Torch.NoGrad()) results[i] = c.Call(inputs[i % inputs.Length]);
        });
        for (int i = 0; i < results.Length; i++) Same(expected[i % inputs.Length], results[i]);
    }

    public static IEnumerable<object[]> Workloads() => Flint.Tests.Graphs.TraceTests.Models().Take(4);

    [Theory]
    [MemberData(nameof(Workloads))]
    public void WorkloadModelsTrainUnderTheEagerBackendToEagersLosses(string name, Func<Module<Tensor, Tensor>> make,
        long[] shape, long[] other)
    {
        Torch.ManualSeed(4);
        var (eager, twin) = Twins(make);
        var compiled = Torch.Compile(twin, backend: "eager");
        var optE = new Adam(eager.Parameters(), lr: 1e-3);
        var optC = new Adam(compiled.Parameters(), lr: 1e-3);
        foreach (var s in new[] { shape, shape, other, shape })
        {
            var x = Torch.Randn(s);
            var le = eager.Call(x).Square().Mean();
            optE.ZeroGrad(); le.Backward(); optE.Step();
            var lc = compiled.Call(x).Square().Mean();
            optC.ZeroGrad(); lc.Backward(); optC.Step();
            Assert.True(le.Item<float>() == lc.Item<float>(), $"{name}: eager {le.Item<float>()} compiled {lc.Item<float>()}");
        }
    }
}
