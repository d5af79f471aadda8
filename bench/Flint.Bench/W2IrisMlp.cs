using System.Diagnostics;
using System.Globalization;
using Flint.Kernels.Cpu;
using Flint.NN;
using Flint.Optim;

namespace Flint.Bench;

/// <summary>W2: one Adam training step of Linear(4,10) → ReLU → Linear(10,3) on a full batch of 112×4 with
/// CrossEntropyLoss: zero_grad, forward, loss, backward, step (as peers/pytorch/bench.py's w2).</summary>
public sealed class W2IrisMlp : IWorkload
{
    public string Id => "W2";

    public void Run(bool compiled)
    {
        Gemm.Threads = BenchOptions.Threads;
        Torch.ManualSeed(0);
        var model = new Sequential(new Linear(4, 10), new ReLU(), new Linear(10, 3));
        var x = Torch.Randn(112, 4);
        var y = Torch.Randint(0, 3, [112]);
        var opt = new Adam(model.Parameters(), lr: 0.01);
        var lossFn = new CrossEntropyLoss();
        void Step()
        {
            opt.ZeroGrad();
            var loss = lossFn.Forward(model.Call(x), y);
            loss.Backward();
            opt.Step();
        }
        var s = Harness.Measure(Step, warmup: 50, minIterations: 1000, minSeconds: 1.0, maxIterations: 200000);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"W2 iris-mlp mode=eager median_us={s.MedianMs * 1000:F2} p10_us={s.P10Ms * 1000:F2} p90_us={s.P90Ms * 1000:F2}"));
        if (Environment.GetEnvironmentVariable("FLINT_W2_DETAIL") == "1") Detail(model, opt, lossFn, x, y);
    }

    /// <summary>Where a step's time goes: zero_grad, forward+loss, backward, Adam step, each timed alone.</summary>
    static void Detail(Sequential model, Optimizer opt, CrossEntropyLoss lossFn, Tensor x, Tensor y)
    {
        double zero = 0, fwd = 0, bwd = 0, step = 0;
        int n = 20000;
        for (int i = 0; i < n + 2000; i++)
        {
            long t0 = Stopwatch.GetTimestamp();
            opt.ZeroGrad();
            long t1 = Stopwatch.GetTimestamp();
            var loss = lossFn.Forward(model.Call(x), y);
            long t2 = Stopwatch.GetTimestamp();
            loss.Backward();
            long t3 = Stopwatch.GetTimestamp();
            opt.Step();
            long t4 = Stopwatch.GetTimestamp();
            if (i < 2000) continue;
            zero += t1 - t0; fwd += t2 - t1; bwd += t3 - t2; step += t4 - t3;
        }
        double us = 1e6 / Stopwatch.Frequency / n;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"W2 detail zero_grad_us={zero * us:F2} forward_loss_us={fwd * us:F2} backward_us={bwd * us:F2} adam_step_us={step * us:F2}"));
    }
}
