namespace Flint.Optim;

/// <summary>torch.optim.RMSprop (alpha, centered, momentum, weight decay, maximize).</summary>
public sealed class RMSprop : Optimizer
{
    public RMSprop(IEnumerable<Tensor> parameters, double lr = 1e-2, double alpha = 0.99, double eps = 1e-8, double weightDecay = 0,
        double momentum = 0, bool centered = false, bool? @foreach = null, bool maximize = false, bool differentiable = false)
        : this([new ParamGroup(parameters)], lr, alpha, eps, weightDecay, momentum, centered, @foreach, maximize, differentiable) { }

    public RMSprop(IEnumerable<ParamGroup> groups, double lr = 1e-2, double alpha = 0.99, double eps = 1e-8, double weightDecay = 0,
        double momentum = 0, bool centered = false, bool? @foreach = null, bool maximize = false, bool differentiable = false)
        : base(groups, MakeDefaults(lr, alpha, eps, weightDecay, momentum, centered, @foreach, maximize, differentiable)) { }

    private static ParamGroup MakeDefaults(double lr, double alpha, double eps, double wd, double momentum, bool centered,
        bool? @foreach, bool maximize, bool differentiable)
    {
        if (lr < 0) throw new ArgumentException($"Invalid learning rate: {PyFormat.Float(lr)}");
        if (eps < 0) throw new ArgumentException($"Invalid epsilon value: {PyFormat.Float(eps)}");
        if (momentum < 0) throw new ArgumentException($"Invalid momentum value: {PyFormat.Float(momentum)}");
        if (wd < 0) throw new ArgumentException($"Invalid weight_decay value: {PyFormat.Float(wd)}");
        if (alpha < 0) throw new ArgumentException($"Invalid alpha value: {PyFormat.Float(alpha)}");
        return new ParamGroup([])
        {
            ["lr"] = lr, ["momentum"] = Num(momentum, true), ["alpha"] = alpha, ["eps"] = eps, ["centered"] = centered,
            ["weight_decay"] = Num(wd, true), ["foreach"] = @foreach, ["maximize"] = maximize, ["differentiable"] = differentiable,
        };
    }

    protected override void StepGroup(ParamGroup group)
    {
        double lr = group.Lr, alpha = group.GetDouble("alpha"), eps = group.GetDouble("eps"), wd = group.GetDouble("weight_decay");
        double momentum = group.GetDouble("momentum");
        bool centered = group.GetBool("centered"), maximize = group.GetBool("maximize");
        foreach (var p in group.Params)
        {
            var grad = p.Grad;
            if (grad is null) continue;
            var state = StateFor(p);
            if (state.Count == 0)
            {
                state["step"] = 0L;
                state["square_avg"] = ZerosLike(p);
                if (momentum > 0) state["momentum_buffer"] = ZerosLike(p);
                if (centered) state["grad_avg"] = ZerosLike(p);
            }
            IncrementStep(state);
            var w = BeginUpdate(p, grad, out var g);
            if (p.DType == DType.Float32)
                OptimKernels.RmsProp(Data<float>(w), Data<float>(g), Data<float>(state, "square_avg"), centered ? Data<float>(state, "grad_avg") : default,
                    momentum > 0 ? Data<float>(state, "momentum_buffer") : default, lr, alpha, eps, wd, momentum, centered, maximize);
            else
                OptimKernels.RmsProp(Data<double>(w), Data<double>(g), Data<double>(state, "square_avg"), centered ? Data<double>(state, "grad_avg") : default,
                    momentum > 0 ? Data<double>(state, "momentum_buffer") : default, lr, alpha, eps, wd, momentum, centered, maximize);
            EndUpdate(p, w);
        }
    }
}
