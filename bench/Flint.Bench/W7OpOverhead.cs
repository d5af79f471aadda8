using System.Diagnostics;
using System.Globalization;

namespace Flint.Bench;

/// <summary>W7: 10,000 successive a = a + b on 1-element float32 tensors under no-grad; µs per op.</summary>
public sealed class W7OpOverhead : IWorkload
{
    public string Id => "W7";
    public const int Ops = 10_000;

    public void Run(bool compiled)
    {
        var a0 = Torch.Tensor(new[] { 0.5f });
        var b = Torch.Tensor(new[] { 1e-4f });
        Tensor last = a0;
        Stats s;
        using (Torch.NoGrad())
        {
            s = Harness.Measure(() =>
            {
                var a = a0;
                for (int i = 0; i < Ops; i++) a = a + b;
                last = a;
            });
        }
        GC.KeepAlive(last);
        double us = 1000.0 / Ops; // ms per iteration → µs per op
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"W7 op-overhead mode=eager median_us={s.MedianMs * us:F3} p10_us={s.P10Ms * us:F3} p90_us={s.P90Ms * us:F3}"));
    }
}
