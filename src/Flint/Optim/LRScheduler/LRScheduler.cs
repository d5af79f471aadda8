using Flint.Serialization;
using System.Collections;

namespace Flint.Optim.LrScheduler;

/// <summary>
/// Base of the epoch-based schedulers (torch.optim.lr_scheduler._LRScheduler): construction records each group's
/// initial_lr and takes the first step; Step() advances last_epoch and writes the new lr into every group using
/// the chainable form, Step(epoch) jumps with the closed form where there is one. StateDict has PyTorch's keys.
/// </summary>
public abstract class LRScheduler
{
    public Optimizer Optimizer { get; }
    public List<double> BaseLrs { get; protected set; } = new();
    public long LastEpoch { get; set; }
    public bool Verbose { get; set; }
    protected int StepCount;
    protected List<double> LastLr = new();

    /// <summary>For schedulers (ChainedScheduler) that do not take an initial step.</summary>
    protected LRScheduler(Optimizer optimizer, bool noInit) { Optimizer = optimizer; }

    protected LRScheduler(Optimizer optimizer, long lastEpoch = -1, bool verbose = false, bool deferInit = false)
    {
        Optimizer = optimizer;
        Verbose = verbose;
        if (lastEpoch == -1)
            foreach (var g in optimizer.ParamGroups) g.SetDefault("initial_lr", g["lr"]);
        else
            for (int i = 0; i < optimizer.ParamGroups.Count; i++)
                if (!optimizer.ParamGroups[i].ContainsKey("initial_lr"))
                    throw new KeyNotFoundException($"param 'initial_lr' is not specified in param_groups[{i}] when resuming an optimizer");
        foreach (var g in optimizer.ParamGroups) BaseLrs.Add(g.GetDouble("initial_lr"));
        LastEpoch = lastEpoch;
        if (!deferInit) InitialStep();
    }

    /// <summary>Resets the step count and takes the first step (called by the constructor).</summary>
    internal void InitialStep() { StepCount = 0; Step(); }

    /// <summary>The learning rates for LastEpoch, in chainable form (from the groups' current lr).</summary>
    protected abstract double[] GetLr();

    /// <summary>The learning rates for LastEpoch computed from the base lrs, or null where PyTorch has no closed form.</summary>
    protected virtual double[]? ClosedFormLr() => null;

    /// <summary>The last learning rates this scheduler set (PyTorch's get_last_lr()).</summary>
    public List<double> GetLastLr() => new(LastLr);

    public virtual void Step()
    {
        StepCount++;
        LastEpoch++;
        Apply(GetLr());
    }

    /// <summary>Deprecated in PyTorch but supported: jump to an epoch (closed form where available).</summary>
    public virtual void Step(long epoch)
    {
        StepCount++;
        LastEpoch = epoch;
        Apply(ClosedFormLr() ?? GetLr());
    }

    protected void Apply(double[] lrs)
    {
        var groups = Optimizer.ParamGroups;
        for (int i = 0; i < groups.Count && i < lrs.Length; i++)
        {
            groups[i]["lr"] = lrs[i];
            if (Verbose) Console.WriteLine($"Adjusting learning rate of group {i} to {lrs[i]:0.0000e+00}.");
        }
        LastLr = new List<double>(groups.Count);
        foreach (var g in groups) LastLr.Add(g.Lr);
    }

    protected double[] CurrentLrs()
    {
        var groups = Optimizer.ParamGroups;
        var r = new double[groups.Count];
        for (int i = 0; i < r.Length; i++) r[i] = groups[i].Lr;
        return r;
    }

    protected double[] Map(Func<double, double> f)
    {
        var r = CurrentLrs();
        for (int i = 0; i < r.Length; i++) r[i] = f(r[i]);
        return r;
    }

    protected double[] MapBase(Func<double, double> f)
    {
        var r = new double[BaseLrs.Count];
        for (int i = 0; i < r.Length; i++) r[i] = f(BaseLrs[i]);
        return r;
    }

    // ---- state dict ----

    /// <summary>The scheduler's own fields (its constructor arguments and counters), written before the base fields.</summary>
    protected virtual void SaveFields(OrderedDict d) { }
    protected virtual void LoadFields(IDictionary d) { }

    /// <summary>PyTorch's layout: the scheduler's fields, then base_lrs, last_epoch, verbose, _step_count, _get_lr_called_within_step, _last_lr.</summary>
    public virtual OrderedDict StateDict()
    {
        var d = new OrderedDict(isOrderedDict: false);
        SaveFields(d);
        d["base_lrs"] = new List<double>(BaseLrs);
        d["last_epoch"] = LastEpoch;
        d["verbose"] = Verbose;
        d["_step_count"] = (long)StepCount;
        d["_get_lr_called_within_step"] = false;
        d["_last_lr"] = new List<double>(LastLr);
        return d;
    }

    public virtual void LoadStateDict(IDictionary d)
    {
        if (d.Contains("base_lrs")) BaseLrs = Doubles(d["base_lrs"]);
        if (d.Contains("last_epoch")) LastEpoch = Convert.ToInt64(d["last_epoch"]);
        if (d.Contains("verbose")) Verbose = Convert.ToBoolean(d["verbose"]);
        if (d.Contains("_step_count")) StepCount = Convert.ToInt32(d["_step_count"]);
        if (d.Contains("_last_lr")) LastLr = Doubles(d["_last_lr"]);
        LoadFields(d);
    }

    internal static List<double> Doubles(object? o)
    {
        var r = new List<double>();
        if (o is IEnumerable e) foreach (var x in e) r.Add(Convert.ToDouble(x));
        return r;
    }

    internal static double D(IDictionary d, string k, double fallback) => d.Contains(k) && d[k] != null ? Convert.ToDouble(d[k]) : fallback;
    internal static long L(IDictionary d, string k, long fallback) => d.Contains(k) && d[k] != null ? Convert.ToInt64(d[k]) : fallback;
}
