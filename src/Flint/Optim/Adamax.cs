namespace Flint.Optim;

/// <summary>torch.optim.Adamax: Adam with the infinity norm.</summary>
public sealed class Adamax : Optimizer
{
    public Adamax(IEnumerable<Tensor> parameters, double lr = 2e-3, (double, double)? betas = null, double eps = 1e-8,
        double weightDecay = 0, bool? @foreach = null, bool maximize = false)
        : this([new ParamGroup(parameters)], lr, betas, eps, weightDecay, @foreach, maximize) { }

    public Adamax(IEnumerable<ParamGroup> groups, double lr = 2e-3, (double, double)? betas = null, double eps = 1e-8,
        double weightDecay = 0, bool? @foreach = null, bool maximize = false)
        : base(groups, MakeDefaults(lr, betas ?? (0.9, 0.999), eps, weightDecay, @foreach, maximize)) { }

    private static ParamGroup MakeDefaults(double lr, (double, double) betas, double eps, double wd, bool? @foreach, bool maximize)
    {
        Adam.CheckHyper(lr, betas, eps, wd);
        return new ParamGroup([]) { ["lr"] = lr, ["betas"] = betas, ["eps"] = eps, ["weight_decay"] = Num(wd, true), ["foreach"] = @foreach, ["maximize"] = maximize };
    }

    protected override void StepGroup(ParamGroup group)
    {
        var (beta1, beta2) = group.GetPair("betas");
        double lr = group.Lr, eps = group.GetDouble("eps"), wd = group.GetDouble("weight_decay");
        bool maximize = group.GetBool("maximize");
        foreach (var p in group.Params)
        {
            var grad = p.Grad;
            if (grad is null) continue;
            var state = StateFor(p);
            if (state.Count == 0)
            {
                state["step"] = NewStepTensor();
                state["exp_avg"] = ZerosLike(p);
                state["exp_inf"] = ZerosLike(p);
            }
            double step = IncrementStep(state);
            double clr = lr / (1 - Math.Pow(beta1, step));
            var w = BeginUpdate(p, grad, out var g);
            if (p.DType == DType.Float32)
                OptimKernels.Adamax(Data<float>(w), Data<float>(g), Data<float>(state, "exp_avg"), Data<float>(state, "exp_inf"), beta1, beta2, eps, wd, clr, maximize);
            else
                OptimKernels.Adamax(Data<double>(w), Data<double>(g), Data<double>(state, "exp_avg"), Data<double>(state, "exp_inf"), beta1, beta2, eps, wd, clr, maximize);
            EndUpdate(p, w);
        }
    }
}
