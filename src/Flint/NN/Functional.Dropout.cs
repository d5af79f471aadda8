namespace Flint.NN;

public static partial class Functional
{
    /// <summary>
    /// Zeroes each element with probability p and scales the rest by 1/(1−p), in training only. The mask is drawn
    /// from the default generator exactly as PyTorch's CPU dropout draws it (bernoulli_(1−p) over a tensor shaped
    /// like the input, then divided by 1−p), so a seeded run drops the same elements.
    /// </summary>
    public static Tensor Dropout(Tensor input, double p = 0.5, bool training = true, bool inplace = false)
    {
        CheckP(p);
        if (Dispatcher.ModeActive && !inplace) return Dispatcher.CallComposite(new DropoutOp(p, training), [input])[0];
        return inplace ? DropoutInPlace(input, p, training) : DropoutDecomposed(input, p, training);
    }

    private static Tensor DropoutInPlace(Tensor input, double p, bool training)
    {
        var y = DropoutDecomposed(input, p, training);
        return ReferenceEquals(y, input) ? input : input.InPlace(y);
    }

    /// <summary>dropout computed from a mask multiplication (what aten::dropout runs).</summary>
    internal static Tensor DropoutDecomposed(Tensor input, double p, bool training)
    {
        CheckP(p);
        if (!training || p == 0 || input._numel == 0) return input;
        return p == 1 ? input * Torch.ZerosLike(input) : input * DropoutMask(input._sizes, input.DType, p);
    }

    internal static void CheckP(double p)
    {
        if (p < 0 || p > 1) throw new ArgumentException($"dropout probability has to be between 0 and 1, but got {PyFormat.Float(p)}");
    }

    /// <summary>
    /// bernoulli(1−p) / (1−p) in the input's dtype (float16/bfloat16 draw in float32), written with ops (an in-place
    /// bernoulli_ draw, a division, a cast) so that graph capture records the draw as a random op and replays it with
    /// the same numbers.
    /// </summary>
    internal static Tensor DropoutMask(int[] sizes, DType dtype, double p)
    {
        double keep = 1 - p;
        var draw = dtype == DType.Float64 ? DType.Float64 : DType.Float32;
        var mask = Tensor.Empty(sizes, draw).Bernoulli_(keep).Div_(keep);
        return mask.To(dtype);
    }
}

public static partial class Functional
{
    /// <summary>One keep/drop draw per (sample, channel), broadcast over the remaining dims.</summary>
    private static int[] FeatureNoiseShape(Tensor input)
    {
        var s = new int[input.Dim];
        Array.Fill(s, 1);
        s[0] = input._sizes[0];
        s[1] = input._sizes[1];
        return s;
    }

    private static Tensor FeatureDropout(Tensor input, double p, bool training, bool inplace)
    {
        CheckP(p);
        if (!training || p == 0 || input._numel == 0) return input;
        var y = p == 1 ? input * Torch.ZerosLike(input) : input * DropoutMask(FeatureNoiseShape(input), input.DType, p);
        return inplace ? input.InPlace(y) : y;
    }

    /// <summary>Zeroes whole channels of (N, C, L) or (C, L) input.</summary>
    public static Tensor Dropout1d(Tensor input, double p = 0.5, bool training = true, bool inplace = false)
    {
        if (input.Dim is not (2 or 3)) throw new ArgumentException($"dropout1d: Expected 2D or 3D input, but received a {input.Dim}D input. Note that dropout1d exists to provide channel-wise dropout on inputs with 1 spatial dimension, a channel dimension, and an optional batch dimension (i.e. 2D or 3D inputs).");
        if (input.Dim == 2)
        {
            var r = FeatureDropout(input.Unsqueeze(0), p, training, false).Squeeze(0);
            return inplace && training && p > 0 ? input.InPlace(r) : r;
        }
        return FeatureDropout(input, p, training, inplace);
    }

    /// <summary>Zeroes whole channels of (N, C, H, W) or (C, H, W) input.</summary>
    public static Tensor Dropout2d(Tensor input, double p = 0.5, bool training = true, bool inplace = false)
    {
        if (input.Dim == 3)
        {
            var r = FeatureDropout(input.Unsqueeze(0), p, training, false).Squeeze(0);
            return inplace && training && p > 0 ? input.InPlace(r) : r;
        }
        return FeatureDropout(input, p, training, inplace);
    }

    /// <summary>Zeroes whole channels of (N, C, D, H, W) or (C, D, H, W) input.</summary>
    public static Tensor Dropout3d(Tensor input, double p = 0.5, bool training = true, bool inplace = false)
    {
        if (input.Dim == 4)
        {
            var r = FeatureDropout(input.Unsqueeze(0), p, training, false).Squeeze(0);
            return inplace && training && p > 0 ? input.InPlace(r) : r;
        }
        return FeatureDropout(input, p, training, inplace);
    }

    /// <summary>
    /// Dropout that keeps SELU's self-normalization: dropped values become SELU's negative saturation, then an
    /// affine map restores mean and variance (PyTorch's alpha_dropout, same draws from the default generator).
    /// </summary>
    public static Tensor AlphaDropout(Tensor input, double p = 0.5, bool training = false, bool inplace = false)
        => AlphaDropoutImpl(input, p, training, inplace, feature: false);

    public static Tensor FeatureAlphaDropout(Tensor input, double p = 0.5, bool training = false, bool inplace = false)
        => AlphaDropoutImpl(input, p, training, inplace, feature: true);

    private static Tensor AlphaDropoutImpl(Tensor input, double p, bool training, bool inplace, bool feature)
    {
        CheckP(p);
        if (!training || p == 0 || input._numel == 0) return input;
        Tensor y;
        if (p == 1) y = input * Torch.ZerosLike(input);
        else
        {
            const double alpha = 1.7580993408473766;
            double a = 1.0 / Math.Sqrt((alpha * alpha * p + 1) * (1 - p));
            var sizes = feature ? FeatureNoiseShape(input) : input._sizes;
            var mask = Tensor.Empty(sizes, DType.Float64);
            var ms = mask.RawSpan<double>();
            if (input.DType == DType.Float64) Generator.Default.Bernoulli(ms, 1 - p);
            else
            {
                var f = new float[ms.Length];
                Generator.Default.Bernoulli(f, 1 - p);
                for (int i = 0; i < f.Length; i++) ms[i] = f[i];
            }
            var b = Tensor.Empty(sizes, DType.Float64);
            var bs = b.RawSpan<double>();
            for (int i = 0; i < ms.Length; i++) { bs[i] = (ms[i] - 1) * (alpha * a) + alpha * a * p; ms[i] *= a; }
            y = input * mask.CastRaw(input.DType) + b.CastRaw(input.DType);
        }
        return inplace ? input.InPlace(y) : y;
    }
}
