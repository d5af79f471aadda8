namespace Flint.Optim;

/// <summary>torch.optim.Adam (amsgrad, maximize, L2 weight decay added to the gradient).</summary>
public class Adam : Optimizer
{
    private readonly bool _decoupled;

    public Adam(IEnumerable<Tensor> parameters, double lr = 1e-3, (double, double)? betas = null, double eps = 1e-8,
        double weightDecay = 0, bool amsgrad = false, bool? @foreach = null, bool maximize = false, bool capturable = false,
        bool differentiable = false, bool fused = false)
        : this([new ParamGroup(parameters)], lr, betas, eps, weightDecay, amsgrad, @foreach, maximize, capturable, differentiable, fused) { }

    public Adam(IEnumerable<ParamGroup> groups, double lr = 1e-3, (double, double)? betas = null, double eps = 1e-8,
        double weightDecay = 0, bool amsgrad = false, bool? @foreach = null, bool maximize = false, bool capturable = false,
        bool differentiable = false, bool fused = false)
        : base(groups, AdamDefaults(lr, betas ?? (0.9, 0.999), eps, weightDecay, amsgrad, maximize, @foreach, capturable, differentiable, fused, adamW: false)) { }

    private protected Adam(IEnumerable<ParamGroup> groups, ParamGroup defaults, bool decoupled) : base(groups, defaults) => _decoupled = decoupled;

    private protected static ParamGroup AdamDefaults(double lr, (double, double) betas, double eps, double weightDecay, bool amsgrad,
        bool maximize, bool? @foreach, bool capturable, bool differentiable, bool fused, bool adamW)
    {
        CheckHyper(lr, betas, eps, weightDecay);
        var d = new ParamGroup([]) { ["lr"] = lr, ["betas"] = betas, ["eps"] = eps, ["weight_decay"] = Num(weightDecay, !adamW), ["amsgrad"] = amsgrad };
        if (adamW) { d["foreach"] = @foreach; d["maximize"] = maximize; d["capturable"] = capturable; }
        else
        {
            d["maximize"] = maximize; d["foreach"] = @foreach; d["capturable"] = capturable;
            d["differentiable"] = differentiable; d["fused"] = fused;
        }
        return d;
    }

    internal static void CheckHyper(double lr, (double, double) betas, double eps, double weightDecay)
    {
        if (lr < 0) throw new ArgumentException($"Invalid learning rate: {PyFormat.Float(lr)}");
        if (eps < 0) throw new ArgumentException($"Invalid epsilon value: {PyFormat.Float(eps)}");
        if (betas.Item1 < 0 || betas.Item1 >= 1) throw new ArgumentException($"Invalid beta parameter at index 0: {PyFormat.Float(betas.Item1)}");
        if (betas.Item2 < 0 || betas.Item2 >= 1) throw new ArgumentException($"Invalid beta parameter at index 1: {PyFormat.Float(betas.Item2)}");
        if (weightDecay < 0) throw new ArgumentException($"Invalid weight_decay value: {PyFormat.Float(weightDecay)}");
    }

    protected override void StepGroup(ParamGroup group)
    {
        var (beta1, beta2) = group.GetPair("betas");
        double lr = group.Lr, eps = group.GetDouble("eps"), wd = group.GetDouble("weight_decay");
        bool amsgrad = group.GetBool("amsgrad"), maximize = group.GetBool("maximize");
        var ps = group.Params;
        for (int k = 0; k < ps.Count; k++)
        {
            var p = ps[k];
            var grad = p.Grad;
            if (grad is null) continue;
            var state = StateFor(p);
            if (state.Count == 0)
            {
                state["step"] = NewStepTensor();
                state["exp_avg"] = ZerosLike(p);
                state["exp_avg_sq"] = ZerosLike(p);
                if (amsgrad) state["max_exp_avg_sq"] = ZerosLike(p);
            }
            double step = IncrementStep(state);
            double bc1 = 1 - Math.Pow(beta1, step), bc2 = 1 - Math.Pow(beta2, step);
            double stepSize = lr / bc1, bc2Sqrt = Math.Sqrt(bc2);
            var w = BeginUpdate(p, grad, out var g);
            if (p.DType == DType.Float32)
                OptimKernels.Adam(Data<float>(w), Data<float>(g), Data<float>(state, "exp_avg"), Data<float>(state, "exp_avg_sq"),
                    amsgrad ? Data<float>(state, "max_exp_avg_sq") : default, beta1, beta2, eps, wd, _decoupled, lr, stepSize, bc2Sqrt, amsgrad, maximize);
            else
                OptimKernels.Adam(Data<double>(w), Data<double>(g), Data<double>(state, "exp_avg"), Data<double>(state, "exp_avg_sq"),
                    amsgrad ? Data<double>(state, "max_exp_avg_sq") : default, beta1, beta2, eps, wd, _decoupled, lr, stepSize, bc2Sqrt, amsgrad, maximize);
            EndUpdate(p, w);
        }
    }
}

/// <summary>torch.optim.AdamW: Adam with decoupled weight decay (p ← p·(1 − lr·wd) before the Adam step).</summary>
public sealed class AdamW : Adam
{
    public AdamW(IEnumerable<Tensor> parameters, double lr = 1e-3, (double, double)? betas = null, double eps = 1e-8,
        double weightDecay = 1e-2, bool amsgrad = false, bool maximize = false, bool? @foreach = null, bool capturable = false)
        : this([new ParamGroup(parameters)], lr, betas, eps, weightDecay, amsgrad, maximize, @foreach, capturable) { }

    public AdamW(IEnumerable<ParamGroup> groups, double lr = 1e-3, (double, double)? betas = null, double eps = 1e-8,
        double weightDecay = 1e-2, bool amsgrad = false, bool maximize = false, bool? @foreach = null, bool capturable = false)
        : base(groups, AdamDefaults(lr, betas ?? (0.9, 0.999), eps, weightDecay, amsgrad, maximize, @foreach, capturable, false, false, adamW: true), decoupled: true) { }
}
