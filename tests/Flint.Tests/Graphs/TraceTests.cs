using Flint.Jit;
using Flint.NN;
using Flint.Tests.NN;

namespace Flint.Tests.Graphs;

/// <summary>Traced modules replay eager: outputs and gradients, on the example and on other inputs (W2–W5, LeNet).</summary>
[Collection("DefaultGenerator")] // seeds and draws from the default generator
public class TraceTests
{
    /// <summary>W5's pre-norm encoder block at a small size (the same layers and ops).</summary>
    public sealed class Block(int d = 32, int heads = 4, int ffn = 64) : Module<Tensor, Tensor>
    {
        public LayerNorm ln1 = new(d);
        public MultiheadAttention attn = new(d, heads, dropout: 0.0);
        public LayerNorm ln2 = new(d);
        public Linear fc1 = new(d, ffn);
        public GELU act = new();
        public Linear fc2 = new(ffn, d);

        public override Tensor Forward(Tensor x)
        {
            var h = ln1.Call(x);
            x = x + attn.Forward(h, h, h, needWeights: false).Output;
            return x + fc2.Call(act.Call(fc1.Call(ln2.Call(x))));
        }
    }

    public static IEnumerable<object[]> Models()
    {
        yield return ["W2", (Func<Module<Tensor, Tensor>>)(() => new Sequential(new Linear(4, 10), new ReLU(), new Linear(10, 3))), new long[] { 112, 4 }, new long[] { 7, 4 }];
        yield return ["W3", (Func<Module<Tensor, Tensor>>)(() => new Sequential(new Linear(784, 512), new ReLU(), new Linear(512, 256), new ReLU(), new Linear(256, 10))), new long[] { 16, 784 }, new long[] { 3, 784 }];
        yield return ["W4", (Func<Module<Tensor, Tensor>>)(() => new Sequential(
            new Conv2d(1, 6, 5, padding: 2), new ReLU(), new MaxPool2d(2), new Conv2d(6, 16, 5), new ReLU(), new MaxPool2d(2),
            new Flatten(), new Linear(400, 120), new ReLU(), new Linear(120, 84), new ReLU(), new Linear(84, 10))), new long[] { 4, 1, 28, 28 }, new long[] { 2, 1, 28, 28 }];
        yield return ["W5", (Func<Module<Tensor, Tensor>>)(() => new Block()), new long[] { 16, 2, 32 }, new long[] { 16, 2, 32 }];
        yield return ["seed", (Func<Module<Tensor, Tensor>>)(() => { var m = new CustomModel(); m.Eval(); return m; }), new long[] { 1, 4 }, new long[] { 5, 4 }];
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void TracedEqualsEagerInOutputsAndGradients(string id, Func<Module<Tensor, Tensor>> make, long[] exampleShape, long[] otherShape)
    {
        Torch.ManualSeed(1);
        var model = make();
        var traced = Torch.Jit.Trace(model, Torch.Randn(exampleShape));
        Assert.Same(model.Parameters().First(), traced.Parameters().First());
        Assert.Equal(model.Parameters().Count(), traced.Parameters().Count());
        foreach (var shape in new[] { exampleShape, otherShape })
        {
            var x = Torch.Randn(shape);
            var (yEager, gEager) = OutputAndGrads(model, x);
            var (yTraced, gTraced) = OutputAndGrads(traced, x);
            Assert.True(yTraced.Equal(yEager), $"{id}: traced output differs from eager");
            for (int i = 0; i < gEager.Length; i++)
                Assert.True(gTraced[i].Equal(gEager[i]), $"{id}: gradient of parameter {i} differs");
        }
    }

    private static (Tensor, Tensor[]) OutputAndGrads(Module<Tensor, Tensor> m, Tensor x)
    {
        m.ZeroGrad();
        var y = m.Call(x);
        y.Square().Sum().Backward();
        return (y.Detach(), m.Parameters().Select(p => p.Grad!.Clone()).ToArray());
    }

    [Fact]
    public void NoGradAndTrainingFlagsWorkThroughTheTracedModule()
    {
        var m = new CustomModel();
        var traced = Torch.Jit.Trace(m, Torch.Randn(2, 4), checkTrace: false);
        using (Torch.NoGrad()) Assert.False(traced.Call(Torch.Randn(2, 4)).RequiresGrad);
        Assert.True(traced.Call(Torch.Randn(2, 4)).RequiresGrad);
        traced.Eval();
        Assert.False(traced.Training);
        Assert.False(((ScriptModule)traced.GetAttr("drop")!).Training);
    }

    [Fact]
    public void TrainingTheTracedModuleTrainsTheOriginalWeights()
    {
        Torch.ManualSeed(3);
        var m = new Sequential(new Linear(4, 10), new ReLU(), new Linear(10, 3));
        var traced = Torch.Jit.Trace(m, Torch.Randn(8, 4));
        var before = m.Parameters().First().Clone();
        var opt = new Flint.Optim.SGD(traced.Parameters(), lr: 0.1);
        traced.Call(Torch.Randn(8, 4)).Square().Mean().Backward();
        opt.Step();
        Assert.False(m.Parameters().First().Equal(before));
    }

    private sealed class ReadsAValue : Module<Tensor, Tensor>
    {
        public Linear fc = new(3, 3);
        public override Tensor Forward(Tensor x)
        {
            var y = fc.Call(x);
            return y.Sum().Item<float>() > 0 ? y : -y;
        }
    }

    [Fact]
    public void ReadingATensorValueWhileTracingWarnsWithTheCSharpLine()
    {
        List<Warning> warnings;
        using (Warnings.Record(out warnings)) Torch.Jit.Trace(new ReadsAValue(), Torch.Randn(2, 3), checkTrace: false);
        var w = Assert.Single(warnings);
        Assert.Equal("TracerWarning", w.Category);
        Assert.StartsWith("Converting a tensor to a C# value might cause the trace to be incorrect. We can't record the data flow of C# values, "
            + "so this value will be treated as a constant in the future. This means that the trace might not generalize to other inputs!", w.Message);
        Assert.Contains("TraceTests.cs:", w.Location);
    }

    [Fact]
    public void CheckTraceWarnsWhenTheTraceDoesNotReplay()
    {
        List<Warning> warnings;
        var m = new CustomModel(); // training: dropout draws a new mask on the check run
        using (Warnings.Record(out warnings)) Torch.Jit.Trace(m, Torch.Randn(1, 4));
        Assert.Contains(warnings, w => w.Message.StartsWith("Output nr 1. of the traced function does not match"));
        m.Eval();
        using (Warnings.Record(out warnings)) Torch.Jit.Trace(m, Torch.Randn(1, 4));
        Assert.Empty(warnings);
    }

    [Fact]
    public void ReplacingASubmoduleWithAPlainModuleFails()
    {
        var traced = Torch.Jit.Trace(new Sequential(new Linear(4, 3)), Torch.Randn(1, 4));
        var e = Assert.Throws<InvalidOperationException>(() => traced.RegisterModule("0", new Linear(4, 3)));
        Assert.StartsWith("Cannot re-assign modules in a ScriptModule with non-scripted module, tried to replace existing module '0': Linear(", e.Message);
    }

    [Fact]
    public void TracesAFunction()
    {
        var fn = Torch.Jit.Trace((Tensor a, Tensor b) => (a + b * 2).Relu(), Torch.Randn(2, 3), Torch.Randn(2, 3));
        var x = Torch.Randn(2, 3); var y = Torch.Randn(2, 3);
        Assert.True(((Tensor)fn.Invoke(x, y)!).Equal((x + y * 2).Relu()));
        Assert.Contains("aten::relu", fn.Graph.ToString());
        Assert.Contains("torch.relu(", fn.Code);
    }
}
