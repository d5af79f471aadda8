namespace Flint.Optim;

/// <summary>torch.optim.NAdam: Adam with Nesterov momentum and momentum decay (Dozat 2016).</summary>
public sealed class NAdam : Optimizer
{
    public NAdam(IEnumerable<Tensor> parameters, double lr = 2e-3, (double, double)? betas = null, double eps = 1e-8,
        double weightDecay = 0, double momentumDecay = 4e-3, bool? @foreach = null)
        : this([new ParamGroup(parameters)], lr, betas, eps, weightDecay, momentumDecay, @foreach) { }

    public NAdam(IEnumerable<ParamGroup> groups, double lr = 2e-3, (double, double)? betas = null, double eps = 1e-8,
        double weightDecay = 0, double momentumDecay = 4e-3, bool? @foreach = null)
        : base(groups, MakeDefaults(lr, betas ?? (0.9, 0.999), eps, weightDecay, momentumDecay, @foreach)) { }

    private static ParamGroup MakeDefaults(double lr, (double, double) betas, double eps, double wd, double momentumDecay, bool? @foreach)
    {
        Adam.CheckHyper(lr, betas, eps, wd);
        if (momentumDecay < 0) throw new ArgumentException($"Invalid momentum_decay value: {PyFormat.Float(momentumDecay)}");
        return new ParamGroup([]) { ["lr"] = lr, ["betas"] = betas, ["eps"] = eps, ["weight_decay"] = Num(wd, true), ["momentum_decay"] = momentumDecay, ["foreach"] = @foreach };
    }

    protected override void StepGroup(ParamGroup group)
    {
        var (beta1, beta2) = group.GetPair("betas");
        double lr = group.Lr, eps = group.GetDouble("eps"), wd = group.GetDouble("weight_decay"), md = group.GetDouble("momentum_decay");
        foreach (var p in group.Params)
        {
            var grad = p.Grad;
            if (grad is null) continue;
            var state = StateFor(p);
            if (state.Count == 0)
            {
                state["step"] = NewStepTensor();
                state["mu_product"] = Torch.ScalarTensor(1.0, DType.Float32);
                state["exp_avg"] = ZerosLike(p);
                state["exp_avg_sq"] = ZerosLike(p);
            }
            double step = IncrementStep(state);
            double bc2 = 1 - Math.Pow(beta2, step);
            double mu = beta1 * (1.0 - 0.5 * Math.Pow(0.96, step * md));
            double muNext = beta1 * (1.0 - 0.5 * Math.Pow(0.96, (step + 1) * md));
            // mu_product is a float32 tensor in PyTorch: round it as it does.
            var muProdT = StateTensor(state, "mu_product");
            // (tensor * python float computes in float32 with the scalar cast to float)
            float muProduct = (float)muProdT.Item() * (float)mu;
            muProdT.FillRaw(muProduct);
            float muProductNext = muProduct * (float)mu * (float)muNext;
            double coefGrad = -lr * (1.0 - mu) / (1.0 - muProduct);
            double coefAvg = -lr * muNext / (1.0 - muProductNext);
            var w = BeginUpdate(p, grad, out var g);
            if (p.DType == DType.Float32)
                OptimKernels.NAdam(Data<float>(w), Data<float>(g), Data<float>(state, "exp_avg"), Data<float>(state, "exp_avg_sq"), beta1, beta2, eps, wd, bc2, coefGrad, coefAvg);
            else
                OptimKernels.NAdam(Data<double>(w), Data<double>(g), Data<double>(state, "exp_avg"), Data<double>(state, "exp_avg_sq"), beta1, beta2, eps, wd, bc2, coefGrad, coefAvg);
            EndUpdate(p, w);
        }
    }
}
