using Flint.Serialization;
using System.Collections;

namespace Flint.Optim.LrScheduler;

/// <summary>lr = base_lr · lambda(epoch).</summary>
public sealed class LambdaLR : LRScheduler
{
    private readonly Func<long, double>[] _lambdas;
    public LambdaLR(Optimizer optimizer, Func<long, double> lrLambda, long lastEpoch = -1, bool verbose = false)
        : this(optimizer, Enumerable.Repeat(lrLambda, optimizer.ParamGroups.Count).ToArray(), lastEpoch, verbose) { }
    public LambdaLR(Optimizer optimizer, Func<long, double>[] lrLambdas, long lastEpoch = -1, bool verbose = false)
        : base(optimizer, lastEpoch, verbose, deferInit: true)
    {
        if (lrLambdas.Length != optimizer.ParamGroups.Count)
            throw new ArgumentException($"Expected {optimizer.ParamGroups.Count} lr_lambdas, but got {lrLambdas.Length}");
        _lambdas = lrLambdas;
        InitialStep();
    }
    protected override double[] GetLr() { var r = new double[BaseLrs.Count]; for (int i = 0; i < r.Length; i++) r[i] = BaseLrs[i] * _lambdas[i](LastEpoch); return r; }
    protected override void SaveFields(OrderedDict d) => d["lr_lambdas"] = new List<object?>(new object?[_lambdas.Length]);
}

/// <summary>lr = lr · lambda(epoch) at every step after the first.</summary>
public sealed class MultiplicativeLR : LRScheduler
{
    private readonly Func<long, double>[] _lambdas;
    public MultiplicativeLR(Optimizer optimizer, Func<long, double> lrLambda, long lastEpoch = -1, bool verbose = false)
        : base(optimizer, lastEpoch, verbose, deferInit: true)
    {
        _lambdas = Enumerable.Repeat(lrLambda, optimizer.ParamGroups.Count).ToArray();
        InitialStep();
    }
    protected override double[] GetLr()
    {
        var r = CurrentLrs();
        if (LastEpoch > 0) for (int i = 0; i < r.Length; i++) r[i] *= _lambdas[i](LastEpoch);
        return r;
    }
    protected override void SaveFields(OrderedDict d) => d["lr_lambdas"] = new List<object?>(new object?[_lambdas.Length]);
}

/// <summary>Decays lr by gamma every stepSize epochs.</summary>
public sealed class StepLR : LRScheduler
{
    public long StepSize { get; }
    public double Gamma { get; }
    public StepLR(Optimizer optimizer, long stepSize, double gamma = 0.1, long lastEpoch = -1, bool verbose = false)
        : base(optimizer, lastEpoch, verbose, deferInit: true) { StepSize = stepSize; Gamma = gamma; InitialStep(); }
    protected override double[] GetLr() => LastEpoch == 0 || LastEpoch % StepSize != 0 ? CurrentLrs() : Map(lr => lr * Gamma);
    protected override double[]? ClosedFormLr() => MapBase(b => b * Math.Pow(Gamma, Math.Floor((double)LastEpoch / StepSize)));
    protected override void SaveFields(OrderedDict d) { d["step_size"] = StepSize; d["gamma"] = Gamma; }
}

/// <summary>Decays lr by gamma at each milestone (a milestone listed twice decays twice).</summary>
public sealed class MultiStepLR : LRScheduler
{
    private readonly long[] _milestones;
    public double Gamma { get; }
    public MultiStepLR(Optimizer optimizer, IEnumerable<long> milestones, double gamma = 0.1, long lastEpoch = -1, bool verbose = false)
        : base(optimizer, lastEpoch, verbose, deferInit: true)
    {
        _milestones = milestones.OrderBy(x => x).ToArray();
        Gamma = gamma;
        InitialStep();
    }
    protected override double[] GetLr()
    {
        int count = 0;
        foreach (var m in _milestones) if (m == LastEpoch) count++;
        return count == 0 ? CurrentLrs() : Map(lr => lr * Math.Pow(Gamma, count));
    }
    protected override double[]? ClosedFormLr()
    {
        int passed = 0;
        foreach (var m in _milestones) if (m <= LastEpoch) passed++;
        return MapBase(b => b * Math.Pow(Gamma, passed));
    }
    protected override void SaveFields(OrderedDict d)
    {
        var counter = new Dictionary<long, long>();
        foreach (var m in _milestones) counter[m] = counter.TryGetValue(m, out var c) ? c + 1 : 1;
        d["milestones"] = counter; d["gamma"] = Gamma;
    }
}

/// <summary>Multiplies lr by factor until totalIters, then restores it.</summary>
public sealed class ConstantLR : LRScheduler
{
    public double Factor { get; }
    public long TotalIters { get; }
    public ConstantLR(Optimizer optimizer, double factor = 1.0 / 3, long totalIters = 5, long lastEpoch = -1, bool verbose = false)
        : base(optimizer, lastEpoch, verbose, deferInit: true)
    {
        if (factor > 1.0 || factor < 0) throw new ArgumentException("Constant multiplicative factor expected to be between 0 and 1.");
        Factor = factor; TotalIters = totalIters;
        InitialStep();
    }
    protected override double[] GetLr()
    {
        if (LastEpoch == 0) return Map(lr => lr * Factor);
        if (LastEpoch != TotalIters) return CurrentLrs();
        return Map(lr => lr * (1.0 / Factor));
    }
    protected override double[]? ClosedFormLr() => MapBase(b => b * (Factor + (LastEpoch >= TotalIters ? 1 : 0) * (1 - Factor)));
    protected override void SaveFields(OrderedDict d) { d["factor"] = Factor; d["total_iters"] = TotalIters; }
}

/// <summary>Scales lr linearly from startFactor to endFactor over totalIters steps.</summary>
public sealed class LinearLR : LRScheduler
{
    public double StartFactor { get; }
    public double EndFactor { get; }
    public long TotalIters { get; }
    public LinearLR(Optimizer optimizer, double startFactor = 1.0 / 3, double endFactor = 1.0, long totalIters = 5, long lastEpoch = -1, bool verbose = false)
        : base(optimizer, lastEpoch, verbose, deferInit: true)
    {
        if (startFactor > 1.0 || startFactor < 0) throw new ArgumentException("Starting multiplicative factor expected to be between 0 and 1.");
        if (endFactor > 1.0 || endFactor < 0) throw new ArgumentException("Ending multiplicative factor expected to be between 0 and 1.");
        StartFactor = startFactor; EndFactor = endFactor; TotalIters = totalIters;
        InitialStep();
    }
    protected override double[] GetLr()
    {
        if (LastEpoch == 0) return Map(lr => lr * StartFactor);
        if (LastEpoch > TotalIters) return CurrentLrs();
        return Map(lr => lr * (1.0 + (EndFactor - StartFactor) / (TotalIters * StartFactor + (LastEpoch - 1) * (EndFactor - StartFactor))));
    }
    protected override double[]? ClosedFormLr()
        => MapBase(b => b * (StartFactor + (EndFactor - StartFactor) * Math.Min(TotalIters, LastEpoch) / TotalIters));
    protected override void SaveFields(OrderedDict d) { d["start_factor"] = StartFactor; d["end_factor"] = EndFactor; d["total_iters"] = TotalIters; }
}

/// <summary>lr = lr · gamma every epoch.</summary>
public sealed class ExponentialLR : LRScheduler
{
    public double Gamma { get; }
    public ExponentialLR(Optimizer optimizer, double gamma, long lastEpoch = -1, bool verbose = false)
        : base(optimizer, lastEpoch, verbose, deferInit: true) { Gamma = gamma; InitialStep(); }
    protected override double[] GetLr() => LastEpoch == 0 ? CurrentLrs() : Map(lr => lr * Gamma);
    protected override double[]? ClosedFormLr() => MapBase(b => b * Math.Pow(Gamma, LastEpoch));
    protected override void SaveFields(OrderedDict d) => d["gamma"] = Gamma;
}

/// <summary>Polynomial decay of lr to 0 over totalIters.</summary>
public sealed class PolynomialLR : LRScheduler
{
    public long TotalIters { get; }
    public double Power { get; }
    public PolynomialLR(Optimizer optimizer, long totalIters = 5, double power = 1.0, long lastEpoch = -1, bool verbose = false)
        : base(optimizer, lastEpoch, verbose, deferInit: true) { TotalIters = totalIters; Power = power; InitialStep(); }
    protected override double[] GetLr()
    {
        if (LastEpoch == 0 || LastEpoch > TotalIters) return CurrentLrs();
        double f = Math.Pow((1.0 - (double)LastEpoch / TotalIters) / (1.0 - (double)(LastEpoch - 1) / TotalIters), Power);
        return Map(lr => lr * f);
    }
    protected override double[]? ClosedFormLr() => MapBase(b => b * Math.Pow(1.0 - (double)Math.Min(TotalIters, LastEpoch) / TotalIters, Power));
    protected override void SaveFields(OrderedDict d) { d["total_iters"] = TotalIters; d["power"] = Power; }
}

/// <summary>Cosine annealing from the base lr to etaMin over tMax epochs (SGDR without restarts).</summary>
public sealed class CosineAnnealingLR : LRScheduler
{
    public double TMax { get; }
    public double EtaMin { get; }
    public CosineAnnealingLR(Optimizer optimizer, double tMax, double etaMin = 0, long lastEpoch = -1, bool verbose = false)
        : base(optimizer, lastEpoch, verbose, deferInit: true) { TMax = tMax; EtaMin = etaMin; InitialStep(); }
    protected override double[] GetLr()
    {
        if (LastEpoch == 0) return CurrentLrs();
        var cur = CurrentLrs();
        var r = new double[cur.Length];
        for (int i = 0; i < r.Length; i++)
        {
            double b = BaseLrs[i];
            if (StepCount == 1 && LastEpoch > 0)
                r[i] = EtaMin + (b - EtaMin) * (1 + Math.Cos(LastEpoch * Math.PI / TMax)) / 2;
            else if (PyMod(LastEpoch - 1 - TMax, 2 * TMax) == 0)
                r[i] = cur[i] + (b - EtaMin) * (1 - Math.Cos(Math.PI / TMax)) / 2;
            else
                r[i] = (1 + Math.Cos(Math.PI * LastEpoch / TMax)) / (1 + Math.Cos(Math.PI * (LastEpoch - 1) / TMax)) * (cur[i] - EtaMin) + EtaMin;
        }
        return r;
    }
    protected override double[]? ClosedFormLr() => MapBase(b => EtaMin + (b - EtaMin) * (1 + Math.Cos(Math.PI * LastEpoch / TMax)) / 2);
    protected override void SaveFields(OrderedDict d) { d["T_max"] = TMax; d["eta_min"] = EtaMin; }
    internal static double PyMod(double a, double b) { double r = a % b; return r != 0 && (r < 0) != (b < 0) ? r + b : r; }
}

/// <summary>Cosine annealing with warm restarts every T_i epochs, T_i growing by tMult (SGDR).</summary>
public sealed class CosineAnnealingWarmRestarts : LRScheduler
{
    public long T0 { get; }
    public long TMult { get; }
    public double EtaMin { get; }
    public double TI { get; private set; }
    public double TCur { get; private set; }

    public CosineAnnealingWarmRestarts(Optimizer optimizer, long t0, long tMult = 1, double etaMin = 0, long lastEpoch = -1, bool verbose = false)
        : base(optimizer, lastEpoch, verbose, deferInit: true)
    {
        if (t0 <= 0) throw new ArgumentException($"Expected positive integer T_0, but got {t0}");
        if (tMult < 1) throw new ArgumentException($"Expected integer T_mult >= 1, but got {tMult}");
        T0 = t0; TI = t0; TMult = tMult; EtaMin = etaMin; TCur = lastEpoch;
        InitialStep();
    }

    protected override double[] GetLr() => MapBase(b => EtaMin + (b - EtaMin) * (1 + Math.Cos(Math.PI * TCur / TI)) / 2);

    public override void Step()
    {
        if (LastEpoch < 0) { Step(0); return; }
        TCur += 1;
        if (TCur >= TI) { TCur -= TI; TI *= TMult; }
        LastEpoch++;
        Apply(GetLr());
    }

    public override void Step(long epoch) => StepTo(epoch);

    /// <summary>Jumps to a (possibly fractional) epoch, as PyTorch's step(epoch) allows within a cycle.</summary>
    public void StepTo(double epoch)
    {
        if (epoch < 0) throw new ArgumentException($"Expected non-negative epoch, but got {epoch}");
        if (epoch >= T0)
        {
            if (TMult == 1) TCur = epoch % T0;
            else
            {
                int n = (int)(Math.Log(epoch / T0 * (TMult - 1) + 1) / Math.Log(TMult));
                TCur = epoch - T0 * (Math.Pow(TMult, n) - 1) / (TMult - 1);
                TI = T0 * Math.Pow(TMult, n);
            }
        }
        else { TI = T0; TCur = epoch; }
        LastEpoch = (long)Math.Floor(epoch);
        Apply(GetLr());
    }

    protected override void SaveFields(OrderedDict d) { d["T_0"] = T0; d["T_i"] = TI; d["T_mult"] = TMult; d["eta_min"] = EtaMin; d["T_cur"] = TCur; }
    protected override void LoadFields(IDictionary d) { TI = D(d, "T_i", TI); TCur = D(d, "T_cur", TCur); }
}
