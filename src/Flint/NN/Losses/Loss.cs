namespace Flint.NN;

/// <summary>Base of the loss modules: (input, target) → loss, with a reduction.</summary>
public abstract class Loss(Reduction reduction = Reduction.Mean) : Module<Tensor, Tensor, Tensor>
{
    public Reduction Reduction { get; } = reduction;
}

/// <summary>A loss with a per-class weight buffer (registered as "weight", as in PyTorch's _WeightedLoss).</summary>
public abstract class WeightedLoss(Tensor? weight, Reduction reduction) : Loss(reduction)
{
    public Tensor? weight = weight;
}

public sealed class CrossEntropyLoss(Tensor? weight = null, long ignoreIndex = -100, Reduction reduction = Reduction.Mean, double labelSmoothing = 0.0)
    : WeightedLoss(weight, reduction)
{
    public long IgnoreIndex { get; } = ignoreIndex;
    public double LabelSmoothing { get; } = labelSmoothing;
    public override Tensor Forward(Tensor input, Tensor target)
        => Functional.CrossEntropy(input, target, weight, IgnoreIndex, Reduction, LabelSmoothing);
}

public sealed class NLLLoss(Tensor? weight = null, long ignoreIndex = -100, Reduction reduction = Reduction.Mean) : WeightedLoss(weight, reduction)
{
    public long IgnoreIndex { get; } = ignoreIndex;
    public override Tensor Forward(Tensor input, Tensor target) => Functional.NllLoss(input, target, weight, IgnoreIndex, Reduction);
}
