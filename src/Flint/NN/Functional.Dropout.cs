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
        if (!training || p == 0 || input._numel == 0) return input;
        Tensor y = p == 1 ? input * Torch.ZerosLike(input) : input * DropoutMask(input._sizes, input.DType, p);
        return inplace ? input.InPlace(y) : y;
    }

    internal static void CheckP(double p)
    {
        if (p < 0 || p > 1) throw new ArgumentException($"dropout probability has to be between 0 and 1, but got {PyFormat.Float(p)}");
    }

    /// <summary>bernoulli(1−p) / (1−p) in the input's dtype (float16/bfloat16 draw in float32).</summary>
    internal static Tensor DropoutMask(int[] sizes, DType dtype, double p)
    {
        double keep = 1 - p;
        if (dtype == DType.Float64)
        {
            var m = Tensor.Empty(sizes, DType.Float64);
            var s = m.AsSpan<double>();
            Generator.Default.Bernoulli(s, keep);
            for (int i = 0; i < s.Length; i++) s[i] /= keep;
            return m;
        }
        var f = Tensor.Empty(sizes, DType.Float32);
        var fs = f.AsSpan<float>();
        Generator.Default.Bernoulli(fs, keep);
        float kf = (float)keep;
        for (int i = 0; i < fs.Length; i++) fs[i] /= kf;
        return dtype == DType.Float32 ? f : f.CastRaw(dtype);
    }
}
