using Flint.Serialization;
using System.Collections;

namespace Flint.Optim.LrScheduler;

/// <summary>
/// Cyclical learning rate (Smith 2017): lr moves between baseLr and maxLr over cycles of stepSizeUp + stepSizeDown
/// iterations (modes triangular, triangular2, exp_range, or a custom scale function); momentum cycles inversely.
/// </summary>
public sealed class CyclicLR : LRScheduler
{
    private readonly double[] _maxLrs;
    private readonly double[]? _baseMomentums, _maxMomentums;
    private readonly double _totalSize, _stepRatio;
    public string Mode { get; }
    public double Gamma { get; }
    public string ScaleMode { get; }
    public bool CycleMomentum { get; }
    private readonly Func<double, double> _scaleFn;

    public CyclicLR(Optimizer optimizer, double baseLr, double maxLr, double stepSizeUp = 2000, double? stepSizeDown = null,
        string mode = "triangular", double gamma = 1.0, Func<double, double>? scaleFn = null, string scaleMode = "cycle",
        bool cycleMomentum = true, double baseMomentum = 0.8, double maxMomentum = 0.9, long lastEpoch = -1, bool verbose = false)
        : this(optimizer, Fill(optimizer, baseLr), Fill(optimizer, maxLr), stepSizeUp, stepSizeDown, mode, gamma, scaleFn, scaleMode,
               cycleMomentum, Fill(optimizer, baseMomentum), Fill(optimizer, maxMomentum), lastEpoch, verbose) { }

    public CyclicLR(Optimizer optimizer, double[] baseLrs, double[] maxLrs, double stepSizeUp = 2000, double? stepSizeDown = null,
        string mode = "triangular", double gamma = 1.0, Func<double, double>? scaleFn = null, string scaleMode = "cycle",
        bool cycleMomentum = true, double[]? baseMomentums = null, double[]? maxMomentums = null, long lastEpoch = -1, bool verbose = false)
        : base(Prepare(optimizer, baseLrs, lastEpoch), lastEpoch, verbose, deferInit: true)
    {
        int n = optimizer.ParamGroups.Count;
        if (maxLrs.Length != n) throw new ArgumentException($"expected {n} values for max_lr, got {maxLrs.Length}");
        _maxLrs = maxLrs;
        double up = stepSizeUp, down = stepSizeDown ?? up;
        _totalSize = up + down;
        _stepRatio = up / _totalSize;
        if (mode != "triangular" && mode != "triangular2" && mode != "exp_range" && scaleFn is null)
            throw new ArgumentException("mode is invalid and scale_fn is None");
        Mode = mode; Gamma = gamma;
        if (scaleFn is null)
        {
            (_scaleFn, ScaleMode) = mode switch
            {
                "triangular" => ((Func<double, double>)(_ => 1.0), "cycle"),
                "triangular2" => (x => 1 / Math.Pow(2.0, x - 1), "cycle"),
                _ => (x => Math.Pow(gamma, x), "iterations"),
            };
        }
        else { _scaleFn = scaleFn; ScaleMode = scaleMode; }
        CycleMomentum = cycleMomentum;
        if (cycleMomentum)
        {
            if (!optimizer.Defaults.ContainsKey("momentum")) throw new ArgumentException("optimizer must support momentum with `cycle_momentum` option enabled");
            baseMomentums ??= Fill(optimizer, 0.8);
            if (lastEpoch == -1) for (int i = 0; i < n; i++) optimizer.ParamGroups[i]["momentum"] = baseMomentums[i];
            _baseMomentums = new double[n];
            for (int i = 0; i < n; i++) _baseMomentums[i] = optimizer.ParamGroups[i].GetDouble("momentum");
            _maxMomentums = maxMomentums ?? Fill(optimizer, 0.9);
        }
        InitialStep();
        BaseLrs = new List<double>(baseLrs);
    }

    private static Optimizer Prepare(Optimizer optimizer, double[] baseLrs, long lastEpoch)
    {
        if (baseLrs.Length != optimizer.ParamGroups.Count) throw new ArgumentException($"expected {optimizer.ParamGroups.Count} values for base_lr, got {baseLrs.Length}");
        if (lastEpoch == -1) for (int i = 0; i < baseLrs.Length; i++) optimizer.ParamGroups[i]["lr"] = baseLrs[i];
        return optimizer;
    }

    private static double[] Fill(Optimizer o, double v) => Enumerable.Repeat(v, o.ParamGroups.Count).ToArray();

    protected override double[] GetLr()
    {
        double cycle = Math.Floor(1 + LastEpoch / _totalSize);
        double x = 1.0 + LastEpoch / _totalSize - cycle;
        double scale = x <= _stepRatio ? x / _stepRatio : (x - 1) / (_stepRatio - 1);
        double s = ScaleMode == "cycle" ? _scaleFn(cycle) : _scaleFn(LastEpoch);
        var lrs = new double[BaseLrs.Count];
        for (int i = 0; i < lrs.Length; i++) lrs[i] = BaseLrs[i] + (_maxLrs[i] - BaseLrs[i]) * scale * s;
        if (CycleMomentum)
            for (int i = 0; i < lrs.Length; i++)
                Optimizer.ParamGroups[i]["momentum"] = _maxMomentums![i] - (_maxMomentums[i] - _baseMomentums![i]) * scale * s;
        return lrs;
    }

    protected override void SaveFields(OrderedDict d)
    {
        d["max_lrs"] = new List<double>(_maxLrs); d["total_size"] = _totalSize; d["step_ratio"] = _stepRatio;
        d["mode"] = Mode; d["gamma"] = Gamma; d["scale_mode"] = ScaleMode; d["cycle_momentum"] = CycleMomentum;
        if (CycleMomentum) { d["base_momentums"] = new List<double>(_baseMomentums!); d["max_momentums"] = new List<double>(_maxMomentums!); }
    }
}

/// <summary>
/// The 1cycle policy (Smith &amp; Topin 2018): lr rises from maxLr/divFactor to maxLr over pctStart of totalSteps, then
/// anneals (cos or linear) to initial_lr/finalDivFactor; momentum (or Adam's beta1) moves inversely.
/// </summary>
public sealed class OneCycleLR : LRScheduler
{
    private readonly (double endStep, string startLr, string endLr, string startMom, string endMom)[] _phases;
    public long TotalSteps { get; }
    public string AnnealStrategy { get; }
    public bool CycleMomentum { get; }
    private readonly bool _useBeta1;

    public OneCycleLR(Optimizer optimizer, double maxLr, long? totalSteps = null, long? epochs = null, long? stepsPerEpoch = null,
        double pctStart = 0.3, string annealStrategy = "cos", bool cycleMomentum = true, double baseMomentum = 0.85,
        double maxMomentum = 0.95, double divFactor = 25.0, double finalDivFactor = 1e4, bool threePhase = false,
        long lastEpoch = -1, bool verbose = false)
        : base(Prepare(optimizer, maxLr, divFactor, finalDivFactor, cycleMomentum, baseMomentum, maxMomentum, lastEpoch), lastEpoch, verbose, deferInit: true)
    {
        if (totalSteps is null && (epochs is null || stepsPerEpoch is null))
            throw new ArgumentException("You must define either total_steps OR (epochs AND steps_per_epoch)");
        if (totalSteps is { } ts) { if (ts <= 0) throw new ArgumentException($"Expected positive integer total_steps, but got {ts}"); TotalSteps = ts; }
        else
        {
            if (epochs <= 0) throw new ArgumentException($"Expected positive integer epochs, but got {epochs}");
            if (stepsPerEpoch <= 0) throw new ArgumentException($"Expected positive integer steps_per_epoch, but got {stepsPerEpoch}");
            TotalSteps = epochs!.Value * stepsPerEpoch!.Value;
        }
        if (pctStart < 0 || pctStart > 1) throw new ArgumentException($"Expected float between 0 and 1 pct_start, but got {pctStart}");
        if (annealStrategy != "cos" && annealStrategy != "linear")
            throw new ArgumentException($"anneal_strategy must by one of 'cos' or 'linear', instead got {annealStrategy}");
        AnnealStrategy = annealStrategy;
        _phases = threePhase
            ? [(pctStart * TotalSteps - 1, "initial_lr", "max_lr", "max_momentum", "base_momentum"),
               (2 * pctStart * TotalSteps - 2, "max_lr", "initial_lr", "base_momentum", "max_momentum"),
               (TotalSteps - 1, "initial_lr", "min_lr", "max_momentum", "max_momentum")]
            : [(pctStart * TotalSteps - 1, "initial_lr", "max_lr", "max_momentum", "base_momentum"),
               (TotalSteps - 1, "max_lr", "min_lr", "base_momentum", "max_momentum")];
        CycleMomentum = cycleMomentum;
        _useBeta1 = optimizer.Defaults.ContainsKey("betas");
        InitialStep();
    }

    private static Optimizer Prepare(Optimizer o, double maxLr, double divFactor, double finalDivFactor, bool cycleMomentum,
        double baseMomentum, double maxMomentum, long lastEpoch)
    {
        if (cycleMomentum && !o.Defaults.ContainsKey("momentum") && !o.Defaults.ContainsKey("betas"))
            throw new ArgumentException("optimizer must support momentum with `cycle_momentum` option enabled");
        if (lastEpoch != -1) return o;
        foreach (var g in o.ParamGroups)
        {
            g["initial_lr"] = maxLr / divFactor;
            g["max_lr"] = maxLr;
            g["min_lr"] = maxLr / divFactor / finalDivFactor;
            if (cycleMomentum)
            {
                if (o.Defaults.ContainsKey("betas")) g["betas"] = (maxMomentum, g.GetPair("betas").Item2);
                else g["momentum"] = maxMomentum;
                g["max_momentum"] = maxMomentum;
                g["base_momentum"] = baseMomentum;
            }
        }
        return o;
    }

    private double Anneal(double start, double end, double pct)
        => AnnealStrategy == "cos" ? end + (start - end) / 2.0 * (Math.Cos(Math.PI * pct) + 1) : (end - start) * pct + start;

    protected override double[] GetLr()
    {
        long stepNum = LastEpoch;
        if (stepNum > TotalSteps)
            throw new ArgumentException($"Tried to step {stepNum + 1} times. The specified number of total steps is {TotalSteps}");
        var groups = Optimizer.ParamGroups;
        var lrs = new double[groups.Count];
        for (int gi = 0; gi < groups.Count; gi++)
        {
            var g = groups[gi];
            double start = 0, lr = 0, mom = 0;
            for (int i = 0; i < _phases.Length; i++)
            {
                var ph = _phases[i];
                if (stepNum <= ph.endStep || i == _phases.Length - 1)
                {
                    double pct = (stepNum - start) / (ph.endStep - start);
                    lr = Anneal(g.GetDouble(ph.startLr), g.GetDouble(ph.endLr), pct);
                    if (CycleMomentum) mom = Anneal(g.GetDouble(ph.startMom), g.GetDouble(ph.endMom), pct);
                    break;
                }
                start = ph.endStep;
            }
            lrs[gi] = lr;
            if (CycleMomentum)
            {
                if (_useBeta1) g["betas"] = (mom, g.GetPair("betas").Item2);
                else g["momentum"] = mom;
            }
        }
        return lrs;
    }

    protected override void SaveFields(OrderedDict d)
    {
        d["total_steps"] = TotalSteps;
        d["anneal_strategy"] = AnnealStrategy;
        d["cycle_momentum"] = CycleMomentum;
        if (CycleMomentum) d["use_beta1"] = _useBeta1;
    }
}

/// <summary>Runs schedulers one after another, switching at the milestones.</summary>
public sealed class SequentialLR : LRScheduler
{
    private readonly LRScheduler[] _schedulers;
    private readonly long[] _milestones;

    public SequentialLR(Optimizer optimizer, LRScheduler[] schedulers, long[] milestones, long lastEpoch = -1, bool verbose = false)
        : base(optimizer, noInit: true)
    {
        for (int i = 0; i < schedulers.Length; i++)
            if (!ReferenceEquals(schedulers[i].Optimizer, optimizer))
                throw new ArgumentException($"Sequential Schedulers expects all schedulers to belong to the same optimizer, but got schedulers at index {i} to be different than the optimizer passed in.");
        if (milestones.Length != schedulers.Length - 1)
            throw new ArgumentException($"Sequential Schedulers expects number of schedulers provided to be one more than the number of milestone points, but got number of schedulers {schedulers.Length} and the number of milestones to be equal to {milestones.Length}");
        _schedulers = schedulers;
        _milestones = milestones;
        LastEpoch = lastEpoch + 1;
        foreach (var g in optimizer.ParamGroups) g["lr"] = g["initial_lr"];
        foreach (var s in schedulers) s.LastEpoch -= 1;
        schedulers[0].InitialStep();
        LastLr = schedulers[0].GetLastLr();
        BaseLrs = new List<double>(schedulers[0].BaseLrs);
    }

    protected override double[] GetLr() => CurrentLrs();

    public override void Step()
    {
        LastEpoch++;
        int idx = 0;
        while (idx < _milestones.Length && _milestones[idx] <= LastEpoch) idx++;
        var s = _schedulers[idx];
        if (idx > 0 && _milestones[idx - 1] == LastEpoch) s.Step(0);
        else s.Step();
        LastLr = s.GetLastLr();
    }

    public override void Step(long epoch) => throw new InvalidOperationException("SequentialLR.step() takes no epoch");

    public override OrderedDict StateDict()
    {
        var d = new OrderedDict(isOrderedDict: false)
        {
            ["_milestones"] = new List<long>(_milestones), ["last_epoch"] = LastEpoch, ["_last_lr"] = new List<double>(LastLr),
        };
        var subs = new List<object?>();
        foreach (var s in _schedulers) subs.Add(s.StateDict());
        d["_schedulers"] = subs;
        return d;
    }

    public override void LoadStateDict(IDictionary d)
    {
        LastEpoch = L(d, "last_epoch", LastEpoch);
        if (d.Contains("_last_lr")) LastLr = Doubles(d["_last_lr"]);
        if (d["_schedulers"] is IList subs) for (int i = 0; i < subs.Count && i < _schedulers.Length; i++) _schedulers[i].LoadStateDict((IDictionary)subs[i]!);
    }
}

/// <summary>Steps several schedulers together each time (their effects multiply).</summary>
public sealed class ChainedScheduler : LRScheduler
{
    private readonly LRScheduler[] _schedulers;

    public ChainedScheduler(params LRScheduler[] schedulers) : base(schedulers[0].Optimizer, noInit: true)
    {
        for (int i = 1; i < schedulers.Length; i++)
            if (!ReferenceEquals(schedulers[i].Optimizer, schedulers[0].Optimizer))
                throw new ArgumentException($"ChainedScheduler expects all schedulers to belong to the same optimizer, but got schedulers at index 0 and {i} to be different");
        _schedulers = schedulers;
        LastLr = new List<double>(CurrentLrs());
    }

    protected override double[] GetLr() => CurrentLrs();

    public override void Step()
    {
        foreach (var s in _schedulers) s.Step();
        LastLr = new List<double>(CurrentLrs());
    }

    public override void Step(long epoch) => throw new InvalidOperationException("ChainedScheduler.step() takes no epoch");

    public override OrderedDict StateDict()
    {
        var subs = new List<object?>();
        foreach (var s in _schedulers) subs.Add(s.StateDict());
        return new OrderedDict(isOrderedDict: false) { ["_last_lr"] = new List<double>(LastLr), ["_schedulers"] = subs };
    }

    public override void LoadStateDict(IDictionary d)
    {
        if (d.Contains("_last_lr")) LastLr = Doubles(d["_last_lr"]);
        if (d["_schedulers"] is IList subs) for (int i = 0; i < subs.Count && i < _schedulers.Length; i++) _schedulers[i].LoadStateDict((IDictionary)subs[i]!);
    }
}
