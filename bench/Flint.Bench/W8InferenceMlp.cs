using System.Globalization;
using Flint.Kernels.Cpu;
using Flint.NN;

namespace Flint.Bench;

/// <summary>W8: forward of Linear(784,512) → ReLU → Linear(512,256) → ReLU → Linear(256,10), batch 1, under no-grad;
/// µs per call (latency).</summary>
public sealed class W8InferenceMlp : IWorkload
{
    public string Id => "W8";

    public void Run(bool compiled)
    {
        Gemm.Threads = BenchOptions.Threads;
        Torch.ManualSeed(0);
        var model = new Sequential(new Linear(784, 512), new ReLU(), new Linear(512, 256), new ReLU(), new Linear(256, 10));
        model.Eval();
        var x = Torch.FromArray(Harness.Randn(784, 8), 1, 784);
        Stats s;
        using (Torch.NoGrad())
            s = Harness.Measure(() => model.Call(x), warmup: 200, minIterations: 200, minSeconds: 1.0, maxIterations: 200000);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"W8 inference-mlp mode=eager median_us={s.MedianMs * 1000:F2} p10_us={s.P10Ms * 1000:F2} p90_us={s.P90Ms * 1000:F2}"));

        // The same network through Torch.Jit.Trace + Freeze (PyTorch's torch.jit.trace + freeze row, W8ts).
        var t0 = System.Diagnostics.Stopwatch.GetTimestamp();
        var frozen = Torch.Jit.Freeze(Torch.Jit.Trace(model, x));
        double compileUs = System.Diagnostics.Stopwatch.GetElapsedTime(t0).TotalMicroseconds;
        using (Torch.NoGrad())
            s = Harness.Measure(() => frozen.Call(x), warmup: 200, minIterations: 200, minSeconds: 1.0, maxIterations: 200000);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"W8 inference-mlp mode=jit-trace-freeze median_us={s.MedianMs * 1000:F2} p10_us={s.P10Ms * 1000:F2} p90_us={s.P90Ms * 1000:F2} compile_us={compileUs:F0}"));
        if (Environment.GetEnvironmentVariable("FLINT_W8_DETAIL") == "1")
        {
            Detail(model, x);
            Overhead();
            // Field registration must survive trimming/NativeAOT: a field-declared port of the same network.
            var ported = new MnistMlp();
            Console.WriteLine($"W8 check sequential_params={model.Parameters().Sum(p => p.Numel())} field_module_params={ported.Parameters().Sum(p => p.Numel())} names={string.Join(",", ported.StateDict().Keys)}");
        }
    }

    /// <summary>Per-call overhead of the pieces, on tiny tensors (compute negligible).</summary>
    static void Overhead()
    {
        var w = Torch.Zeros(8, 8); var b = Torch.Zeros(8); var x = Torch.Zeros(1, 8); var wt = w.t();
        var lin = new Linear(8, 8); var relu = new ReLU();
        void T(string name, Action a)
        {
            var s = Harness.Measure(() => { for (int i = 0; i < 100; i++) a(); }, warmup: 50, minIterations: 50, minSeconds: 0.3);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"W8 overhead {name} ns={s.MedianMs * 1e6 / 100:F0}"));
        }
        using (Torch.NoGrad())
        {
            T("t()", () => w.t());
            T("addmm", () => b.Addmm(x, wt));
            T("Torch.Linear", () => Torch.Linear(x, w, b));
            T("F.Relu", () => Flint.NN.Functional.Relu(x));
            T("Linear.Call", () => lin.Call(x));
            T("ReLU.Call", () => relu.Call(x));
            T("x+x", () => x.Add(x));
        }
    }

    /// <summary>Where the time goes: the three GEMVs alone (the floor), then the functional calls without modules.</summary>
    static unsafe void Detail(Sequential model, Tensor x)
    {
        var l1 = (Linear)model[0]; var l2 = (Linear)model[2]; var l3 = (Linear)model[4];
        var ws = new[] { l1.weight, l2.weight, l3.weight };
        var bufs = new[] { new float[512], new float[256], new float[10] };
        var xin = x.ToArray<float>();
        var g = Harness.Measure(() =>
        {
            float[] cur = xin;
            for (int i = 0; i < 3; i++)
            {
                var w = ws[i]; int n = (int)w.Size(0), k = (int)w.Size(1);
                fixed (float* px = cur) fixed (float* pw = w.AsSpan<float>()) fixed (float* py = bufs[i])
                    Gemm.Sgemm(1, n, k, 1f, px, k, 1, pw, 1, k, 0f, py, n, 1);
                cur = bufs[i];
            }
        }, warmup: 200, minIterations: 200, minSeconds: 1.0, maxIterations: 200000);
        Stats f;
        using (Torch.NoGrad())
            f = Harness.Measure(() => Flint.NN.Functional.Linear(Flint.NN.Functional.Relu(Flint.NN.Functional.Linear(Flint.NN.Functional.Relu(
                Flint.NN.Functional.Linear(x, l1.weight, l1.bias)), l2.weight, l2.bias)), l3.weight, l3.bias),
                warmup: 200, minIterations: 200, minSeconds: 1.0, maxIterations: 200000);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"W8 detail gemv_only_us={g.MedianMs * 1000:F2} functional_us={f.MedianMs * 1000:F2}"));
    }
}

/// <summary>The W3/W8 network declared with fields, as a PyTorch user would port it.</summary>
public sealed class MnistMlp : Module<Tensor, Tensor>
{
    public Linear fc1 = new(784, 512);
    public ReLU relu = new();
    public Linear fc2 = new(512, 256);
    public Linear fc3 = new(256, 10);
    public override Tensor Forward(Tensor x) => fc3.Call(relu.Call(fc2.Call(relu.Call(fc1.Call(x)))));
}
