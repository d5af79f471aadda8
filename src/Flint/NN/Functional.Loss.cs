namespace Flint.NN;

public static partial class Functional
{
    /// <summary>Negative log likelihood of class indices given log-probabilities (class dim 1, or 0 for 1-D input).</summary>
    public static Tensor NllLoss(Tensor input, Tensor target, Tensor? weight = null, long ignoreIndex = -100, Reduction reduction = Reduction.Mean)
    {
        CheckClassTarget(input, target, weight);
        Tensor?[] args = weight is null ? [input, target] : [input, target, weight];
        return Dispatcher.Call1(new NllLossOp(reduction, ignoreIndex, weight is not null), args);
    }

    private static void CheckClassTarget(Tensor input, Tensor target, Tensor? weight)
    {
        if (input.Dim < 1) throw new ArgumentException($"input tensor should be 1D or 2D");
        if (target.DType.IsFloatingPoint() || target.DType == DType.Bool)
            throw new ArgumentException($"expected scalar type Long but found {Tensor.CastName(target.DType)}");
        if (input.Dim == 1 ? target.Dim != 0 : target.Dim != input.Dim - 1)
            throw new ArgumentException($"Expected target size {ExpectedTargetSize(input)}, got {ShapeUtil.Format(target._sizes)}");
        if (input.Dim >= 2 && input._sizes[0] != target._sizes[0])
            throw new ArgumentException($"Expected input batch_size ({input._sizes[0]}) to match target batch_size ({target._sizes[0]}).");
        for (int d = 2; d < input.Dim; d++)
            if (input._sizes[d] != target._sizes[d - 1])
                throw new ArgumentException($"Expected target size {ExpectedTargetSize(input)}, got {ShapeUtil.Format(target._sizes)}");
        int C = input.Dim == 1 ? input._sizes[0] : input._sizes[1];
        if (weight is not null && weight._numel != C)
            throw new ArgumentException($"weight tensor should be defined either for all {C} classes or no classes but got weight tensor of shape: {ShapeUtil.Format(weight._sizes)}");
    }

    private static string ExpectedTargetSize(Tensor input)
    {
        var s = new List<int>();
        if (input.Dim >= 2) s.Add(input._sizes[0]);
        for (int d = 2; d < input.Dim; d++) s.Add(input._sizes[d]);
        return ShapeUtil.Format(s.ToArray());
    }

    /// <summary>
    /// Cross entropy between logits (class dim 1) and either class indices (int64) or class probabilities (same
    /// shape as the input), with class weights, ignore_index (indices only) and label smoothing, as
    /// torch.nn.functional.cross_entropy.
    /// </summary>
    public static Tensor CrossEntropy(Tensor input, Tensor target, Tensor? weight = null, long ignoreIndex = -100,
        Reduction reduction = Reduction.Mean, double labelSmoothing = 0.0)
    {
        if (labelSmoothing < 0 || labelSmoothing > 1)
            throw new ArgumentException($"label_smoothing must be between 0.0 and 1.0. Got: {PyFormat.Float(labelSmoothing)}");
        int classDim = input.Dim == 1 ? 0 : 1;
        var logp = LogSoftmax(input, classDim);
        int C = input._sizes[classDim];
        if (target.DType.IsFloatingPoint())
        {
            if (!ShapeUtil.SameShape(input._sizes, target._sizes))
                throw new ArgumentException($"Expected input batch_size ({input._sizes[0]}) to match target batch_size ({target._sizes[0]}).");
            if (labelSmoothing > 0) target = target * (1 - labelSmoothing) + labelSmoothing / C;
            var prod = logp * target;
            if (weight is not null) prod = prod * weight.View(ClassShape(input, classDim));
            var per = -prod.Sum(classDim);
            return reduction switch
            {
                Reduction.None => per,
                Reduction.Sum => per.Sum(),
                _ => input.Dim == 1 ? per.Sum() : per.Sum() / (double)(input._numel / Math.Max(1, C)),
            };
        }
        var nll = NllLoss(logp, target, weight, ignoreIndex, reduction);
        if (labelSmoothing <= 0) return nll;

        // Smoothing term: -Σ_c w_c·logp_c per element, zero where the target is ignored; mean divides by the total
        // weight of the kept targets (the same normaliser nll_loss uses).
        var (mask, norm) = SmoothingMask(input, target, weight, ignoreIndex, classDim);
        var smooth = -(logp * mask).Sum(classDim);
        Tensor ret = reduction switch
        {
            Reduction.None => smooth,
            Reduction.Sum => smooth.Sum(),
            _ => smooth.Sum() / norm,
        };
        return nll * (1 - labelSmoothing) + ret * (labelSmoothing / C);
    }

    private static long[] ClassShape(Tensor input, int classDim)
    {
        var s = new long[input.Dim];
        Array.Fill(s, 1L);
        s[classDim] = input._sizes[classDim];
        return s;
    }

    /// <summary>w[c]·(target ≠ ignore) laid out like the input, and Σ of w[target] over kept targets.</summary>
    private static (Tensor Mask, double Norm) SmoothingMask(Tensor input, Tensor target, Tensor? weight, long ignoreIndex, int classDim)
    {
        int C = input._sizes[classDim];
        int N = classDim == 0 ? 1 : input._sizes[0];
        int inner = input._numel / Math.Max(1, N * C);
        var t = target.CastRaw(DType.Int64).ContiguousRaw().RawSpan<long>();
        double[]? w = weight?.CastRaw(DType.Float64).ContiguousRaw().RawSpan<double>().ToArray();
        var m = new double[input._numel];
        double norm = 0;
        for (int n = 0; n < N; n++)
            for (int j = 0; j < inner; j++)
            {
                long tc = t[n * inner + j];
                if (tc == ignoreIndex) continue;
                norm += w is null ? 1 : w[tc];
                for (int c = 0; c < C; c++) m[(n * C + c) * inner + j] = w is null ? 1 : w[c];
            }
        return (Torch.FromArray(m, ShapeUtil.ToLong(input._sizes)).CastRaw(input.DType), norm);
    }
}
