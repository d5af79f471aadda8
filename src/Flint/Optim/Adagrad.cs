namespace Flint.Optim;

/// <summary>torch.optim.Adagrad (lr_decay, initial_accumulator_value). Its state exists from construction, as in PyTorch.</summary>
public sealed class Adagrad : Optimizer
{
    public Adagrad(IEnumerable<Tensor> parameters, double lr = 1e-2, double lrDecay = 0, double weightDecay = 0,
        double initialAccumulatorValue = 0, double eps = 1e-10, bool? @foreach = null, bool maximize = false)
        : this([new ParamGroup(parameters)], lr, lrDecay, weightDecay, initialAccumulatorValue, eps, @foreach, maximize) { }

    public Adagrad(IEnumerable<ParamGroup> groups, double lr = 1e-2, double lrDecay = 0, double weightDecay = 0,
        double initialAccumulatorValue = 0, double eps = 1e-10, bool? @foreach = null, bool maximize = false)
        : base(groups, MakeDefaults(lr, lrDecay, weightDecay, initialAccumulatorValue, eps, @foreach, maximize))
    {
        foreach (var g in ParamGroups)
            foreach (var p in g.Params)
            {
                var state = StateFor(p);
                state["step"] = NewStepTensor();
                var sum = Tensor.Empty(p._sizes, p.DType);
                sum.FillRaw(g.GetDouble("initial_accumulator_value"));
                state["sum"] = sum;
            }
    }

    private static ParamGroup MakeDefaults(double lr, double lrDecay, double wd, double init, double eps, bool? @foreach, bool maximize)
    {
        if (lr < 0) throw new ArgumentException($"Invalid learning rate: {PyFormat.Float(lr)}");
        if (lrDecay < 0) throw new ArgumentException($"Invalid lr_decay value: {PyFormat.Float(lrDecay)}");
        if (wd < 0) throw new ArgumentException($"Invalid weight_decay value: {PyFormat.Float(wd)}");
        if (init < 0) throw new ArgumentException($"Invalid initial_accumulator_value value: {PyFormat.Float(init)}");
        if (eps < 0) throw new ArgumentException($"Invalid epsilon value: {PyFormat.Float(eps)}");
        return new ParamGroup([])
        {
            ["lr"] = lr, ["lr_decay"] = Num(lrDecay, true), ["eps"] = eps, ["weight_decay"] = Num(wd, true),
            ["initial_accumulator_value"] = Num(init, true), ["foreach"] = @foreach, ["maximize"] = maximize,
        };
    }

    protected override void StepGroup(ParamGroup group)
    {
        double lr = group.Lr, lrDecay = group.GetDouble("lr_decay"), eps = group.GetDouble("eps"), wd = group.GetDouble("weight_decay");
        bool maximize = group.GetBool("maximize");
        foreach (var p in group.Params)
        {
            var grad = p.Grad;
            if (grad is null) continue;
            var state = StateFor(p);
            double step = IncrementStep(state);
            double clr = lr / (1 + (step - 1) * lrDecay);
            var w = BeginUpdate(p, grad, out var g);
            if (p.DType == DType.Float32)
                OptimKernels.Adagrad(Data<float>(w), Data<float>(g), Data<float>(state, "sum"), clr, eps, wd, maximize);
            else
                OptimKernels.Adagrad(Data<double>(w), Data<double>(g), Data<double>(state, "sum"), clr, eps, wd, maximize);
            EndUpdate(p, w);
        }
    }
}
