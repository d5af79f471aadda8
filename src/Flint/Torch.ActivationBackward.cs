using Flint.Ops;

namespace Flint;

// aten's activation derivative ops (torch.ops.aten.gelu_backward …): what autograd runs for the activations' gradients.
public static partial class Torch
{
    public static Tensor GeluBackward(Tensor grad, Tensor self, string approximate = "none") => approximate switch
    {
        "none" => Dispatcher.Call1(ActivationBackwardOps.Gelu, [grad, self]),
        "tanh" => Dispatcher.Call1(ActivationBackwardOps.GeluTanh, [grad, self]),
        _ => throw new ArgumentException("approximate argument must be either none or tanh."),
    };

    public static Tensor SigmoidBackward(Tensor grad, Tensor output) => Dispatcher.Call1(ActivationBackwardOps.Sigmoid, [grad, output]);
    public static Tensor TanhBackward(Tensor grad, Tensor output) => Dispatcher.Call1(ActivationBackwardOps.Tanh, [grad, output]);
    public static Tensor SiluBackward(Tensor grad, Tensor self) => Dispatcher.Call1(ActivationBackwardOps.Silu, [grad, self]);

    public static Tensor ThresholdBackward(Tensor grad, Tensor self, double threshold)
        => Dispatcher.Call1(threshold == 0 ? ActivationBackwardOps.ThresholdZero : ActivationBackwardOps.Threshold(threshold), [grad, self]);
}
