using Flint.Compiler;
using Flint.NN;
using Flint.Optim;
using F = Flint.NN.Functional;
using static Flint.Tests.Compiler.CompileTestUtil;

namespace Flint.Tests.Compiler;

/// <summary>Torch.Compile's capture and replay against eager: outputs, gradients, buffers, breaks, guards.</summary>
[Collection("DefaultGenerator")]
public class CompileTests
{
    private static Tensor Fn(Tensor x) => F.Gelu(x * 1.5 + 0.5) * x.Sigmoid();

    [Theory]
    [InlineData("eager")]
    [InlineData("inductor")]
    public void CompiledFunctionEqualsEagerOnEveryCall(string backend)
    {
        var f = Torch.Compile<Tensor>(Fn, backend: backend);
        for (int i = 0; i < 4; i++)
        {
            var x = Torch.Randn(3, 5);
            Same(Fn(x), f(x));
        }
    }

    [Fact]
    public void UserBackendGetsTheGraphOnceAndItsCallableRunsEveryCall()
    {
        int compiles = 0, runs = 0;
        Flint.Graphs.Graph? seen = null;
        CompilerBackend backend = (g, examples) =>
        {
            compiles++;
            seen = g;
            Assert.Equal(g.Inputs.Count, examples.Length);
            return args => { runs++; return Flint.Graphs.Interpreter.Run(g, args); };
        };
        var f = Torch.Compile<Tensor>(Fn, customBackend: backend);
        for (int i = 0; i < 3; i++)
        {
            var x = Torch.Randn(4);
            Same(Fn(x), f(x));
        }
        Assert.Equal(1, compiles);
        Assert.Equal(2, runs); // the first call is the capture (run eagerly), the next two replay the graph
        var text = seen!.ToString();
        Assert.Contains("aten::gelu", text);
        Assert.Contains("aten::sigmoid", text);
    }

    [Fact]
    public void ValueReadIsAGraphBreakWithItsLine()
    {
        static Tensor Branchy(Tensor x)
        {
            var y = x.Exp();
            if (y.Sum().Item<float>() > 1e6f) return y; // a value read: the graph so far runs, then capture goes on
            return (y + 1).Log();
        }
        var report = Torch.Dynamo.Explain<Tensor>(Branchy, Torch.Randn(4));
        Assert.True(report.GraphBreakCount == 1, report.ToString());
        Assert.Equal(2, report.GraphCount);
        Assert.Contains("CompileTests.cs", report.BreakReasons[0].Location);
        Assert.Contains("value read", report.BreakReasons[0].Reason);

        var f = Torch.Compile<Tensor>(Branchy, backend: "eager");
        for (int i = 0; i < 3; i++)
        {
            var x = Torch.Randn(4);
            Same(Branchy(x), f(x));
        }
        var big = Torch.Full([4], 20f); // takes the other branch: the replay leaves its graph and runs eagerly
        Same(Branchy(big), f(big));
        Same(Branchy(big), f(big));
    }

    [Fact]
    public void FullgraphMakesABreakAnErrorNamingTheLine()
    {
        static Tensor Reads(Tensor x) => x * x.Sum().Item<float>();
        var f = Torch.Compile<Tensor>(Reads, fullgraph: true);
        var e = Assert.Throws<GraphBreakException>(() => f(Torch.Randn(3)));
        Assert.Contains("CompileTests.cs", e.Location);
    }

    [Fact]
    public void DataDependentShapeOpBreaksTheGraph()
    {
        static Tensor Pick(Tensor x) => (x.Nonzero().To(DType.Float32) * 2).Sum() + x.Relu().Sum();
        var report = Torch.Dynamo.Explain<Tensor>(Pick, Torch.Tensor(new[] { 0f, 1, 0, 2 }));
        Assert.True(report.GraphBreakCount == 1, report.ToString());
        Assert.Contains("nonzero", report.BreakReasons[0].Reason);
        var f = Torch.Compile<Tensor>(Pick, backend: "eager");
        foreach (var v in new[] { new[] { 0f, 1, 0, 2 }, new[] { 3f, 1, 0, 2 }, new[] { 0f, 0, 0, 5 } })
        {
            var x = Torch.Tensor(v);
            Same(Pick(x), f(x));
        }
    }

    [Fact]
    public void ShapeChangeRecompilesWithTheGuardReasonAndFallsBackAfterTheLimit()
    {
        var log = new StringWriter();
        var old = CompileLog.Writer;
        CompileLog.Writer = log;
        CompileLog.Set("recompiles");
        try
        {
            var f = Torch.Compile<Tensor>(Fn, backend: "eager");
            f(Torch.Randn(32, 3));
            f(Torch.Randn(17, 3));
            Assert.Contains("size mismatch at index 0. expected 32, actual 17", log.ToString());
        }
        finally
        {
            CompileLog.Set(null);
            CompileLog.Writer = old;
        }

        int saved = Torch.Compiler.CacheSizeLimit;
        Torch.Compiler.CacheSizeLimit = 2;
        try
        {
            var limited = Torch.Compile<Tensor>(Fn, backend: "eager");
            using var _ = Warnings.Record(out var warnings);
            for (int n = 1; n <= 5; n++)
            {
                var x = Torch.Randn(n);
                Same(Fn(x), limited(x));
            }
            Assert.Single(warnings, w => w.Message.Contains("cache_size_limit (2)"));
        }
        finally { Torch.Compiler.CacheSizeLimit = saved; }
    }

    [Fact]
    public void InPlaceChangeOfAnInputIsVisibleToTheCaller()
    {
        static Tensor Bump(Tensor x) { x.Add_(1f); return x * 2; }
        var f = Torch.Compile<Tensor>(Bump, backend: "eager");
        for (int i = 0; i < 3; i++)
        {
            var a = Torch.Randn(5);
            var b = a.Clone();
            var ya = Bump(a);
            var yb = f(b);
            Same(a, b);
            Same(ya, yb);
        }
    }

    [Fact]
    public void TupleOutputs()
    {
        static (Tensor, Tensor) Two(Tensor x) => (x.Relu(), x.Tanh() * 3);
        var f = Torch.Compile<(Tensor, Tensor)>(Two, backend: "eager");
        for (int i = 0; i < 3; i++)
        {
            var x = Torch.Randn(6);
            var (a, b) = Two(x);
            var (c, d) = f(x);
            Same(a, c);
            Same(b, d);
        }
    }

    [Fact]
    public void CapturedVariablesAreInputsNotConstants()
    {
        var w = Torch.Randn(3);
        Tensor Scale(Tensor x) => x * w;
        var f = Torch.Compile<Tensor>(Scale, backend: "eager");
        var x = Torch.Randn(3);
        Same(x * w, f(x));
        w.Mul_(2f); // changed between calls, as an optimizer changes parameters
        Same(x * w, f(x));
        w = Torch.Randn(3); // another tensor altogether
        Same(x * w, f(x));
    }

    [Fact]
    public void GradModeAndRequiresGradAreGuarded()
    {
        var f = Torch.Compile<Tensor>(Fn, backend: "eager");
        var x = Torch.Randn([4], requiresGrad: true);
        var y = f(x);
        Assert.NotNull(y.GradFn);
        using (Torch.NoGrad())
        {
            var z = f(x);
            Assert.Null(z.GradFn);
        }
        var plain = Torch.Randn(4);
        Assert.Null(f(plain).GradFn);
        var again = f(x);
        again.Sum().Backward();
        var x2 = x.Detach().RequiresGrad_();
        Fn(x2).Sum().Backward();
        Same(x2.Grad!, x.Grad!);
    }

    [Fact]
    public void ExceptionsSurfaceAsEagerThrowsThem()
    {
        static Tensor Gather(Tensor x, Tensor idx) => x.Gather(0, idx) * 2;
        var f = Torch.Compile<Tensor>(Gather, backend: "eager");
        var x = Torch.Randn(4);
        f(x, Torch.Tensor(new long[] { 0, 1 }));
        f(x, Torch.Tensor(new long[] { 2, 3 }));
        var bad = Torch.Tensor(new long[] { 0, 9 });
        var eager = Record.Exception(() => Gather(x, bad));
        var compiled = Record.Exception(() => f(x, bad));
        Assert.NotNull(eager);
        Assert.NotNull(compiled);
        Assert.Equal(eager!.GetType(), compiled!.GetType());
        Assert.Equal(eager.Message, compiled.Message);
    }

    [Fact]
    public void VerifyModeCatchesABackendThatComputesSomethingElse()
    {
        CompilerBackend wrong = (g, _) => args =>
        {
            var r = Flint.Graphs.Interpreter.Run(g, args);
            return r.Select(o => o is Tensor t ? (object)(t + 1e-3f) : o).ToArray();
        };
        var f = Torch.Compile<Tensor>(Fn, verify: true, customBackend: wrong);
        f(Torch.Randn(4)); // the capture runs eagerly
        Assert.Throws<CompileVerificationException>(() => f(Torch.Randn(4)));
        var good = Torch.Compile<Tensor>(Fn, verify: true, backend: "eager");
        for (int i = 0; i < 3; i++) good(Torch.Randn(4));
    }

    [Fact]
    public void BadOptionsAreRefusedInPyTorchsWords()
    {
        var e = Assert.Throws<ArgumentException>(() => Torch.Compile<Tensor>(Fn, mode: "fast"));
        Assert.Contains("Unrecognized mode=fast", e.Message);
        var b = Assert.Throws<ArgumentException>(() => Torch.Compile<Tensor>(Fn, backend: "nope"));
        Assert.Contains("Invalid backend: 'nope'", b.Message);
    }
}
