namespace Flint.Optim;

/// <summary>torch.optim.SGD: stochastic gradient descent with momentum, dampening, Nesterov, weight decay, maximize.</summary>
public sealed class SGD : Optimizer
{
    public SGD(IEnumerable<Tensor> parameters, double lr, double momentum = 0, double dampening = 0, double weightDecay = 0,
        bool nesterov = false, bool maximize = false, bool? @foreach = null, bool differentiable = false)
        : this([new ParamGroup(parameters)], lr, momentum, dampening, weightDecay, nesterov, maximize, @foreach, differentiable) { }

    public SGD(IEnumerable<ParamGroup> groups, double lr, double momentum = 0, double dampening = 0, double weightDecay = 0,
        bool nesterov = false, bool maximize = false, bool? @foreach = null, bool differentiable = false)
        : base(groups, MakeDefaults(lr, momentum, dampening, weightDecay, nesterov, maximize, @foreach, differentiable)) { }

    private static ParamGroup MakeDefaults(double lr, double momentum, double dampening, double weightDecay, bool nesterov,
        bool maximize, bool? @foreach, bool differentiable)
    {
        if (lr < 0) throw new ArgumentException($"Invalid learning rate: {PyFormat.Float(lr)}");
        if (momentum < 0) throw new ArgumentException($"Invalid momentum value: {PyFormat.Float(momentum)}");
        if (weightDecay < 0) throw new ArgumentException($"Invalid weight_decay value: {PyFormat.Float(weightDecay)}");
        if (nesterov && (momentum <= 0 || dampening != 0)) throw new ArgumentException("Nesterov momentum requires a momentum and zero dampening");
        return new ParamGroup([])
        {
            ["lr"] = lr, ["momentum"] = Num(momentum, true), ["dampening"] = Num(dampening, true),
            ["weight_decay"] = Num(weightDecay, true), ["nesterov"] = nesterov, ["maximize"] = maximize,
            ["foreach"] = @foreach, ["differentiable"] = differentiable,
        };
    }

    protected override void StepGroup(ParamGroup group)
    {
        double lr = group.Lr, momentum = group.GetDouble("momentum"), dampening = group.GetDouble("dampening");
        double wd = group.GetDouble("weight_decay");
        bool nesterov = group.GetBool("nesterov"), maximize = group.GetBool("maximize");
        foreach (var p in group.Params)
        {
            var grad = p.Grad;
            if (grad is null) continue;
            var state = StateFor(p);
            Tensor? buf = null;
            bool first = false;
            if (momentum != 0)
            {
                buf = state.TryGetValue("momentum_buffer", out var b) ? b as Tensor : null;
                if (buf is null) { buf = ZerosLike(p); first = true; }
            }
            state["momentum_buffer"] = buf; // PyTorch stores None when momentum is 0
            var w = BeginUpdate(p, grad, out var g);
            if (p.DType == DType.Float32)
                OptimKernels.Sgd(Data<float>(w), Data<float>(g), buf is null ? default : Data<float>(buf), lr, wd, momentum, dampening, nesterov, maximize, first);
            else
                OptimKernels.Sgd(Data<double>(w), Data<double>(g), buf is null ? default : Data<double>(buf), lr, wd, momentum, dampening, nesterov, maximize, first);
            EndUpdate(p, w);
        }
    }
}
