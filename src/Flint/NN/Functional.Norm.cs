namespace Flint.NN;

// Normalization functionals, written with the reduction and pointwise ops (so every one is differentiable twice).
public static partial class Functional
{
    private static int[] DimsExcept1(int ndim)
    {
        var d = new int[ndim - 1];
        d[0] = 0;
        for (int i = 2; i < ndim; i++) d[i - 1] = i;
        return d;
    }

    /// <summary>[1, C, 1, …] for broadcasting a per-channel vector over an (N, C, …) input.</summary>
    private static long[] ChannelShape(Tensor input)
    {
        var s = new long[input.Dim];
        Array.Fill(s, 1L);
        s[1] = input._sizes[1];
        return s;
    }

    /// <summary>
    /// Batch normalization over every dim but 1. In training (or without running stats) it uses the batch's mean and
    /// biased variance, and updates running_mean/running_var in place with the unbiased variance (momentum:
    /// new = (1−m)·old + m·batch); otherwise it uses the running statistics.
    /// </summary>
    public static Tensor BatchNorm(Tensor input, Tensor? runningMean, Tensor? runningVar, Tensor? weight = null, Tensor? bias = null,
        bool training = false, double momentum = 0.1, double eps = 1e-5)
    {
        if (Dispatcher.ModeActive)
            return Dispatcher.CallComposite(new BatchNormOp(training, momentum, eps), [input, weight, bias, runningMean, runningVar])[0];
        return BatchNormDecomposed(input, runningMean, runningVar, weight, bias, training, momentum, eps);
    }

    /// <summary>batch norm computed from elementwise ops (what aten::batch_norm runs).</summary>
    internal static Tensor BatchNormDecomposed(Tensor input, Tensor? runningMean, Tensor? runningVar, Tensor? weight, Tensor? bias,
        bool training, double momentum, double eps)
    {
        if (input.Dim < 2) throw new ArgumentException($"Expected 2D or higher input (got {input.Dim}D input)");
        int C = input._sizes[1];
        var cs = ChannelShape(input);
        Tensor mean, invstd;
        if (training)
        {
            long per = input._numel / Math.Max(1, C);
            if (per <= 1) throw new ArgumentException($"Expected more than 1 value per channel when training, got input size {Module.SizeRepr(input._sizes)}");
            var dims = DimsExcept1(input.Dim);
            mean = input.Mean(dims, keepdim: true);
            var var = input.Var(dims, correction: 0, keepdim: true);
            invstd = (var + eps).Rsqrt();
            if (runningMean is not null && runningVar is not null)
            {
                // written with ops (copy_ into the buffers) so that graph capture records the in-place updates
                using (Torch.NoGrad())
                {
                    var m = mean.View(C);
                    var vUnbiased = var.View(C) * ((double)per / (per - 1));
                    runningMean.Copy_(runningMean * (1 - momentum) + m.To(runningMean.DType) * momentum);
                    runningVar.Copy_(runningVar * (1 - momentum) + vUnbiased.To(runningVar.DType) * momentum);
                }
            }
        }
        else
        {
            if (runningMean is null || runningVar is null) throw new ArgumentException("running_mean and running_var must be defined in evaluation mode");
            mean = runningMean.View(cs);
            invstd = (runningVar.View(cs) + eps).Rsqrt();
        }
        var y = (input - mean) * invstd;
        if (weight is not null) y = y * weight.View(cs);
        if (bias is not null) y = y + bias.View(cs);
        return y;
    }

    /// <summary>
    /// Normalizes over the trailing dims given by normalizedShape, then scales and shifts elementwise: one fused
    /// aten::native_layer_norm call (its mean and rstd outputs are dropped, as F.layer_norm does).
    /// </summary>
    public static Tensor LayerNorm(Tensor input, long[] normalizedShape, Tensor? weight = null, Tensor? bias = null, double eps = 1e-5)
        => Torch.NativeLayerNorm(input, normalizedShape, weight, bias, eps).Output;

    /// <summary>Normalizes each group of channels of each sample, then applies the per-channel affine.</summary>
    public static Tensor GroupNorm(Tensor input, int numGroups, Tensor? weight = null, Tensor? bias = null, double eps = 1e-5)
    {
        if (input.Dim < 2) throw new ArgumentException($"Expected at least 2 dimensions for input tensor but received {input.Dim}");
        int N = input._sizes[0], C = input._sizes[1];
        if (C % numGroups != 0)
            throw new ArgumentException($"Expected number of channels in input to be divisible by num_groups, but got input of shape {ShapeUtil.Format(input._sizes)} and num_groups={numGroups}");
        var g = input.Reshape(N, numGroups, -1);
        var mean = g.Mean([2], keepdim: true);
        var var = g.Var([2], correction: 0, keepdim: true);
        var y = ((g - mean) * (var + eps).Rsqrt()).View(input.Shape);
        var cs = ChannelShape(input);
        if (weight is not null) y = y * weight.View(cs);
        if (bias is not null) y = y + bias.View(cs);
        return y;
    }

    /// <summary>
    /// Normalizes each channel of each sample over its spatial dims. With running stats and use_input_stats false it
    /// uses them; in use_input_stats mode with running stats it updates them with the batch average of the per-instance
    /// statistics, as PyTorch does.
    /// </summary>
    public static Tensor InstanceNorm(Tensor input, Tensor? runningMean = null, Tensor? runningVar = null, Tensor? weight = null,
        Tensor? bias = null, bool useInputStats = true, double momentum = 0.1, double eps = 1e-5)
    {
        if (input.Dim < 3) throw new ArgumentException($"Expected 3D or higher input (got {input.Dim}D input)");
        var cs = ChannelShape(input);
        Tensor y;
        if (useInputStats)
        {
            var dims = new int[input.Dim - 2];
            for (int i = 0; i < dims.Length; i++) dims[i] = i + 2;
            long per = input._numel / Math.Max(1, input._sizes[0] * input._sizes[1]);
            if (per <= 1) throw new ArgumentException($"Expected more than 1 spatial element when training, got input size {Module.SizeRepr(input._sizes)}");
            var mean = input.Mean(dims, keepdim: true);
            var var = input.Var(dims, correction: 0, keepdim: true);
            y = (input - mean) * (var + eps).Rsqrt();
            if (runningMean is not null && runningVar is not null)
            {
                using (Torch.NoGrad())
                {
                    int C = input._sizes[1];
                    var m = mean.Reshape(input._sizes[0], C).Mean(0);
                    var v = (var * ((double)per / (per - 1))).Reshape(input._sizes[0], C).Mean(0);
                    runningMean.Copy_(runningMean * (1 - momentum) + m.To(runningMean.DType) * momentum);
                    runningVar.Copy_(runningVar * (1 - momentum) + v.To(runningVar.DType) * momentum);
                }
            }
        }
        else
        {
            if (runningMean is null || runningVar is null) throw new ArgumentException("Expected running_mean and running_var to be defined when use_input_stats is false");
            y = (input - runningMean.View(cs)) * (runningVar.View(cs) + eps).Rsqrt();
        }
        if (weight is not null) y = y * weight.View(cs);
        if (bias is not null) y = y + bias.View(cs);
        return y;
    }

    /// <summary>x / (k + α/n · Σ over a window of n neighbouring channels of x²)^β (zero-padded at the ends).</summary>
    public static Tensor LocalResponseNorm(Tensor input, int size, double alpha = 1e-4, double beta = 0.75, double k = 1.0)
    {
        if (input.Dim < 3) throw new ArgumentException($"Expected 3D or higher dimensionality input (got {input.Dim} dimensions)");
        if (input._numel == 0) return input;
        int C = input._sizes[1];
        var sq = input * input;
        int before = size / 2, after = (size - 1) / 2;
        var zshape = input.Shape;
        var parts = new List<Tensor>();
        if (before > 0) { zshape[1] = before; parts.Add(Torch.Zeros(zshape, input.DType)); }
        parts.Add(sq);
        if (after > 0) { var z2 = input.Shape; z2[1] = after; parts.Add(Torch.Zeros(z2, input.DType)); }
        var padded = parts.Count == 1 ? sq : Torch.Cat(parts.ToArray(), 1);
        Tensor? sum = null;
        for (int j = 0; j < size; j++)
        {
            var s = padded.Narrow(1, j, C);
            sum = sum is null ? s : sum + s;
        }
        var div = (sum! * (alpha / size) + k).Pow(beta);
        return input / div;
    }
}
