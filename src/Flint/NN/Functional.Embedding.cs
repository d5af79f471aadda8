namespace Flint.NN;

public static partial class Functional
{
    /// <summary>
    /// Looks up rows of weight for each index. padding_idx gets no gradient; max_norm first renormalizes (in place,
    /// without autograd) the referenced rows whose norm exceeds it, as PyTorch does.
    /// </summary>
    public static Tensor Embedding(Tensor input, Tensor weight, long? paddingIdx = null, double? maxNorm = null, double normType = 2.0,
        bool scaleGradByFreq = false, bool sparse = false)
    {
        if (input.DType is not (DType.Int64 or DType.Int32))
            throw new ArgumentException($"Expected tensor for argument #1 'indices' to have one of the following scalar types: Long, Int; but got torch.{Tensor.CastName(input.DType)}Tensor instead (while checking arguments for embedding)");
        long pad = -1;
        if (paddingIdx is { } p)
        {
            long n = weight._sizes[0];
            if (p >= n || p < -n) throw new ArgumentException("Padding_idx must be within num_embeddings");
            pad = p < 0 ? p + n : p;
        }
        if (maxNorm is { } mn) EmbeddingRenorm(weight, input, mn, normType);
        return Dispatcher.Call1(new EmbeddingOp(pad, scaleGradByFreq), [weight, input]);
    }

    /// <summary>embedding_renorm_: rows referenced by indices with norm &gt; maxNorm are scaled to maxNorm/(norm+1e-7).</summary>
    internal static void EmbeddingRenorm(Tensor weight, Tensor indices, double maxNorm, double normType)
    {
        using var _ = Torch.NoGrad();
        var idx = indices.CastRaw(DType.Int64).ContiguousRaw().RawSpan<long>().ToArray();
        Array.Sort(idx);
        long prev = long.MinValue;
        foreach (var r in idx)
        {
            if (r == prev) continue;
            prev = r;
            var row = weight.Select(0, r);
            double norm = row.Detach().To(DType.Float64).Abs().Pow(normType).Sum().Item();
            norm = Math.Pow(norm, 1.0 / normType);
            if (norm > maxNorm)
            {
                double scale = maxNorm / (norm + 1e-7);
                row.CopyFromRaw(row.Detach() * scale);
            }
        }
    }

    /// <summary>
    /// Sums, averages or takes the max of embedding rows per bag. Bags are the rows of a 2-D input, or runs of a 1-D
    /// input starting at offsets (include_last_offset: offsets has one extra closing entry). per_sample_weights
    /// scales rows (sum mode only); padding_idx rows are left out of their bag (and out of the mean's count).
    /// </summary>
    public static Tensor EmbeddingBag(Tensor input, Tensor weight, Tensor? offsets = null, double? maxNorm = null, double normType = 2,
        bool scaleGradByFreq = false, string mode = "mean", bool sparse = false, Tensor? perSampleWeights = null,
        bool includeLastOffset = false, long? paddingIdx = null)
    {
        if (mode is not ("sum" or "mean" or "max")) throw new ArgumentException($"mode has to be one of sum, mean or max");
        if (perSampleWeights is not null && mode != "sum")
            throw new ArgumentException($"embedding_bag: per_sample_weights was not None. per_sample_weights is only supported for mode='sum' (got mode='{mode}'). Please open a feature request on GitHub.");
        Tensor flat;
        long[] starts;
        int nBags;
        if (input.Dim == 2)
        {
            if (offsets is not null) throw new ArgumentException("if input is 2D, then offsets has to be None, as input is treated is a mini-batch of fixed length sequences.");
            nBags = input._sizes[0];
            int len = input._sizes[1];
            flat = input.Reshape(-1);
            starts = new long[nBags + 1];
            for (int b = 0; b <= nBags; b++) starts[b] = (long)b * len;
            if (perSampleWeights is not null) perSampleWeights = perSampleWeights.Reshape(-1);
        }
        else if (input.Dim == 1)
        {
            if (offsets is null) throw new ArgumentException("offsets has to be a 1D Tensor but got None");
            if (offsets.Dim != 1) throw new ArgumentException("offsets has to be a 1D Tensor");
            flat = input;
            var off = offsets.CastRaw(DType.Int64).ContiguousRaw().RawSpan<long>().ToArray();
            nBags = includeLastOffset ? off.Length - 1 : off.Length;
            starts = new long[nBags + 1];
            for (int b = 0; b < nBags; b++) starts[b] = off[b];
            starts[nBags] = includeLastOffset ? off[^1] : input._sizes[0];
        }
        else throw new ArgumentException($"input has to be 1D or 2D Tensor, but got Tensor of dimension {input.Dim}");
        if (maxNorm is { } mn) EmbeddingRenorm(weight, flat, mn, normType);

        var idx = flat.CastRaw(DType.Int64).ContiguousRaw().RawSpan<long>().ToArray();
        long pad = paddingIdx is { } p ? (p < 0 ? p + weight._sizes[0] : p) : -1;
        int L = idx.Length, D = weight._sizes[1];
        // bag of each position (−1: padding, left out)
        var bagOf = new long[L];
        var counts = new int[nBags];
        for (int b = 0; b < nBags; b++)
            for (long i = starts[b]; i < starts[b + 1]; i++)
            {
                if (idx[i] == pad) { bagOf[i] = -1; continue; }
                bagOf[i] = b; counts[b]++;
            }
        var rows = Embedding(flat, weight, scaleGradByFreq: scaleGradByFreq); // [L, D]
        if (mode == "max")
        {
            var outRows = new List<Tensor>(nBags);
            for (int b = 0; b < nBags; b++)
            {
                var keep = new List<long>();
                for (long i = starts[b]; i < starts[b + 1]; i++) if (bagOf[i] >= 0) keep.Add(i);
                outRows.Add(keep.Count == 0 ? Torch.Zeros([D], weight.DType)
                    : rows.IndexSelect(0, Torch.Tensor(keep.ToArray(), [keep.Count])).Amax(0));
            }
            return nBags == 0 ? Torch.Zeros([0, D], weight.DType) : Torch.Stack(outRows.ToArray(), 0);
        }
        // sum / mean: one weighted scatter of rows into bags
        var coef = new double[L];
        var bagIdx = new long[L];
        for (int i = 0; i < L; i++)
        {
            bagIdx[i] = Math.Max(0, bagOf[i]);
            coef[i] = bagOf[i] < 0 ? 0 : mode == "mean" ? 1.0 / counts[bagOf[i]] : 1;
        }
        var scaled = rows * Torch.FromArray(coef, L, 1).To(weight.DType);
        if (perSampleWeights is not null) scaled = scaled * perSampleWeights.Reshape(-1, 1);
        return Torch.Zeros([nBags, D], weight.DType).IndexAdd(0, Torch.Tensor(bagIdx, [L]), scaled);
    }

    /// <summary>One-hot encoding of int64 class indices: shape + [numClasses] (−1 infers max + 1).</summary>
    public static Tensor OneHot(Tensor tensor, long numClasses = -1)
    {
        if (tensor.DType != DType.Int64) throw new ArgumentException("one_hot is only applicable to index tensor.");
        var v = tensor.ContiguousRaw().RawSpan<long>().ToArray();
        if (numClasses == -1)
        {
            if (v.Length == 0) throw new ArgumentException("Can not infer total number of classes from empty tensor.");
            numClasses = v.Max() + 1;
        }
        var r = new long[v.Length * numClasses];
        for (int i = 0; i < v.Length; i++)
        {
            if (v[i] < 0) throw new ArgumentException("Class values must be non-negative.");
            if (v[i] >= numClasses) throw new ArgumentException("Class values must be smaller than num_classes.");
            r[i * numClasses + v[i]] = 1;
        }
        var shape = tensor.Shape.Append(numClasses).ToArray();
        return Torch.FromArray(r, shape);
    }
}
