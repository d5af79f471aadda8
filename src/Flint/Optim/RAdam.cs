namespace Flint.Optim;

/// <summary>torch.optim.RAdam: Adam with a rectified adaptive learning rate (Liu et al. 2019).</summary>
public sealed class RAdam : Optimizer
{
    public RAdam(IEnumerable<Tensor> parameters, double lr = 1e-3, (double, double)? betas = null, double eps = 1e-8,
        double weightDecay = 0, bool? @foreach = null)
        : this([new ParamGroup(parameters)], lr, betas, eps, weightDecay, @foreach) { }

    public RAdam(IEnumerable<ParamGroup> groups, double lr = 1e-3, (double, double)? betas = null, double eps = 1e-8,
        double weightDecay = 0, bool? @foreach = null)
        : base(groups, MakeDefaults(lr, betas ?? (0.9, 0.999), eps, weightDecay, @foreach)) { }

    private static ParamGroup MakeDefaults(double lr, (double, double) betas, double eps, double wd, bool? @foreach)
    {
        Adam.CheckHyper(lr, betas, eps, wd);
        return new ParamGroup([]) { ["lr"] = lr, ["betas"] = betas, ["eps"] = eps, ["weight_decay"] = Num(wd, true), ["foreach"] = @foreach };
    }

    protected override void StepGroup(ParamGroup group)
    {
        var (beta1, beta2) = group.GetPair("betas");
        double lr = group.Lr, eps = group.GetDouble("eps"), wd = group.GetDouble("weight_decay");
        foreach (var p in group.Params)
        {
            var grad = p.Grad;
            if (grad is null) continue;
            var state = StateFor(p);
            if (state.Count == 0)
            {
                state["step"] = NewStepTensor();
                state["exp_avg"] = ZerosLike(p);
                state["exp_avg_sq"] = ZerosLike(p);
            }
            double step = IncrementStep(state);
            double bc1 = 1 - Math.Pow(beta1, step), bc2 = 1 - Math.Pow(beta2, step);
            double rhoInf = 2 / (1 - beta2) - 1;
            double rhoT = rhoInf - 2 * step * Math.Pow(beta2, step) / bc2;
            double rect = rhoT > 5.0 ? Math.Sqrt((rhoT - 4) * (rhoT - 2) * rhoInf / ((rhoInf - 4) * (rhoInf - 2) * rhoT)) : 0;
            var w = BeginUpdate(p, grad, out var g);
            if (p.DType == DType.Float32)
                OptimKernels.RAdam(Data<float>(w), Data<float>(g), Data<float>(state, "exp_avg"), Data<float>(state, "exp_avg_sq"), beta1, beta2, eps, wd, lr, bc1, bc2, rect);
            else
                OptimKernels.RAdam(Data<double>(w), Data<double>(g), Data<double>(state, "exp_avg"), Data<double>(state, "exp_avg_sq"), beta1, beta2, eps, wd, lr, bc1, bc2, rect);
            EndUpdate(p, w);
        }
    }
}
