namespace Flint.NN;

public static partial class Functional
{
    /// <summary>
    /// F.scaled_dot_product_attention (PyTorch 2's formula): softmax(q kᵀ · scale + bias) v, where a bool mask keeps
    /// the positions that are True, a float mask is added, and isCausal masks the upper triangle.
    /// </summary>
    public static Tensor ScaledDotProductAttention(Tensor query, Tensor key, Tensor value, Tensor? attnMask = null,
        double dropoutP = 0.0, bool isCausal = false, double? scale = null)
    {
        if (isCausal && attnMask is not null) throw new ArgumentException("_scaled_dot_product_attention: Explicit attn_mask should not be set when is_causal=True");
        long l = query.Size(-2), s = key.Size(-2);
        double sc = scale ?? 1.0 / Math.Sqrt(query.Size(-1));
        var scores = query.Matmul(key.Transpose(-2, -1)) * sc;
        if (isCausal)
        {
            var keep = Torch.Ones([l, s], DType.Bool).Tril();
            scores = scores.MaskedFill(keep.LogicalNot(), double.NegativeInfinity);
        }
        if (attnMask is not null)
            scores = attnMask.DType == DType.Bool ? scores.MaskedFill(attnMask.LogicalNot(), double.NegativeInfinity) : scores + attnMask;
        var attn = scores.Softmax(-1);
        if (dropoutP > 0) attn = Dropout(attn, dropoutP, true);
        return attn.Matmul(value);
    }
}

/// <summary>The out projection of MultiheadAttention (PyTorch names its class so that quantization skips it).</summary>
public sealed class NonDynamicallyQuantizableLinear(long inFeatures, long outFeatures, bool hasBias = true, DType? dtype = null)
    : Linear(inFeatures, outFeatures, hasBias, dtype);

/// <summary>
/// nn.MultiheadAttention: packed in_proj_weight [3E, E] (or q/k/v_proj_weight when kdim/vdim differ), in_proj_bias,
/// out_proj; masks as PyTorch 1.13 (bool = masked out, float = added; key_padding_mask [B, S]); returns the output
/// and, with needWeights, the attention weights averaged over heads (or per head).
/// </summary>
public sealed class MultiheadAttention : Module<Tensor, Tensor, Tensor, (Tensor Output, Tensor? Weights)>
{
    public Parameter? in_proj_weight;
    public Parameter? q_proj_weight;
    public Parameter? k_proj_weight;
    public Parameter? v_proj_weight;
    public Parameter? in_proj_bias;
    public NonDynamicallyQuantizableLinear out_proj;
    public long EmbedDim { get; }
    public int NumHeads { get; }
    public double Dropout { get; }
    public bool BatchFirst { get; }
    public long KDim { get; }
    public long VDim { get; }
    private readonly long _headDim;

    public MultiheadAttention(long embedDim, int numHeads, double dropout = 0.0, bool bias = true, long? kdim = null, long? vdim = null,
        bool batchFirst = false, DType? dtype = null)
    {
        if (embedDim <= 0 || numHeads <= 0) throw new ArgumentException($"embed_dim and num_heads must be greater than 0, got embed_dim={embedDim} and num_heads={numHeads} instead");
        EmbedDim = embedDim; NumHeads = numHeads; Dropout = dropout; BatchFirst = batchFirst;
        KDim = kdim ?? embedDim; VDim = vdim ?? embedDim;
        _headDim = embedDim / numHeads;
        if (_headDim * numHeads != embedDim) throw new ArgumentException("embed_dim must be divisible by num_heads");
        var dt = dtype ?? Torch.DefaultDType;
        if (KDim == embedDim && VDim == embedDim) in_proj_weight = new Parameter(Torch.Empty([3 * embedDim, embedDim], dt));
        else
        {
            q_proj_weight = new Parameter(Torch.Empty([embedDim, embedDim], dt));
            k_proj_weight = new Parameter(Torch.Empty([embedDim, KDim], dt));
            v_proj_weight = new Parameter(Torch.Empty([embedDim, VDim], dt));
        }
        if (bias) in_proj_bias = new Parameter(Torch.Empty([3 * embedDim], dt));
        // PyTorch builds out_proj (drawing its default init) before _reset_parameters draws the in-projection.
        out_proj = new NonDynamicallyQuantizableLinear(embedDim, embedDim, bias, dt);
        if (in_proj_weight is not null) Init.XavierUniform_(in_proj_weight);
        else { Init.XavierUniform_(q_proj_weight!); Init.XavierUniform_(k_proj_weight!); Init.XavierUniform_(v_proj_weight!); }
        if (in_proj_bias is not null) { Init.Constant_(in_proj_bias, 0); Init.Constant_(out_proj.bias!, 0); }
    }

    public override (Tensor Output, Tensor? Weights) Forward(Tensor query, Tensor key, Tensor value)
        => Forward(query, key, value, null, true, null, true);

    public (Tensor Output, Tensor? Weights) Forward(Tensor query, Tensor key, Tensor value, Tensor? keyPaddingMask = null,
        bool needWeights = true, Tensor? attnMask = null, bool averageAttnWeights = true)
    {
        bool batched = query.Dim == 3, selfAttention = ReferenceEquals(query, key) && ReferenceEquals(key, value);
        if (!batched)
        {
            query = query.Unsqueeze(1); key = key.Unsqueeze(1); value = value.Unsqueeze(1);
            keyPaddingMask = keyPaddingMask?.Unsqueeze(0);
        }
        else if (BatchFirst)
        {
            query = query.Transpose(0, 1); key = key.Transpose(0, 1); value = value.Transpose(0, 1);
        }
        long L = query.Size(0), B = query.Size(1), S = key.Size(0), E = EmbedDim, H = NumHeads, hd = _headDim;
        if (query.Size(2) != E) throw new ArgumentException($"was expecting embedding dimension of {E}, but got {query.Size(2)}");

        Tensor q, k, v;
        if (in_proj_weight is not null && selfAttention)
        {
            // self-attention: one projection GEMM with the packed [3E, E] weight, split into q, k, v (as PyTorch does)
            var qkv = Torch.Linear(query, in_proj_weight, in_proj_bias).Chunk(3, -1);
            (q, k, v) = (qkv[0], qkv[1], qkv[2]);
        }
        else if (in_proj_weight is not null)
        {
            var w = in_proj_weight.Chunk(3, 0);
            var b = in_proj_bias?.Chunk(3, 0);
            q = Torch.Linear(query, w[0], b?[0]); k = Torch.Linear(key, w[1], b?[1]); v = Torch.Linear(value, w[2], b?[2]);
        }
        else
        {
            var b = in_proj_bias?.Chunk(3, 0);
            q = Torch.Linear(query, q_proj_weight!, b?[0]); k = Torch.Linear(key, k_proj_weight!, b?[1]); v = Torch.Linear(value, v_proj_weight!, b?[2]);
        }
        // [L, B, E] → [B·H, L, hd]
        q = q.Contiguous().View(L, B * H, hd).Transpose(0, 1);
        k = k.Contiguous().View(S, B * H, hd).Transpose(0, 1);
        v = v.Contiguous().View(S, B * H, hd).Transpose(0, 1);

        Tensor? mask = null;
        if (attnMask is not null)
        {
            if (attnMask.Dim == 2)
            {
                if (attnMask.Size(0) != L || attnMask.Size(1) != S)
                    throw new ArgumentException($"The shape of the 2D attn_mask is {ShapeUtil.Format(attnMask._sizes)}, but should be ({L}, {S}).");
                mask = attnMask.Unsqueeze(0);
            }
            else if (attnMask.Dim == 3)
            {
                if (attnMask.Size(0) != B * H || attnMask.Size(1) != L || attnMask.Size(2) != S)
                    throw new ArgumentException($"The shape of the 3D attn_mask is {ShapeUtil.Format(attnMask._sizes)}, but should be ({B * H}, {L}, {S}).");
                mask = attnMask;
            }
            else throw new ArgumentException($"attn_mask's dimension {attnMask.Dim} is not supported");
        }
        if (keyPaddingMask is not null)
        {
            if (keyPaddingMask.Size(0) != B || keyPaddingMask.Size(1) != S)
                throw new ArgumentException($"expecting key_padding_mask shape of ({B}, {S}), but got {ShapeUtil.Format(keyPaddingMask._sizes)}");
            var kpm = keyPaddingMask.View(B, 1, 1, S).Expand(-1, H, -1, -1).Reshape(B * H, 1, S);
            if (kpm.DType != DType.Bool) mask = mask is null ? kpm : mask + kpm;
            else if (mask is null) mask = kpm;
            else mask = mask.DType == DType.Bool ? mask.LogicalOr(kpm) : mask.MaskedFill(kpm, double.NegativeInfinity);
        }
        if (mask is not null && mask.DType == DType.Bool)
            mask = Torch.Zeros(mask.Shape, q.DType).MaskedFill(mask, double.NegativeInfinity);

        // PyTorch scales q by 1/√hd before the product; folding the scale into the product's alpha saves a pass over q
        // forward and one over its gradient backward (and is exact when hd is a power of 4, as for 64-wide heads).
        double scale = 1.0 / Math.Sqrt(hd);
        var scores = Torch.Baddbmm(mask ?? Torch.Zeros([1, 1, 1], q.DType), q, k.Transpose(-2, -1), beta: mask is null ? 0 : 1, alpha: scale);
        var weights = scores.Softmax(-1);
        if (Dropout > 0 && Training) weights = Functional.Dropout(weights, Dropout, true);
        var o = weights.Bmm(v);                                   // [B·H, L, hd]
        o = o.Transpose(0, 1).Contiguous().View(L * B, E);
        o = Torch.Linear(o, out_proj.weight, out_proj.bias).View(L, B, E);

        Tensor? attnWeights = null;
        if (needWeights)
        {
            attnWeights = weights.View(B, H, L, S);
            if (averageAttnWeights) attnWeights = attnWeights.Sum(1) / H;
            if (!batched) attnWeights = attnWeights.Squeeze(0);
        }
        if (!batched) o = o.Squeeze(1);
        else if (BatchFirst) o = o.Transpose(0, 1);
        return (o, attnWeights);
    }
}
