namespace Flint.NN;

/// <summary>What the transformer layers share: the activation function ("relu"/"gelu", a function as in PyTorch), their sub-blocks, deep copies.</summary>
internal static class TransformerActivation
{
    public static Func<Tensor, Tensor> Of(string name) => name switch
    {
        "relu" => x => x.Relu(),
        "gelu" => x => x.Gelu(),
        _ => throw new ArgumentException($"activation should be relu/gelu, not {name}"),
    };

    /// <summary>Self- or cross-attention sub-block: attention without weights, then its dropout.</summary>
    public static Tensor Attend(MultiheadAttention attn, Dropout drop, Tensor q, Tensor kv, Tensor? mask, Tensor? keyPaddingMask)
        => drop.Call(attn.Forward(q, kv, kv, keyPaddingMask, needWeights: false, attnMask: mask).Output);

    /// <summary>Feed-forward sub-block: linear2(dropout(activation(linear1(x)))), then the block's output dropout.</summary>
    public static Tensor FeedForward(Linear linear1, Func<Tensor, Tensor> activation, Dropout dropout, Linear linear2, Dropout outDropout, Tensor x)
        => outDropout.Call(linear2.Call(dropout.Call(activation(linear1.Call(x)))));

    /// <summary>A copy with the same settings and parameter values, drawing nothing from the default generator (deepcopy).</summary>
    public static T DeepCopy<T>(T layer, Func<T> construct) where T : Module
    {
        var state = Generator.Default.GetState();
        var copy = construct();
        Generator.Default.SetState(state);
        using (Torch.NoGrad())
        {
            var src = layer.NamedParameters().ToList();
            var dst = copy.NamedParameters().ToList();
            for (int i = 0; i < src.Count; i++) dst[i].Parameter.Copy_(src[i].Parameter);
        }
        if (!layer.Training) copy.Eval();
        return copy;
    }
}

/// <summary>nn.TransformerEncoderLayer: self-attention and feed-forward blocks, post-norm (default) or pre-norm (normFirst).</summary>
public sealed class TransformerEncoderLayer : Module<Tensor, Tensor>
{
    public MultiheadAttention self_attn;
    public Linear linear1;
    public Dropout dropout;
    public Linear linear2;
    public LayerNorm norm1;
    public LayerNorm norm2;
    public Dropout dropout1;
    public Dropout dropout2;
    public bool NormFirst { get; }
    private readonly Func<Tensor, Tensor> _activation;
    private readonly Func<TransformerEncoderLayer> _rebuild;

    public TransformerEncoderLayer(long dModel, int nhead, long dimFeedforward = 2048, double dropout = 0.1, string activation = "relu",
        double layerNormEps = 1e-5, bool batchFirst = false, bool normFirst = false, DType? dtype = null)
    {
        self_attn = new MultiheadAttention(dModel, nhead, dropout, batchFirst: batchFirst, dtype: dtype);
        linear1 = new Linear(dModel, dimFeedforward, dtype: dtype);
        this.dropout = new Dropout(dropout);
        linear2 = new Linear(dimFeedforward, dModel, dtype: dtype);
        NormFirst = normFirst;
        norm1 = new LayerNorm(dModel, layerNormEps, dtype: dtype);
        norm2 = new LayerNorm(dModel, layerNormEps, dtype: dtype);
        dropout1 = new Dropout(dropout);
        dropout2 = new Dropout(dropout);
        _activation = TransformerActivation.Of(activation);
        _rebuild = () => new TransformerEncoderLayer(dModel, nhead, dimFeedforward, dropout, activation, layerNormEps, batchFirst, normFirst, dtype);
    }

    internal TransformerEncoderLayer DeepCopy() => TransformerActivation.DeepCopy(this, _rebuild);

    public override Tensor Forward(Tensor src) => Forward(src, null, null);

    public Tensor Forward(Tensor src, Tensor? srcMask, Tensor? srcKeyPaddingMask)
    {
        var x = src;
        if (NormFirst)
        {
            x = x + SelfAttention(norm1.Call(x), srcMask, srcKeyPaddingMask);
            x = x + FeedForward(norm2.Call(x));
        }
        else
        {
            x = norm1.Call(x + SelfAttention(x, srcMask, srcKeyPaddingMask));
            x = norm2.Call(x + FeedForward(x));
        }
        return x;
    }

    private Tensor SelfAttention(Tensor x, Tensor? mask, Tensor? kpm) => TransformerActivation.Attend(self_attn, dropout1, x, x, mask, kpm);
    private Tensor FeedForward(Tensor x) => TransformerActivation.FeedForward(linear1, _activation, dropout, linear2, dropout2, x);
}

/// <summary>nn.TransformerDecoderLayer: self-attention, cross-attention over the memory, feed-forward.</summary>
public sealed class TransformerDecoderLayer : Module<Tensor, Tensor, Tensor>
{
    public MultiheadAttention self_attn;
    public MultiheadAttention multihead_attn;
    public Linear linear1;
    public Dropout dropout;
    public Linear linear2;
    public LayerNorm norm1;
    public LayerNorm norm2;
    public LayerNorm norm3;
    public Dropout dropout1;
    public Dropout dropout2;
    public Dropout dropout3;
    public bool NormFirst { get; }
    private readonly Func<Tensor, Tensor> _activation;
    private readonly Func<TransformerDecoderLayer> _rebuild;

    public TransformerDecoderLayer(long dModel, int nhead, long dimFeedforward = 2048, double dropout = 0.1, string activation = "relu",
        double layerNormEps = 1e-5, bool batchFirst = false, bool normFirst = false, DType? dtype = null)
    {
        self_attn = new MultiheadAttention(dModel, nhead, dropout, batchFirst: batchFirst, dtype: dtype);
        multihead_attn = new MultiheadAttention(dModel, nhead, dropout, batchFirst: batchFirst, dtype: dtype);
        linear1 = new Linear(dModel, dimFeedforward, dtype: dtype);
        this.dropout = new Dropout(dropout);
        linear2 = new Linear(dimFeedforward, dModel, dtype: dtype);
        NormFirst = normFirst;
        norm1 = new LayerNorm(dModel, layerNormEps, dtype: dtype);
        norm2 = new LayerNorm(dModel, layerNormEps, dtype: dtype);
        norm3 = new LayerNorm(dModel, layerNormEps, dtype: dtype);
        dropout1 = new Dropout(dropout);
        dropout2 = new Dropout(dropout);
        dropout3 = new Dropout(dropout);
        _activation = TransformerActivation.Of(activation);
        _rebuild = () => new TransformerDecoderLayer(dModel, nhead, dimFeedforward, dropout, activation, layerNormEps, batchFirst, normFirst, dtype);
    }

    internal TransformerDecoderLayer DeepCopy() => TransformerActivation.DeepCopy(this, _rebuild);

    public override Tensor Forward(Tensor tgt, Tensor memory) => Forward(tgt, memory, null, null, null, null);

    public Tensor Forward(Tensor tgt, Tensor memory, Tensor? tgtMask, Tensor? memoryMask, Tensor? tgtKeyPaddingMask, Tensor? memoryKeyPaddingMask)
    {
        var x = tgt;
        if (NormFirst)
        {
            x = x + SelfAttention(norm1.Call(x), tgtMask, tgtKeyPaddingMask);
            x = x + CrossAttention(norm2.Call(x), memory, memoryMask, memoryKeyPaddingMask);
            x = x + FeedForward(norm3.Call(x));
        }
        else
        {
            x = norm1.Call(x + SelfAttention(x, tgtMask, tgtKeyPaddingMask));
            x = norm2.Call(x + CrossAttention(x, memory, memoryMask, memoryKeyPaddingMask));
            x = norm3.Call(x + FeedForward(x));
        }
        return x;
    }

    private Tensor SelfAttention(Tensor x, Tensor? mask, Tensor? kpm) => TransformerActivation.Attend(self_attn, dropout1, x, x, mask, kpm);
    private Tensor CrossAttention(Tensor x, Tensor mem, Tensor? mask, Tensor? kpm) => TransformerActivation.Attend(multihead_attn, dropout2, x, mem, mask, kpm);
    private Tensor FeedForward(Tensor x) => TransformerActivation.FeedForward(linear1, _activation, dropout, linear2, dropout3, x);
}

/// <summary>nn.TransformerEncoder: numLayers deep copies of a layer (identical initial weights, as PyTorch), optional final norm.</summary>
public sealed class TransformerEncoder : Module<Tensor, Tensor>
{
    public ModuleList<TransformerEncoderLayer> layers;
    public LayerNorm? norm;
    public int NumLayers { get; }

    public TransformerEncoder(TransformerEncoderLayer encoderLayer, int numLayers, LayerNorm? norm = null)
    {
        layers = new ModuleList<TransformerEncoderLayer>(Enumerable.Range(0, numLayers).Select(_ => encoderLayer.DeepCopy()));
        this.norm = norm;
        NumLayers = numLayers;
    }

    public override Tensor Forward(Tensor src) => Forward(src, null, null);

    public Tensor Forward(Tensor src, Tensor? mask, Tensor? srcKeyPaddingMask)
    {
        var x = src;
        foreach (var layer in layers) x = layer.Forward(x, mask, srcKeyPaddingMask);
        return norm is null ? x : norm.Call(x);
    }
}

/// <summary>nn.TransformerDecoder.</summary>
public sealed class TransformerDecoder : Module<Tensor, Tensor, Tensor>
{
    public ModuleList<TransformerDecoderLayer> layers;
    public LayerNorm? norm;
    public int NumLayers { get; }

    public TransformerDecoder(TransformerDecoderLayer decoderLayer, int numLayers, LayerNorm? norm = null)
    {
        layers = new ModuleList<TransformerDecoderLayer>(Enumerable.Range(0, numLayers).Select(_ => decoderLayer.DeepCopy()));
        this.norm = norm;
        NumLayers = numLayers;
    }

    public override Tensor Forward(Tensor tgt, Tensor memory) => Forward(tgt, memory, null, null, null, null);

    public Tensor Forward(Tensor tgt, Tensor memory, Tensor? tgtMask, Tensor? memoryMask, Tensor? tgtKeyPaddingMask, Tensor? memoryKeyPaddingMask)
    {
        var x = tgt;
        foreach (var layer in layers) x = layer.Forward(x, memory, tgtMask, memoryMask, tgtKeyPaddingMask, memoryKeyPaddingMask);
        return norm is null ? x : norm.Call(x);
    }
}

/// <summary>nn.Transformer: encoder and decoder stacks with final norms; every matrix re-initialized xavier_uniform_ as PyTorch does.</summary>
public sealed class Transformer : Module<Tensor, Tensor, Tensor>
{
    public TransformerEncoder encoder;
    public TransformerDecoder decoder;
    public long DModel { get; }
    public int NHead { get; }
    public bool BatchFirst { get; }

    public Transformer(long dModel = 512, int nhead = 8, int numEncoderLayers = 6, int numDecoderLayers = 6, long dimFeedforward = 2048,
        double dropout = 0.1, string activation = "relu", double layerNormEps = 1e-5, bool batchFirst = false, bool normFirst = false, DType? dtype = null)
    {
        var encLayer = new TransformerEncoderLayer(dModel, nhead, dimFeedforward, dropout, activation, layerNormEps, batchFirst, normFirst, dtype);
        encoder = new TransformerEncoder(encLayer, numEncoderLayers, new LayerNorm(dModel, layerNormEps, dtype: dtype));
        var decLayer = new TransformerDecoderLayer(dModel, nhead, dimFeedforward, dropout, activation, layerNormEps, batchFirst, normFirst, dtype);
        decoder = new TransformerDecoder(decLayer, numDecoderLayers, new LayerNorm(dModel, layerNormEps, dtype: dtype));
        DModel = dModel; NHead = nhead; BatchFirst = batchFirst;
        foreach (var p in Parameters())
            if (p.Dim > 1) Init.XavierUniform_(p);
    }

    public override Tensor Forward(Tensor src, Tensor tgt) => Forward(src, tgt, null, null, null, null, null, null);

    public Tensor Forward(Tensor src, Tensor tgt, Tensor? srcMask, Tensor? tgtMask, Tensor? memoryMask,
        Tensor? srcKeyPaddingMask, Tensor? tgtKeyPaddingMask, Tensor? memoryKeyPaddingMask)
    {
        long bSrc = src.Size(BatchFirst ? 0 : 1), bTgt = tgt.Size(BatchFirst ? 0 : 1);
        if (src.Dim == 3 && bSrc != bTgt) throw new ArgumentException("the batch number of src and tgt must be equal");
        if (src.Size(-1) != DModel || tgt.Size(-1) != DModel) throw new ArgumentException("the feature number of src and tgt must be equal to d_model");
        var memory = encoder.Forward(src, srcMask, srcKeyPaddingMask);
        return decoder.Forward(tgt, memory, tgtMask, memoryMask, tgtKeyPaddingMask, memoryKeyPaddingMask);
    }

    /// <summary>A square mask for the sequence: −inf above the diagonal, 0 elsewhere.</summary>
    public static Tensor GenerateSquareSubsequentMask(long sz) => Torch.Full([sz, sz], double.NegativeInfinity).Triu(1);
}
