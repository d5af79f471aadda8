namespace Flint.Optim;

/// <summary>torch.optim.Adadelta (rho, eps, weight decay, maximize).</summary>
public sealed class Adadelta : Optimizer
{
    public Adadelta(IEnumerable<Tensor> parameters, double lr = 1.0, double rho = 0.9, double eps = 1e-6, double weightDecay = 0,
        bool? @foreach = null, bool maximize = false)
        : this([new ParamGroup(parameters)], lr, rho, eps, weightDecay, @foreach, maximize) { }

    public Adadelta(IEnumerable<ParamGroup> groups, double lr = 1.0, double rho = 0.9, double eps = 1e-6, double weightDecay = 0,
        bool? @foreach = null, bool maximize = false)
        : base(groups, MakeDefaults(lr, rho, eps, weightDecay, @foreach, maximize)) { }

    private static ParamGroup MakeDefaults(double lr, double rho, double eps, double wd, bool? @foreach, bool maximize)
    {
        if (lr < 0) throw new ArgumentException($"Invalid learning rate: {PyFormat.Float(lr)}");
        if (rho < 0 || rho > 1) throw new ArgumentException($"Invalid rho value: {PyFormat.Float(rho)}");
        if (eps < 0) throw new ArgumentException($"Invalid epsilon value: {PyFormat.Float(eps)}");
        if (wd < 0) throw new ArgumentException($"Invalid weight_decay value: {PyFormat.Float(wd)}");
        return new ParamGroup([]) { ["lr"] = lr, ["rho"] = rho, ["eps"] = eps, ["weight_decay"] = Num(wd, true), ["maximize"] = maximize, ["foreach"] = @foreach };
    }

    protected override void StepGroup(ParamGroup group)
    {
        double lr = group.Lr, rho = group.GetDouble("rho"), eps = group.GetDouble("eps"), wd = group.GetDouble("weight_decay");
        bool maximize = group.GetBool("maximize");
        foreach (var p in group.Params)
        {
            var grad = p.Grad;
            if (grad is null) continue;
            var state = StateFor(p);
            if (state.Count == 0)
            {
                state["step"] = 0L;
                state["square_avg"] = ZerosLike(p);
                state["acc_delta"] = ZerosLike(p);
            }
            IncrementStep(state);
            var w = BeginUpdate(p, grad, out var g);
            if (p.DType == DType.Float32)
                OptimKernels.Adadelta(Data<float>(w), Data<float>(g), Data<float>(state, "square_avg"), Data<float>(state, "acc_delta"), lr, rho, eps, wd, maximize);
            else
                OptimKernels.Adadelta(Data<double>(w), Data<double>(g), Data<double>(state, "square_avg"), Data<double>(state, "acc_delta"), lr, rho, eps, wd, maximize);
            EndUpdate(p, w);
        }
    }
}
