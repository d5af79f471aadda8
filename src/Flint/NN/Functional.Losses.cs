namespace Flint.NN;

// The regression, binary, ranking and embedding losses of torch.nn.functional, written with tensor ops so their
// gradients (and second derivatives) come from the ops' own derivatives.
public static partial class Functional
{
    internal static Tensor Reduce(Tensor loss, Reduction reduction) => reduction switch
    {
        Reduction.None => loss,
        Reduction.Sum => loss.Sum(),
        Reduction.Mean => loss.Mean(),
        _ => throw new ArgumentException("batchmean is not a valid value for reduction"),
    };

    private static Tensor Zero(Tensor like) => Torch.ScalarTensor(0, like.DType);

    public static Tensor MseLoss(Tensor input, Tensor target, Reduction reduction = Reduction.Mean)
    {
        var d = input - target;
        return Reduce(d * d, reduction);
    }

    public static Tensor L1Loss(Tensor input, Tensor target, Reduction reduction = Reduction.Mean)
        => Reduce((input - target).Abs(), reduction);

    /// <summary>0.5·d²/β where |d| &lt; β, else |d| − 0.5β (β = 0 is the L1 loss).</summary>
    public static Tensor SmoothL1Loss(Tensor input, Tensor target, Reduction reduction = Reduction.Mean, double beta = 1.0)
    {
        if (beta < 0) throw new ArgumentException("smooth_l1_loss does not support negative values for beta.");
        var z = (input - target).Abs();
        if (beta == 0) return Reduce(z, reduction);
        return Reduce(Torch.Where(z.Lt(beta), z * z * (0.5 / beta), z - 0.5 * beta), reduction);
    }

    /// <summary>0.5·d² where |d| &lt; δ, else δ·(|d| − 0.5δ).</summary>
    public static Tensor HuberLoss(Tensor input, Tensor target, Reduction reduction = Reduction.Mean, double delta = 1.0)
    {
        if (delta <= 0) throw new ArgumentException("huber_loss does not support non-positive values for delta.");
        var z = (input - target).Abs();
        return Reduce(Torch.Where(z.Lt(delta), z * z * 0.5, (z - 0.5 * delta) * delta), reduction);
    }

    /// <summary>−w·(y·log x + (1−y)·log(1−x)), each log clamped at −100 as PyTorch does.</summary>
    public static Tensor BinaryCrossEntropy(Tensor input, Tensor target, Tensor? weight = null, Reduction reduction = Reduction.Mean)
    {
        if (!ShapeUtil.SameShape(input._sizes, target._sizes))
            throw new ArgumentException($"Using a target size ({Module.SizeRepr(target._sizes)}) that is different to the input size ({Module.SizeRepr(input._sizes)}) is deprecated. Please ensure they have the same size.");
        using (Torch.NoGrad())
        {
            var bad = input.Detach().Lt(0).LogicalOr(input.Detach().Gt(1)).Sum().Item();
            if (bad > 0) throw new ArgumentException("all elements of input should be between 0 and 1");
        }
        var loss = Dispatcher.Call1(BinaryCrossEntropyOp.Instance, [input, target]);
        if (weight is not null) loss = loss * weight;
        return Reduce(loss, reduction);
    }

    /// <summary>BCE on logits, stable for any magnitude: (1−y)·x + (1 + (pw−1)·y)·(log(e^{−m} + e^{−x−m}) + m), m = max(−x, 0).</summary>
    public static Tensor BinaryCrossEntropyWithLogits(Tensor input, Tensor target, Tensor? weight = null, Reduction reduction = Reduction.Mean, Tensor? posWeight = null)
    {
        if (!ShapeUtil.SameShape(input._sizes, target._sizes))
            throw new ArgumentException($"Target size ({Module.SizeRepr(target._sizes)}) must be the same as input size ({Module.SizeRepr(input._sizes)})");
        var maxVal = (-input).ClampMin(0);
        var lse = ((-maxVal).Exp() + (-input - maxVal).Exp()).Log() + maxVal;
        Tensor loss = posWeight is null
            ? (1 - target) * input + lse
            : (1 - target) * input + ((posWeight - 1) * target + 1) * lse;
        if (weight is not null) loss = loss * weight;
        return Reduce(loss, reduction);
    }

    /// <summary>KL(target ‖ input) with input as log-probabilities: target·(log target − input) (0 where target = 0).</summary>
    public static Tensor KlDiv(Tensor input, Tensor target, Reduction reduction = Reduction.Mean, bool logTarget = false)
    {
        var loss = logTarget
            ? target.Exp() * (target - input)
            : Torch.Where(target.Gt(0), target * (target.Log() - input), Zero(input));
        if (reduction == Reduction.BatchMean)
            return input.Dim == 0 ? loss.Sum() : loss.Sum() / (double)input.Size(0);
        return Reduce(loss, reduction);
    }

    /// <summary>Poisson NLL: exp(x) − y·x (log_input) or x − y·log(x + eps); full adds Stirling's term where y &gt; 1.</summary>
    public static Tensor PoissonNllLoss(Tensor input, Tensor target, bool logInput = true, bool full = false, double eps = 1e-8, Reduction reduction = Reduction.Mean)
    {
        var loss = logInput ? input.Exp() - target * input : input - target * (input + eps).Log();
        if (full)
        {
            var st = target * target.Log() - target + (target * (2 * Math.PI)).Log() * 0.5;
            loss = loss + Torch.Where(target.Gt(1), st, Zero(st));
        }
        return Reduce(loss, reduction);
    }

    /// <summary>Gaussian NLL: 0.5·(log var + (x − y)²/var) (+ 0.5·log 2π if full); var is clamped at eps without
    /// blocking its gradient, as PyTorch's in-place no-grad clamp does.</summary>
    public static Tensor GaussianNllLoss(Tensor input, Tensor target, Tensor var, bool full = false, double eps = 1e-6, Reduction reduction = Reduction.Mean)
    {
        if (!ShapeUtil.SameShape(var._sizes, input._sizes))
        {
            if (input.Dim - 1 == var.Dim && ShapeUtil.SameShape(input._sizes.AsSpan(0, input.Dim - 1), var._sizes)) var = var.Unsqueeze(-1);
            else if (!(input.Dim == var.Dim && var._sizes[^1] == 1 && ShapeUtil.SameShape(input._sizes.AsSpan(0, input.Dim - 1), var._sizes.AsSpan(0, var.Dim - 1))))
                throw new ArgumentException("var is of incorrect size");
        }
        using (Torch.NoGrad())
            if (var.Detach().Lt(0).Sum().Item() > 0) throw new ArgumentException("var has negative entry/entries");
        var v = var + (var.Detach().ClampMin(eps) - var.Detach());
        var d = input - target;
        var loss = (v.Log() + d * d / v) * 0.5;
        if (full) loss = loss + 0.5 * Math.Log(2 * Math.PI);
        return Reduce(loss, reduction);
    }

    /// <summary>Cosine similarity along dim: Σx1·x2 / √(max(Σx1², eps²)·max(Σx2², eps²)).</summary>
    public static Tensor CosineSimilarity(Tensor x1, Tensor x2, int dim = 1, double eps = 1e-8)
    {
        var w12 = (x1 * x2).Sum(dim);
        var w1 = (x1 * x1).Sum(dim).ClampMin(eps * eps);
        var w2 = (x2 * x2).Sum(dim).ClampMin(eps * eps);
        return w12 * (w1 * w2).Rsqrt();
    }

    /// <summary>‖x1 − x2 + eps‖_p over the last dim.</summary>
    public static Tensor PairwiseDistance(Tensor x1, Tensor x2, double p = 2.0, double eps = 1e-6, bool keepdim = false)
    {
        int d = Math.Max(x1.Dim, x2.Dim) - 1;
        var diff = x1 - x2 + eps;
        if (d < 0) return diff.Abs();
        return diff.Norm(p, d, keepdim);
    }

    /// <summary>x / max(‖x‖_p, eps) along dim.</summary>
    public static Tensor Normalize(Tensor input, double p = 2.0, int dim = 1, double eps = 1e-12)
        => input / input.Norm(p, dim, keepdim: true).ClampMin(eps).ExpandAs(input);

    /// <summary>1 − cos(x1, x2) for y = 1, max(0, cos − margin) for y = −1.</summary>
    public static Tensor CosineEmbeddingLoss(Tensor input1, Tensor input2, Tensor target, double margin = 0, Reduction reduction = Reduction.Mean)
    {
        const double Epsilon = 1e-12;
        int d = input1.Dim - 1;
        var prod = (input1 * input2).Sum(d);
        var m1 = (input1 * input1).Sum(d) + Epsilon;
        var m2 = (input2 * input2).Sum(d) + Epsilon;
        var cos = prod / (m1 * m2).Sqrt();
        var zeros = Torch.ZerosLike(cos);
        var pos = 1 - cos;
        var neg = (cos - margin).ClampMin(0);
        var loss = Torch.Where(target.Eq(1), pos, zeros) + Torch.Where(target.Eq(-1), neg, zeros);
        return Reduce(loss, reduction);
    }

    /// <summary>max(0, −y·(x1 − x2) + margin).</summary>
    public static Tensor MarginRankingLoss(Tensor input1, Tensor input2, Tensor target, double margin = 0, Reduction reduction = Reduction.Mean)
        => Reduce((-target * (input1 - input2) + margin).ClampMin(0), reduction);

    /// <summary>x where y = 1, max(0, margin − x) where y = −1.</summary>
    public static Tensor HingeEmbeddingLoss(Tensor input, Tensor target, double margin = 1.0, Reduction reduction = Reduction.Mean)
    {
        var zeros = Torch.ZerosLike(input);
        var marginClamp = (margin - input).ClampMin(0);
        var loss = Torch.Where(target.Ne(1), marginClamp, zeros) + Torch.Where(target.Ne(-1), input, zeros);
        return Reduce(loss, reduction);
    }

    /// <summary>Mean over classes of −(y·log σ(x) + (1−y)·log σ(−x)) (times weight), then the batch reduction.</summary>
    public static Tensor MultilabelSoftMarginLoss(Tensor input, Tensor target, Tensor? weight = null, Reduction reduction = Reduction.Mean)
    {
        var loss = -(target * LogSigmoid(input) + (1 - target) * LogSigmoid(-input));
        if (weight is not null) loss = loss * weight;
        int cd = input.Dim - 1;
        loss = loss.Sum(cd) / (double)input.Size(cd);
        return Reduce(loss, reduction);
    }

    /// <summary>max(d(a, p) − d(a, n) + margin, 0) with d the pairwise p-norm distance (swap: d(a, n) := min(d(a, n), d(p, n))).</summary>
    public static Tensor TripletMarginLoss(Tensor anchor, Tensor positive, Tensor negative, double margin = 1.0, double p = 2, double eps = 1e-6,
        bool swap = false, Reduction reduction = Reduction.Mean)
    {
        if (anchor.Dim != positive.Dim || anchor.Dim != negative.Dim)
            throw new ArgumentException($"The anchor, positive, and negative tensors are expected to have the same number of dimensions, but got: anchor {anchor.Dim}D, positive {positive.Dim}D, and negative {negative.Dim}D inputs");
        var dPos = PairwiseDistance(anchor, positive, p, eps);
        var dNeg = PairwiseDistance(anchor, negative, p, eps);
        if (swap) dNeg = Torch.Minimum(dNeg, PairwiseDistance(positive, negative, p, eps));
        return Reduce((dPos - dNeg + margin).ClampMin(0), reduction);
    }
}

public static partial class Functional
{
    /// <summary>
    /// Connectionist temporal classification loss. logProbs: (T, N, C) log-softmax outputs; targets: (N, S) padded
    /// or 1-D concatenated; mean divides each sample's loss by its target length, then averages over the batch.
    /// zero_infinity replaces infinite losses (impossible alignments) and their gradients by zero.
    /// </summary>
    public static Tensor CtcLoss(Tensor logProbs, Tensor targets, long[] inputLengths, long[] targetLengths, int blank = 0,
        Reduction reduction = Reduction.Mean, bool zeroInfinity = false)
    {
        if (logProbs.Dim != 3) throw new ArgumentException($"ctc_loss: expected log_probs to be 3-D (T, N, C), got {logProbs.Dim}-D");
        int T = logProbs._sizes[0], N = logProbs._sizes[1], C = logProbs._sizes[2];
        if (blank < 0 || blank >= C) throw new ArgumentException("blank must be in label range");
        if (inputLengths.Length != N) throw new ArgumentException($"input_lengths must be of size batch_size");
        if (targetLengths.Length != N) throw new ArgumentException($"target_lengths must be of size batch_size");
        for (int n = 0; n < N; n++)
        {
            if (inputLengths[n] > T) throw new ArgumentException($"Expected input_lengths to have value at most {T}, but got value {inputLengths[n]} (while checking arguments for ctc_loss_cpu)");
            if (targets.Dim == 2 && targetLengths[n] > targets._sizes[1])
                throw new ArgumentException($"Expected tensor to have size at least {targetLengths[n]} at dimension 1, but got size {targets._sizes[1]} for argument #2 'targets' (while checking arguments for ctc_loss_cpu)");
        }
        var losses = Dispatcher.Call1(new CtcLossOp(inputLengths, targetLengths, blank, zeroInfinity), [logProbs, targets]);
        return reduction switch
        {
            Reduction.None => losses,
            Reduction.Sum => losses.Sum(),
            Reduction.Mean => (losses / Torch.Tensor(targetLengths, [N]).ClampMin(1).To(losses.DType)).Mean(),
            _ => throw new ArgumentException("batchmean is not a valid value for reduction"),
        };
    }

    public static Tensor CtcLoss(Tensor logProbs, Tensor targets, Tensor inputLengths, Tensor targetLengths, int blank = 0,
        Reduction reduction = Reduction.Mean, bool zeroInfinity = false)
        => CtcLoss(logProbs, targets, inputLengths.CastRaw(DType.Int64).ContiguousRaw().RawSpan<long>().ToArray(),
            targetLengths.CastRaw(DType.Int64).ContiguousRaw().RawSpan<long>().ToArray(), blank, reduction, zeroInfinity);
}
