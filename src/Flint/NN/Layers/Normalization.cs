namespace Flint.NN;

/// <summary>
/// The shared body of BatchNorm1d/2d/3d and InstanceNorm1d/2d/3d: weight/bias parameters (when affine) and the
/// running_mean / running_var / num_batches_tracked buffers (when tracking running stats), in PyTorch's order.
/// </summary>
public abstract class NormBase : Module<Tensor, Tensor>
{
    public Parameter? weight;
    public Parameter? bias;
    public Tensor? running_mean;
    public Tensor? running_var;
    public Tensor? num_batches_tracked;

    public long NumFeatures { get; }
    public double Eps { get; }
    /// <summary>null: cumulative moving average (PyTorch's momentum=None).</summary>
    public double? Momentum { get; }
    public bool Affine { get; }
    public bool TrackRunningStats { get; }

    protected NormBase(long numFeatures, double eps, double? momentum, bool affine, bool trackRunningStats, DType? dtype)
    {
        NumFeatures = numFeatures; Eps = eps; Momentum = momentum; Affine = affine; TrackRunningStats = trackRunningStats;
        var dt = dtype ?? Torch.DefaultDType;
        if (affine)
        {
            weight = new Parameter(Torch.Ones([numFeatures], dt));
            bias = new Parameter(Torch.Zeros([numFeatures], dt));
        }
        if (trackRunningStats)
        {
            running_mean = Torch.Zeros([numFeatures], dt);
            running_var = Torch.Ones([numFeatures], dt);
            num_batches_tracked = Torch.Zeros([], DType.Int64);
        }
    }

    public void ResetRunningStats()
    {
        if (!TrackRunningStats) return;
        Init.Zeros_(running_mean!);
        Init.Ones_(running_var!);
        Init.Zeros_(num_batches_tracked!);
    }

    public void ResetParameters()
    {
        ResetRunningStats();
        if (Affine) { Init.Ones_(weight!); Init.Zeros_(bias!); }
    }

    /// <summary>Checkpoints from before num_batches_tracked existed load with it set to 0, as in PyTorch.</summary>
    protected override void PrepareStateDict(OrderedDictionary<string, Tensor> stateDict, string prefix)
    {
        if (TrackRunningStats && !stateDict.ContainsKey(prefix + "num_batches_tracked"))
            stateDict[prefix + "num_batches_tracked"] = num_batches_tracked ?? Torch.Tensor(0L);
    }

    /// <summary>The momentum to use this step (bumps num_batches_tracked in training, as PyTorch does).</summary>
    protected double StepMomentum()
    {
        double f = Momentum ?? 0.0;
        if (Training && TrackRunningStats && num_batches_tracked is not null)
        {
            // an in-place op, not a raw write, so graph capture sees it; only momentum=None reads the count back
            using (Torch.NoGrad()) num_batches_tracked.Add_(1);
            f = Momentum is { } m ? m : 1.0 / num_batches_tracked.Item<long>();
        }
        return f;
    }

    protected abstract void CheckInputDim(Tensor input);

    public override string ExtraRepr()
        => $"{NumFeatures}, eps={Py(Eps)}, momentum={(Momentum is { } m ? Py(m) : "None")}, affine={Py(Affine)}, track_running_stats={Py(TrackRunningStats)}";
}

/// <summary>Batch normalization: batch statistics in training (updating the running ones), running ones in eval.</summary>
public abstract class BatchNormBase(long numFeatures, double eps, double? momentum, bool affine, bool trackRunningStats, DType? dtype)
    : NormBase(numFeatures, eps, momentum, affine, trackRunningStats, dtype)
{
    public override Tensor Forward(Tensor input)
    {
        CheckInputDim(input);
        double f = StepMomentum();
        bool useBatch = Training || running_mean is null;
        return Functional.BatchNorm(input, !Training || TrackRunningStats ? running_mean : null, !Training || TrackRunningStats ? running_var : null,
            weight, bias, useBatch, f, Eps);
    }
}

public sealed class BatchNorm1d(long numFeatures, double eps = 1e-5, double? momentum = 0.1, bool affine = true, bool trackRunningStats = true, DType? dtype = null)
    : BatchNormBase(numFeatures, eps, momentum, affine, trackRunningStats, dtype)
{
    protected override void CheckInputDim(Tensor input)
    {
        if (input.Dim is not (2 or 3)) throw new ArgumentException($"expected 2D or 3D input (got {input.Dim}D input)");
    }
}

public sealed class BatchNorm2d(long numFeatures, double eps = 1e-5, double? momentum = 0.1, bool affine = true, bool trackRunningStats = true, DType? dtype = null)
    : BatchNormBase(numFeatures, eps, momentum, affine, trackRunningStats, dtype)
{
    protected override void CheckInputDim(Tensor input)
    {
        if (input.Dim != 4) throw new ArgumentException($"expected 4D input (got {input.Dim}D input)");
    }
}

public sealed class BatchNorm3d(long numFeatures, double eps = 1e-5, double? momentum = 0.1, bool affine = true, bool trackRunningStats = true, DType? dtype = null)
    : BatchNormBase(numFeatures, eps, momentum, affine, trackRunningStats, dtype)
{
    protected override void CheckInputDim(Tensor input)
    {
        if (input.Dim != 5) throw new ArgumentException($"expected 5D input (got {input.Dim}D input)");
    }
}

/// <summary>Instance normalization (affine and running stats off by default); unbatched input is accepted.</summary>
public abstract class InstanceNormBase(long numFeatures, double eps, double momentum, bool affine, bool trackRunningStats, DType? dtype, int spatialDims)
    : NormBase(numFeatures, eps, momentum, affine, trackRunningStats, dtype)
{
    protected override void CheckInputDim(Tensor input)
    {
        if (input.Dim != spatialDims + 1 && input.Dim != spatialDims + 2)
            throw new ArgumentException($"expected {spatialDims + 1}D or {spatialDims + 2}D input (got {input.Dim}D input)");
    }

    public override Tensor Forward(Tensor input)
    {
        CheckInputDim(input);
        bool unbatched = input.Dim == spatialDims + 1;
        if (unbatched) input = input.Unsqueeze(0);
        var y = Functional.InstanceNorm(input, running_mean, running_var, weight, bias,
            Training || !TrackRunningStats, Momentum ?? 0.1, Eps);
        return unbatched ? y.Squeeze(0) : y;
    }
}

public sealed class InstanceNorm1d(long numFeatures, double eps = 1e-5, double momentum = 0.1, bool affine = false, bool trackRunningStats = false, DType? dtype = null)
    : InstanceNormBase(numFeatures, eps, momentum, affine, trackRunningStats, dtype, 1);

public sealed class InstanceNorm2d(long numFeatures, double eps = 1e-5, double momentum = 0.1, bool affine = false, bool trackRunningStats = false, DType? dtype = null)
    : InstanceNormBase(numFeatures, eps, momentum, affine, trackRunningStats, dtype, 2);

public sealed class InstanceNorm3d(long numFeatures, double eps = 1e-5, double momentum = 0.1, bool affine = false, bool trackRunningStats = false, DType? dtype = null)
    : InstanceNormBase(numFeatures, eps, momentum, affine, trackRunningStats, dtype, 3);

/// <summary>Normalizes over the trailing normalizedShape dims; elementwise weight (ones) and bias (zeros).</summary>
public sealed class LayerNorm : Module<Tensor, Tensor>
{
    public Parameter? weight;
    public Parameter? bias;
    public long[] NormalizedShape { get; }
    public double Eps { get; }
    public bool ElementwiseAffine { get; }

    public LayerNorm(long[] normalizedShape, double eps = 1e-5, bool elementwiseAffine = true, DType? dtype = null)
    {
        NormalizedShape = normalizedShape; Eps = eps; ElementwiseAffine = elementwiseAffine;
        if (elementwiseAffine)
        {
            weight = new Parameter(Torch.Ones(normalizedShape, dtype ?? Torch.DefaultDType));
            bias = new Parameter(Torch.Zeros(normalizedShape, dtype ?? Torch.DefaultDType));
        }
    }

    public LayerNorm(long normalizedShape, double eps = 1e-5, bool elementwiseAffine = true, DType? dtype = null)
        : this([normalizedShape], eps, elementwiseAffine, dtype) { }

    public override Tensor Forward(Tensor input) => Functional.LayerNorm(input, NormalizedShape, weight, bias, Eps);

    public override string ExtraRepr()
        => $"({string.Join(", ", NormalizedShape)}{(NormalizedShape.Length == 1 ? "," : "")}), eps={Py(Eps)}, elementwise_affine={Py(ElementwiseAffine)}";
}

public sealed class GroupNorm : Module<Tensor, Tensor>
{
    public Parameter? weight;
    public Parameter? bias;
    public int NumGroups { get; }
    public long NumChannels { get; }
    public double Eps { get; }
    public bool Affine { get; }

    public GroupNorm(int numGroups, long numChannels, double eps = 1e-5, bool affine = true, DType? dtype = null)
    {
        if (numChannels % numGroups != 0) throw new ArgumentException("num_channels must be divisible by num_groups");
        NumGroups = numGroups; NumChannels = numChannels; Eps = eps; Affine = affine;
        if (affine)
        {
            weight = new Parameter(Torch.Ones([numChannels], dtype ?? Torch.DefaultDType));
            bias = new Parameter(Torch.Zeros([numChannels], dtype ?? Torch.DefaultDType));
        }
    }

    public override Tensor Forward(Tensor input) => Functional.GroupNorm(input, NumGroups, weight, bias, Eps);
    public override string ExtraRepr() => $"{NumGroups}, {NumChannels}, eps={Py(Eps)}, affine={Py(Affine)}";
}

public sealed class LocalResponseNorm(int size, double alpha = 1e-4, double beta = 0.75, double k = 1.0) : Module<Tensor, Tensor>
{
    public int Size { get; } = size;
    public double Alpha { get; } = alpha;
    public double Beta { get; } = beta;
    public double K { get; } = k;
    public override Tensor Forward(Tensor input) => Functional.LocalResponseNorm(input, Size, Alpha, Beta, K);
    public override string ExtraRepr() => $"{Size}, alpha={Py(Alpha)}, beta={Py(Beta)}, k={Py(K)}";
}
