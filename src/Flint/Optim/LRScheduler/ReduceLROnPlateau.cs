using Flint.Serialization;
using System.Collections;

namespace Flint.Optim.LrScheduler;

/// <summary>Reduces lr by factor when a metric has stopped improving for patience epochs (then waits cooldown epochs).</summary>
public sealed class ReduceLROnPlateau
{
    public Optimizer Optimizer { get; }
    public string Mode { get; }
    public double Factor { get; }
    public long Patience { get; }
    public double Threshold { get; }
    public string ThresholdMode { get; }
    public long Cooldown { get; }
    public double Eps { get; }
    public bool Verbose { get; }
    private readonly double[] _minLrs;
    public double Best { get; private set; }
    public long NumBadEpochs { get; private set; }
    public long CooldownCounter { get; private set; }
    public long LastEpoch { get; private set; }
    private List<double> _lastLr = new();

    public ReduceLROnPlateau(Optimizer optimizer, string mode = "min", double factor = 0.1, long patience = 10, double threshold = 1e-4,
        string thresholdMode = "rel", long cooldown = 0, double minLr = 0, double eps = 1e-8, bool verbose = false)
        : this(optimizer, mode, factor, patience, threshold, thresholdMode, cooldown,
               Enumerable.Repeat(minLr, optimizer.ParamGroups.Count).ToArray(), eps, verbose) { }

    public ReduceLROnPlateau(Optimizer optimizer, string mode, double factor, long patience, double threshold, string thresholdMode,
        long cooldown, double[] minLrs, double eps = 1e-8, bool verbose = false)
    {
        if (factor >= 1.0) throw new ArgumentException("Factor should be < 1.0.");
        if (minLrs.Length != optimizer.ParamGroups.Count) throw new ArgumentException($"expected {optimizer.ParamGroups.Count} min_lrs, got {minLrs.Length}");
        if (mode != "min" && mode != "max") throw new ArgumentException($"mode {mode} is unknown!");
        if (thresholdMode != "rel" && thresholdMode != "abs") throw new ArgumentException($"threshold mode {thresholdMode} is unknown!");
        Optimizer = optimizer; Mode = mode; Factor = factor; Patience = patience; Threshold = threshold; ThresholdMode = thresholdMode;
        Cooldown = cooldown; _minLrs = minLrs; Eps = eps; Verbose = verbose;
        Best = ModeWorse;
    }

    private double ModeWorse => Mode == "min" ? double.PositiveInfinity : double.NegativeInfinity;
    public bool InCooldown => CooldownCounter > 0;

    public List<double> GetLastLr() => new(_lastLr);

    public void Step(double metric, long? epoch = null)
    {
        LastEpoch = epoch ?? LastEpoch + 1;
        if (IsBetter(metric, Best)) { Best = metric; NumBadEpochs = 0; }
        else NumBadEpochs++;
        if (InCooldown) { CooldownCounter--; NumBadEpochs = 0; }
        if (NumBadEpochs > Patience)
        {
            ReduceLr();
            CooldownCounter = Cooldown;
            NumBadEpochs = 0;
        }
        _lastLr = Optimizer.ParamGroups.Select(g => g.Lr).ToList();
    }

    public void Step(Tensor metric, long? epoch = null) => Step(metric.Item(), epoch);

    private void ReduceLr()
    {
        for (int i = 0; i < Optimizer.ParamGroups.Count; i++)
        {
            var g = Optimizer.ParamGroups[i];
            double old = g.Lr, next = Math.Max(old * Factor, _minLrs[i]);
            if (old - next > Eps)
            {
                g["lr"] = next;
                if (Verbose) Console.WriteLine($"Epoch {LastEpoch:00000}: reducing learning rate of group {i} to {next:0.0000e+00}.");
            }
        }
    }

    private bool IsBetter(double a, double best) => (Mode, ThresholdMode) switch
    {
        ("min", "rel") => a < best * (1.0 - Threshold),
        ("min", _) => a < best - Threshold,
        (_, "rel") => a > best * (Threshold + 1.0),
        _ => a > best + Threshold,
    };

    public OrderedDict StateDict() => new(isOrderedDict: false)
    {
        ["factor"] = Factor, ["min_lrs"] = new List<double>(_minLrs), ["patience"] = Patience, ["verbose"] = Verbose,
        ["cooldown"] = Cooldown, ["cooldown_counter"] = CooldownCounter, ["mode"] = Mode, ["threshold"] = Threshold,
        ["threshold_mode"] = ThresholdMode, ["best"] = Best, ["num_bad_epochs"] = NumBadEpochs, ["mode_worse"] = ModeWorse,
        ["eps"] = Eps, ["last_epoch"] = LastEpoch, ["_last_lr"] = new List<double>(_lastLr),
    };

    public void LoadStateDict(IDictionary d)
    {
        Best = LRScheduler.D(d, "best", Best);
        NumBadEpochs = LRScheduler.L(d, "num_bad_epochs", NumBadEpochs);
        CooldownCounter = LRScheduler.L(d, "cooldown_counter", CooldownCounter);
        LastEpoch = LRScheduler.L(d, "last_epoch", LastEpoch);
        if (d.Contains("_last_lr")) _lastLr = LRScheduler.Doubles(d["_last_lr"]);
    }
}
