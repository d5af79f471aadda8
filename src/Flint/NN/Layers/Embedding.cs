namespace Flint.NN;

/// <summary>A lookup table of num_embeddings vectors of size embedding_dim, initialised N(0, 1) with the padding row zeroed.</summary>
public sealed class Embedding : Module<Tensor, Tensor>
{
    public Parameter weight;
    public long NumEmbeddings { get; }
    public long EmbeddingDim { get; }
    public long? PaddingIdx { get; }
    public double? MaxNorm { get; }
    public double NormType { get; }
    public bool ScaleGradByFreq { get; }
    public bool Sparse { get; }

    public Embedding(long numEmbeddings, long embeddingDim, long? paddingIdx = null, double? maxNorm = null, double normType = 2.0,
        bool scaleGradByFreq = false, bool sparse = false, Tensor? weight = null, bool freeze = false, DType? dtype = null)
    {
        NumEmbeddings = numEmbeddings; EmbeddingDim = embeddingDim;
        if (paddingIdx is { } p)
        {
            if (p >= numEmbeddings || p < -numEmbeddings) throw new ArgumentException("Padding_idx must be within num_embeddings");
            PaddingIdx = p < 0 ? p + numEmbeddings : p;
        }
        MaxNorm = maxNorm; NormType = normType; ScaleGradByFreq = scaleGradByFreq; Sparse = sparse;
        if (weight is null)
        {
            this.weight = new Parameter(Torch.Empty([numEmbeddings, embeddingDim], dtype ?? Torch.DefaultDType));
            ResetParameters();
        }
        else
        {
            if (weight.Size(0) != numEmbeddings || weight.Size(1) != embeddingDim) throw new ArgumentException("Shape of weight does not match num_embeddings and embedding_dim");
            this.weight = new Parameter(weight, requiresGrad: !freeze);
        }
    }

    public void ResetParameters()
    {
        Init.Normal_(weight);
        if (PaddingIdx is { } p) weight.Select(0, p).Detach().FillRaw(0);
    }

    /// <summary>An Embedding over given vectors (copied into the parameter's data, shared); frozen by default.</summary>
    public static Embedding FromPretrained(Tensor embeddings, bool freeze = true, long? paddingIdx = null, double? maxNorm = null,
        double normType = 2.0, bool scaleGradByFreq = false, bool sparse = false)
    {
        if (embeddings.Dim != 2) throw new ArgumentException("Embeddings parameter is expected to be 2-dimensional");
        return new Embedding(embeddings.Size(0), embeddings.Size(1), paddingIdx, maxNorm, normType, scaleGradByFreq, sparse, embeddings.Detach(), freeze);
    }

    public override Tensor Forward(Tensor input) => Functional.Embedding(input, weight, PaddingIdx, MaxNorm, NormType, ScaleGradByFreq, Sparse);

    public override string ExtraRepr()
    {
        var s = $"{NumEmbeddings}, {EmbeddingDim}";
        if (PaddingIdx is { } p) s += $", padding_idx={p}";
        if (MaxNorm is { } m) s += $", max_norm={Py(m)}";
        if (NormType != 2) s += $", norm_type={Py(NormType)}";
        if (ScaleGradByFreq) s += ", scale_grad_by_freq=True";
        if (Sparse) s += ", sparse=True";
        return s;
    }
}

/// <summary>Sums / averages / maxes the embeddings of each bag without materialising the per-index rows' output.</summary>
public sealed class EmbeddingBag : Module<Tensor, Tensor, Tensor>
{
    public Parameter weight;
    public long NumEmbeddings { get; }
    public long EmbeddingDim { get; }
    public double? MaxNorm { get; }
    public double NormType { get; }
    public bool ScaleGradByFreq { get; }
    public string Mode { get; }
    public bool Sparse { get; }
    public bool IncludeLastOffset { get; }
    public long? PaddingIdx { get; }

    public EmbeddingBag(long numEmbeddings, long embeddingDim, double? maxNorm = null, double normType = 2.0, bool scaleGradByFreq = false,
        string mode = "mean", bool sparse = false, Tensor? weight = null, bool includeLastOffset = false, long? paddingIdx = null, DType? dtype = null)
    {
        NumEmbeddings = numEmbeddings; EmbeddingDim = embeddingDim; MaxNorm = maxNorm; NormType = normType;
        ScaleGradByFreq = scaleGradByFreq; Mode = mode; Sparse = sparse; IncludeLastOffset = includeLastOffset;
        if (paddingIdx is { } p)
        {
            if (p >= numEmbeddings || p < -numEmbeddings) throw new ArgumentException("padding_idx must be within num_embeddings");
            PaddingIdx = p < 0 ? p + numEmbeddings : p;
        }
        if (weight is null)
        {
            this.weight = new Parameter(Torch.Empty([numEmbeddings, embeddingDim], dtype ?? Torch.DefaultDType));
            Init.Normal_(this.weight);
            if (PaddingIdx is { } pi) this.weight.Select(0, pi).Detach().FillRaw(0);
        }
        else this.weight = new Parameter(weight);
    }

    /// <summary>Bags from offsets (1-D input) or rows (2-D input with offsets null).</summary>
    public override Tensor Forward(Tensor input, Tensor offsets) => Forward(input, offsets, null);

    public Tensor Forward(Tensor input, Tensor? offsets, Tensor? perSampleWeights)
        => Functional.EmbeddingBag(input, weight, offsets, MaxNorm, NormType, ScaleGradByFreq, Mode, Sparse, perSampleWeights, IncludeLastOffset, PaddingIdx);

    /// <summary>2-D input: each row is a bag.</summary>
    public Tensor Call(Tensor input) => Forward(input, null, null);

    public override string ExtraRepr()
    {
        var s = $"{NumEmbeddings}, {EmbeddingDim}";
        if (MaxNorm is { } m) s += $", max_norm={Py(m)}";
        if (NormType != 2) s += $", norm_type={Py(NormType)}";
        if (ScaleGradByFreq) s += ", scale_grad_by_freq=True";
        s += $", mode={Mode}";
        if (PaddingIdx is { } p) s += $", padding_idx={p}";
        return s;
    }
}

/// <summary>y = x1ᵀ A x2 + b for each output feature. A: [out, in1, in2]; A and b uniform(±1/√in1).</summary>
public sealed class Bilinear : Module<Tensor, Tensor, Tensor>
{
    public Parameter weight;
    public Parameter? bias;
    public long In1Features { get; }
    public long In2Features { get; }
    public long OutFeatures { get; }

    public Bilinear(long in1Features, long in2Features, long outFeatures, bool hasBias = true, DType? dtype = null)
    {
        In1Features = in1Features; In2Features = in2Features; OutFeatures = outFeatures;
        var dt = dtype ?? Torch.DefaultDType;
        weight = new Parameter(Torch.Empty([outFeatures, in1Features, in2Features], dt));
        bias = hasBias ? new Parameter(Torch.Empty([outFeatures], dt)) : null;
        ResetParameters();
    }

    public void ResetParameters()
    {
        double bound = 1 / Math.Sqrt(weight.Size(1));
        Init.Uniform_(weight, -bound, bound);
        if (bias is not null) Init.Uniform_(bias, -bound, bound);
    }

    public override Tensor Forward(Tensor input1, Tensor input2) => Functional.Bilinear(input1, input2, weight, bias);

    public override string ExtraRepr() => $"in1_features={In1Features}, in2_features={In2Features}, out_features={OutFeatures}, bias={Py(bias is not null)}";
}
