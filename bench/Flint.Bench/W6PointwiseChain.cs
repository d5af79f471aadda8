using System.Globalization;

namespace Flint.Bench;

/// <summary>W6: eager y = gelu(x * 1.5 + 0.5) * sigmoid(x) over 4,194,304 float32 elements (forward only).</summary>
public sealed class W6PointwiseChain : IWorkload
{
    public string Id => "W6";
    public const int N = 4_194_304;

    public void Run(bool compiled)
    {
        if (compiled) { Console.WriteLine("W6 pointwise-chain mode=compiled needs Torch.Compile (not implemented yet)"); return; }
        var x = Torch.FromArray(Harness.Randn(N, 6), N);
        Tensor? y = null;
        var s = Harness.Measure(() => { y = (x * 1.5 + 0.5).Gelu() * x.Sigmoid(); });
        GC.KeepAlive(y);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"W6 pointwise-chain mode=eager median_ms={s.MedianMs:F3} p10_ms={s.P10Ms:F3} p90_ms={s.P90Ms:F3}"));
    }
}
