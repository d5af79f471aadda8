using Flint.Graphs;
using Flint.NN;
using Flint.Ops;

namespace Flint.Tests.Graphs;

/// <summary>
/// Every op that the W2–W5 models, LeNet and the seed model dispatch in a training step's forward and backward has
/// a schema, and replaying the schema call (its invoker on the bound arguments) gives the op's own results.
/// </summary>
[Collection("DefaultGenerator")] // seeds and draws from the default generator
public class SchemaCoverageTests
{
    private sealed class Replay : DispatchMode
    {
        public readonly SortedSet<string> Seen = new();
        public override bool KeepsComposites => false; // the pieces are what backward graphs are made of
        public override Tensor[] Dispatch(Op op, Tensor?[] inputs)
        {
            var outputs = Dispatcher.Redispatch(op, inputs);
            var call = OpRegistry.Bind(op, inputs);
            Seen.Add(call.Schema.QualifiedName);
            object? again;
            using (Torch.NoGrad()) again = OpRegistry.Invoke(call.Schema, call.Arguments);
            var replayed = again as Tensor[] ?? (again is object?[] o ? o.Cast<Tensor>().ToArray() : [(Tensor)again!]);
            Assert.Equal(outputs.Length, replayed.Length);
            for (int i = 0; i < outputs.Length; i++)
                Assert.True(replayed[i].Equal(outputs[i]), $"{call.Schema.QualifiedName}: output {i} differs on replay");
            return outputs;
        }
    }

    [Fact]
    public void TrainingStepsOfTheWorkloadsReplayThroughSchemas()
    {
        Torch.ManualSeed(2);
        var replay = new Replay();
        var models = new (Module<Tensor, Tensor> Model, Tensor X)[]
        {
            (new Sequential(new Linear(4, 10), new ReLU(), new Linear(10, 3)), Torch.Randn(6, 4)),
            (new Sequential(new Linear(784, 64), new ReLU(), new Linear(64, 10)), Torch.Randn(4, 784)),
            (new Sequential(new Conv2d(1, 6, 5, padding: 2), new ReLU(), new MaxPool2d(2), new Conv2d(6, 16, 5), new ReLU(),
                new MaxPool2d(2), new Flatten(), new Linear(400, 120), new ReLU(), new Linear(120, 10)), Torch.Randn(2, 1, 28, 28)),
            (new TraceTests.Block(), Torch.Randn(8, 2, 32)),
        };
        using (replay.Push())
        {
            foreach (var (m, x) in models)
            {
                var y = m.Call(x);
                var target = Torch.Zeros([y.Size(0)], DType.Int64);
                (y.Dim == 2 ? new CrossEntropyLoss().Call(y, target) : y.Square().Mean()).Backward();
            }
        }
        Assert.Contains("aten::addmm", replay.Seen);
        Assert.Contains("aten::threshold_backward", replay.Seen);
        Assert.Contains("flint::convolution_backward_weight", replay.Seen);
        Assert.Contains("aten::native_layer_norm", replay.Seen);
    }

    [Fact]
    public void AnOpWithoutASchemaIsAClearError()
    {
        var e = Assert.Throws<NotSupportedException>(() => Torch.Jit.Trace((Tensor x) => x.Cumsum(0), Torch.Randn(3)));
        Assert.StartsWith("no schema binding for aten::cumsum", e.Message);
        Assert.Throws<NotSupportedException>(() => OpRegistry.Get("aten::no_such_op"));
    }
}
