namespace Flint.NN;

// soft_margin_loss and multi_margin_loss, written with tensor ops so their gradients come from the ops' derivatives.
public static partial class Functional
{
    /// <summary>The two-class logistic loss log(1 + exp(−y·x)) for targets y of ±1.</summary>
    public static Tensor SoftMarginLoss(Tensor input, Tensor target, Reduction reduction = Reduction.Mean)
        => Reduce((-target * input).Exp().Log1p(), reduction);

    /// <summary>
    /// The multi-class hinge loss: for each sample n with class y, Σ_{i≠y} w_y·max(0, margin − x_y + x_i)^p divided
    /// by the number of classes (p is 1 or 2; the weight multiplies after the power, as PyTorch's kernel does).
    /// input is (N, C) or (C); target holds class indices, (N) or a single one.
    /// </summary>
    public static Tensor MultiMarginLoss(Tensor input, Tensor target, int p = 1, double margin = 1, Tensor? weight = null,
        Reduction reduction = Reduction.Mean)
    {
        if (p != 1 && p != 2) throw new ArgumentException("only p == 1 and p == 2 supported");
        if (input.Dim > 2) throw new ArgumentException($"Expected non-empty vector or matrix with optional 0-dim batch size, but got: {Module.SizeRepr(input._sizes)}");
        long classes = input.Dim == 0 ? 1 : input.Size(-1), frames = input.Dim <= 1 ? 1 : input.Size(0);
        if (target.Dim > 1 || target.Numel() != frames)
            throw new ArgumentException($"inconsistent target size, got: {ShapeUtil.Format(target._sizes)}");
        if (weight is not null && (weight.Dim != 1 || weight.Numel() != classes))
            throw new ArgumentException($"inconsistent weight size, expected {classes} but got {ShapeUtil.Format(weight._sizes)}");
        var t = target.Reshape(frames, 1);
        using (Torch.NoGrad())
            if (t.Numel() > 0 && (t.Min().Item<long>() < 0 || t.Max().Item<long>() >= classes))
                throw new ArgumentException("target out of range");
        var x = input.Reshape(frames, classes);
        var z = (x - x.Gather(1, t) + margin).ClampMin(0);
        if (p == 2) z = z * z;
        var isTarget = Torch.Arange(classes).Reshape(1, classes).Eq(t);
        var loss = Torch.Where(isTarget, Zero(z), z).Sum(1) / (double)classes;
        if (weight is not null) loss = loss * weight.Index(t.Reshape(-1));
        if (reduction == Reduction.None && target.Dim == 0) loss = loss.Reshape();
        return Reduce(loss, reduction);
    }
}
