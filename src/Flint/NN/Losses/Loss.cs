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

public sealed class MSELoss(Reduction reduction = Reduction.Mean) : Loss(reduction)
{
    public override Tensor Forward(Tensor input, Tensor target) => Functional.MseLoss(input, target, Reduction);
}

public sealed class L1Loss(Reduction reduction = Reduction.Mean) : Loss(reduction)
{
    public override Tensor Forward(Tensor input, Tensor target) => Functional.L1Loss(input, target, Reduction);
}

public sealed class SmoothL1Loss(Reduction reduction = Reduction.Mean, double beta = 1.0) : Loss(reduction)
{
    public double Beta { get; } = beta;
    public override Tensor Forward(Tensor input, Tensor target) => Functional.SmoothL1Loss(input, target, Reduction, Beta);
}

public sealed class HuberLoss(Reduction reduction = Reduction.Mean, double delta = 1.0) : Loss(reduction)
{
    public double Delta { get; } = delta;
    public override Tensor Forward(Tensor input, Tensor target) => Functional.HuberLoss(input, target, Reduction, Delta);
}

public sealed class BCELoss(Tensor? weight = null, Reduction reduction = Reduction.Mean) : WeightedLoss(weight, reduction)
{
    public override Tensor Forward(Tensor input, Tensor target) => Functional.BinaryCrossEntropy(input, target, weight, Reduction);
}

/// <summary>Sigmoid + BCE in one stable expression; weight and pos_weight are buffers, as in PyTorch.</summary>
public sealed class BCEWithLogitsLoss(Tensor? weight = null, Reduction reduction = Reduction.Mean, Tensor? posWeight = null) : Loss(reduction)
{
    public Tensor? weight = weight;
    public Tensor? pos_weight = posWeight;
    public override Tensor Forward(Tensor input, Tensor target) => Functional.BinaryCrossEntropyWithLogits(input, target, weight, Reduction, pos_weight);
}

public sealed class KLDivLoss(Reduction reduction = Reduction.Mean, bool logTarget = false) : Loss(reduction)
{
    public bool LogTarget { get; } = logTarget;
    public override Tensor Forward(Tensor input, Tensor target) => Functional.KlDiv(input, target, Reduction, LogTarget);
}

public sealed class PoissonNLLLoss(bool logInput = true, bool full = false, double eps = 1e-8, Reduction reduction = Reduction.Mean) : Loss(reduction)
{
    public bool LogInput { get; } = logInput;
    public bool Full { get; } = full;
    public double Eps { get; } = eps;
    public override Tensor Forward(Tensor input, Tensor target) => Functional.PoissonNllLoss(input, target, LogInput, Full, Eps, Reduction);
}

/// <summary>Takes (input, target, var).</summary>
public sealed class GaussianNLLLoss(bool full = false, double eps = 1e-6, Reduction reduction = Reduction.Mean) : Module<Tensor, Tensor, Tensor, Tensor>
{
    public bool Full { get; } = full;
    public double Eps { get; } = eps;
    public Reduction Reduction { get; } = reduction;
    public override Tensor Forward(Tensor input, Tensor target, Tensor var) => Functional.GaussianNllLoss(input, target, var, Full, Eps, Reduction);
}

/// <summary>Takes (input1, input2, target).</summary>
public sealed class CosineEmbeddingLoss(double margin = 0, Reduction reduction = Reduction.Mean) : Module<Tensor, Tensor, Tensor, Tensor>
{
    public double Margin { get; } = margin;
    public Reduction Reduction { get; } = reduction;
    public override Tensor Forward(Tensor input1, Tensor input2, Tensor target) => Functional.CosineEmbeddingLoss(input1, input2, target, Margin, Reduction);
}

/// <summary>Takes (input1, input2, target).</summary>
public sealed class MarginRankingLoss(double margin = 0, Reduction reduction = Reduction.Mean) : Module<Tensor, Tensor, Tensor, Tensor>
{
    public double Margin { get; } = margin;
    public Reduction Reduction { get; } = reduction;
    public override Tensor Forward(Tensor input1, Tensor input2, Tensor target) => Functional.MarginRankingLoss(input1, input2, target, Margin, Reduction);
}

public sealed class HingeEmbeddingLoss(double margin = 1.0, Reduction reduction = Reduction.Mean) : Loss(reduction)
{
    public double Margin { get; } = margin;
    public override Tensor Forward(Tensor input, Tensor target) => Functional.HingeEmbeddingLoss(input, target, Margin, Reduction);
}

public sealed class MultiLabelSoftMarginLoss(Tensor? weight = null, Reduction reduction = Reduction.Mean) : WeightedLoss(weight, reduction)
{
    public override Tensor Forward(Tensor input, Tensor target) => Functional.MultilabelSoftMarginLoss(input, target, weight, Reduction);
}

/// <summary>Takes (anchor, positive, negative).</summary>
public sealed class TripletMarginLoss(double margin = 1.0, double p = 2.0, double eps = 1e-6, bool swap = false, Reduction reduction = Reduction.Mean)
    : Module<Tensor, Tensor, Tensor, Tensor>
{
    public double Margin { get; } = margin;
    public double P { get; } = p;
    public double Eps { get; } = eps;
    public bool Swap { get; } = swap;
    public Reduction Reduction { get; } = reduction;
    public override Tensor Forward(Tensor anchor, Tensor positive, Tensor negative) => Functional.TripletMarginLoss(anchor, positive, negative, Margin, P, Eps, Swap, Reduction);
}

/// <summary>CTC loss; call with (log_probs, targets, input_lengths, target_lengths) through Forward.</summary>
public sealed class CTCLoss(int blank = 0, Reduction reduction = Reduction.Mean, bool zeroInfinity = false) : Module
{
    public int Blank { get; } = blank;
    public Reduction Reduction { get; } = reduction;
    public bool ZeroInfinity { get; } = zeroInfinity;
    public Tensor Forward(Tensor logProbs, Tensor targets, Tensor inputLengths, Tensor targetLengths)
        => Functional.CtcLoss(logProbs, targets, inputLengths, targetLengths, Blank, Reduction, ZeroInfinity);
    public Tensor Call(Tensor logProbs, Tensor targets, Tensor inputLengths, Tensor targetLengths) => Forward(logProbs, targets, inputLengths, targetLengths);
}

/// <summary>nn.SoftMarginLoss: see <see cref="Functional.SoftMarginLoss"/>.</summary>
public sealed class SoftMarginLoss(Reduction reduction = Reduction.Mean) : Loss(reduction)
{
    public override Tensor Forward(Tensor input, Tensor target) => Functional.SoftMarginLoss(input, target, Reduction);
}

/// <summary>nn.MultiMarginLoss: see <see cref="Functional.MultiMarginLoss"/> (weight is a buffer, as in PyTorch).</summary>
public sealed class MultiMarginLoss(int p = 1, double margin = 1, Tensor? weight = null, Reduction reduction = Reduction.Mean)
    : WeightedLoss(weight, reduction)
{
    public int P { get; } = p;
    public double Margin { get; } = margin;
    public override Tensor Forward(Tensor input, Tensor target)
        => Functional.MultiMarginLoss(input, target, P, Margin, weight, Reduction);
}

/// <summary>nn.MultiLabelMarginLoss: see <see cref="Functional.MultilabelMarginLoss"/>.</summary>
public sealed class MultiLabelMarginLoss(Reduction reduction = Reduction.Mean) : Loss(reduction)
{
    public override Tensor Forward(Tensor input, Tensor target) => Functional.MultilabelMarginLoss(input, target, Reduction);
}
