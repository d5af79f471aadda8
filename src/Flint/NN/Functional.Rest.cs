namespace Flint.NN;

// The remaining torch.nn.functional entries, composed from existing ops: multilabel_margin_loss,
// triplet_margin_with_distance_loss, pdist, conv_tbc, rrelu and gumbel_softmax.
public static partial class Functional
{
    /// <summary>
    /// The multi-label hinge loss: for each sample, target lists class indices up to the first −1; the loss is
    /// Σ_{j listed} Σ_{i not listed} max(0, 1 − (x_j − x_i)) / C (a class listed twice counts twice, as in PyTorch's
    /// kernel). input is (N, C) or (C); target has the same shape.
    /// </summary>
    public static Tensor MultilabelMarginLoss(Tensor input, Tensor target, Reduction reduction = Reduction.Mean)
    {
        if (input.Dim > 2 || !ShapeUtil.SameShape(input._sizes, target._sizes))
            throw new ArgumentException($"inconsistent size {ShapeUtil.Format(target._sizes)} for argument #2 'target'");
        long classes = input.Dim == 0 ? 1 : input.Size(-1), frames = input.Dim <= 1 ? 1 : input.Size(0);
        var t = target.Reshape(frames, classes).To(DType.Int64).ToArray<long>();
        var listed = new double[frames * classes];   // how often class j is listed for sample n
        var isTarget = new bool[frames * classes];
        for (long n = 0; n < frames; n++)
            for (long k = 0; k < classes; k++)
            {
                long c = t[n * classes + k];
                if (c < 0) break;
                if (c >= classes) throw new ArgumentException($"target index {c} is out of range for {classes} classes");
                listed[n * classes + c]++;
                isTarget[n * classes + c] = true;
            }
        var x = input.Reshape(frames, classes);
        var counts = Torch.FromArray(listed, frames, classes, 1).To(input.DType);
        var others = Torch.FromArray(isTarget, frames, 1, classes).LogicalNot().To(input.DType);
        var z = (1 - x.Unsqueeze(2) + x.Unsqueeze(1)).ClampMin(0);             // z[n, j, i] = 1 − x_j + x_i
        var loss = (z * counts * others).Sum([1, 2]) / (double)classes;
        if (reduction == Reduction.None && input.Dim <= 1) loss = loss.Reshape();
        return Reduce(loss, reduction);
    }

    /// <summary>
    /// max(d(a, p) − d(a, n) + margin, 0) with any distance function (pairwise_distance when null); swap uses
    /// min(d(a, n), d(p, n)) as the negative distance.
    /// </summary>
    public static Tensor TripletMarginWithDistanceLoss(Tensor anchor, Tensor positive, Tensor negative,
        Func<Tensor, Tensor, Tensor>? distanceFunction = null, double margin = 1.0, bool swap = false,
        Reduction reduction = Reduction.Mean)
    {
        if (margin <= 0) throw new ArgumentException($"TripletMarginWithDistanceLoss: expected margin to be greater than 0, got {margin} instead");
        var distance = distanceFunction ?? ((a, b) => PairwiseDistance(a, b));
        var dPos = distance(anchor, positive);
        var dNeg = distance(anchor, negative);
        if (swap) dNeg = Torch.Minimum(dNeg, distance(positive, negative));
        return Reduce((margin + dPos - dNeg).ClampMin(0), reduction);
    }

    /// <summary>The p-norm distances between the rows of an (N, M) input, pairs i &lt; j in row-major order.</summary>
    public static Tensor Pdist(Tensor input, double p = 2)
    {
        if (input.Dim != 2) throw new ArgumentException($"pdist only supports 2D tensors, got: {input.Dim}D");
        if (p < 0) throw new ArgumentException("pdist only supports non-negative p values");
        long n = input.Size(0);
        var first = new List<long>(); var second = new List<long>();
        for (long i = 0; i < n; i++)
            for (long j = i + 1; j < n; j++) { first.Add(i); second.Add(j); }
        var a = input.IndexSelect(0, Torch.Tensor(first.ToArray()));
        var b = input.IndexSelect(0, Torch.Tensor(second.ToArray()));
        return (a - b).Norm(p, [1]);
    }

    /// <summary>
    /// conv_tbc: a 1-D convolution over time-batch-channel input (T, B, Cin) with weight (K, Cin, Cout) and bias
    /// (Cout), padded by pad on both ends of time: the same as conv1d on the (B, Cin, T) layout.
    /// </summary>
    public static Tensor ConvTbc(Tensor input, Tensor weight, Tensor bias, int pad = 0)
    {
        if (input.Dim != 3) throw new ArgumentException("Input must have 3 dims: time, batch, in_channel");
        if (weight.Dim != 3) throw new ArgumentException("Weight tensor must have 3 dims: kernel_width, in_channels, out_channels.");
        if (bias.Dim != 1) throw new ArgumentException("Bias must be 1-D");
        var y = Torch.Conv1d(input.Permute(1, 2, 0), weight.Permute(2, 1, 0), bias, padding: [pad]);
        return y.Permute(2, 0, 1);
    }

    /// <summary>
    /// Randomized leaky ReLU. In evaluation (training = false) the negative slope is (lower + upper) / 2, exactly as
    /// PyTorch. In training each non-positive element gets its own slope drawn uniformly from [lower, upper) with
    /// Flint's generator, the same distribution as PyTorch's but not its random stream.
    /// </summary>
    public static Tensor Rrelu(Tensor input, double lower = 1.0 / 8, double upper = 1.0 / 3, bool training = false,
        Generator? generator = null)
    {
        if (!training) return input.LeakyRelu((lower + upper) / 2);
        var slope = Torch.Rand(input.Shape, input.DType, generator) * (upper - lower) + lower;
        return Torch.Where(input.Gt(0), input, input * slope);
    }

    /// <summary>
    /// Softmax of (logits + Gumbel noise) / tau along dim; with hard, the one-hot of its argmax in the forward and the
    /// soft gradient in the backward (straight-through). The noise is −log of exponential draws, as PyTorch makes
    /// it, so a generator seeded as torch.manual_seed gives PyTorch's samples.
    /// </summary>
    public static Tensor GumbelSoftmax(Tensor logits, double tau = 1, bool hard = false, int dim = -1, Generator? generator = null)
    {
        var gumbels = -Torch.EmptyLike(logits).Exponential_(1, generator).Log();
        var ySoft = ((logits + gumbels) / tau).Softmax(dim);
        if (!hard) return ySoft;
        var index = ySoft.Max(dim, keepdim: true).Indices;
        var yHard = Torch.ZerosLike(logits).Scatter(dim, index, 1.0);
        return yHard - ySoft.Detach() + ySoft;
    }
}
