using System.Globalization;
using Flint.NN;
using Flint.Optim;

namespace Flint.Bench;

/// <summary>
/// W5: one training step of a pre-norm encoder block (batch 8, sequence 128, d_model 256, 4 heads, FFN 1024 GELU,
/// dropout 0): x + MHA(LN(x)), then + FFN(LN(·)); loss = mean(out²); AdamW(1e-3). x is (seq, batch, d) as in the
/// PyTorch peer. Also the forward pass alone, and the process's peak resident memory.
/// </summary>
public sealed class W5TransformerBlock : IWorkload
{
    public string Id => "W5";

    public sealed class Block : Module<Tensor, Tensor>
    {
        public LayerNorm ln1 = new(256);
        public MultiheadAttention attn = new(256, 4, dropout: 0.0);
        public LayerNorm ln2 = new(256);
        public Linear fc1 = new(256, 1024);
        public GELU act = new();
        public Linear fc2 = new(1024, 256);

        public override Tensor Forward(Tensor x)
        {
            var h = ln1.Call(x);
            x = x + attn.Forward(h, h, h, needWeights: false).Output;
            return x + fc2.Call(act.Call(fc1.Call(ln2.Call(x))));
        }
    }

    public void Run(bool compiled)
    {
        Torch.ManualSeed(0);
        long rssBefore = ProcStatusKb("VmRSS");
        var model = new Block();
        var x = Torch.Randn(128, 8, 256);
        var opt = new AdamW(model.Parameters(), lr: 1e-3);
        var s = Harness.Measure(() =>
        {
            opt.ZeroGrad();
            var loss = model.Call(x).Square().Mean();
            loss.Backward();
            opt.Step();
        }, warmup: 5, minIterations: 30);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"W5 transformer-block mode=eager median_ms={s.MedianMs:F3} p10_ms={s.P10Ms:F3} p90_ms={s.P90Ms:F3} first_ms={s.FirstMs:F3} iters={s.Iterations} peak_rss_mb={ProcStatusKb("VmHWM") / 1024.0:F1} rss_before_mb={rssBefore / 1024.0:F1}"));
        TrainingStep.Report("W5", "transformer-block-forward", "eager", Harness.Measure(TrainingStep.Forward(model, x), warmup: 5, minIterations: 30));
    }

    private static long ProcStatusKb(string key)
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
            if (line.StartsWith(key + ":")) return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]);
        return -1;
    }
}
