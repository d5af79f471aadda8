using System.Globalization;
using Flint.NN;
using Flint.Optim;

namespace Flint.Bench;

/// <summary>The eager training step WORKLOADS.md times (zero_grad, forward, loss, backward, step), and a forward-only pass.</summary>
public static class TrainingStep
{
    public static Action Step(Module<Tensor, Tensor> model, Optimizer opt, Tensor x, Tensor y)
    {
        var lossFn = new CrossEntropyLoss();
        return () =>
        {
            opt.ZeroGrad();
            var loss = lossFn.Call(model.Call(x), y);
            loss.Backward();
            opt.Step();
        };
    }

    public static Action Forward(Module<Tensor, Tensor> model, Tensor x) => () =>
    {
        using (Torch.NoGrad()) model.Call(x);
    };

    public static void Report(string id, string name, string mode, Stats s)
        => Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{id} {name} mode={mode} median_ms={s.MedianMs:F3} p10_ms={s.P10Ms:F3} p90_ms={s.P90Ms:F3} first_ms={s.FirstMs:F3} iters={s.Iterations}"));
}

/// <summary>W3: Linear(784,512) → ReLU → Linear(512,256) → ReLU → Linear(256,10), batch 128, SGD(0.01, momentum 0.9).</summary>
public sealed class W3MnistMlp : IWorkload
{
    public string Id => "W3";

    public static Sequential Model() => new(new Linear(784, 512), new ReLU(), new Linear(512, 256), new ReLU(), new Linear(256, 10));

    public void Run(bool compiled)
    {
        Torch.ManualSeed(0);
        var model = Model();
        var x = Torch.Randn(128, 784);
        var y = Torch.Randint(0, 10, [128]);
        var opt = new SGD(model.Parameters(), lr: 0.01, momentum: 0.9);
        TrainingStep.Report("W3", "mnist-mlp", "eager", Harness.Measure(TrainingStep.Step(model, opt, x, y), warmup: 10, minIterations: 50));
        TrainingStep.Report("W3", "mnist-mlp-forward", "eager", Harness.Measure(TrainingStep.Forward(model, x), warmup: 10, minIterations: 50));
    }
}

/// <summary>W4: LeNet-5 on 64×1×28×28, Adam(1e-3).</summary>
public sealed class W4LeNet : IWorkload
{
    public string Id => "W4";

    public static Sequential Model() => new(
        new Conv2d(1, 6, 5, padding: 2), new ReLU(), new MaxPool2d(2),
        new Conv2d(6, 16, 5), new ReLU(), new MaxPool2d(2),
        new Flatten(),
        new Linear(400, 120), new ReLU(), new Linear(120, 84), new ReLU(), new Linear(84, 10));

    public void Run(bool compiled)
    {
        Torch.ManualSeed(0);
        var model = Model();
        var x = Torch.Randn(64, 1, 28, 28);
        var y = Torch.Randint(0, 10, [64]);
        var opt = new Adam(model.Parameters(), lr: 1e-3);
        TrainingStep.Report("W4", "lenet", "eager", Harness.Measure(TrainingStep.Step(model, opt, x, y), warmup: 10, minIterations: 50));
        TrainingStep.Report("W4", "lenet-forward", "eager", Harness.Measure(TrainingStep.Forward(model, x), warmup: 10, minIterations: 50));
    }
}
