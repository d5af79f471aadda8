namespace Flint.NN;

/// <summary>
/// A batch of variable-length sequences packed time-major (PyTorch's PackedSequence): at step t the first
/// BatchSizes[t] sequences (sorted by decreasing length) are present, and their rows follow each other in Data.
/// </summary>
public sealed record PackedSequence(Tensor Data, long[] BatchSizes, Tensor? SortedIndices, Tensor? UnsortedIndices)
{
    public override string ToString()
        => $"PackedSequence(data={Data}, batch_sizes={Torch.Tensor(BatchSizes, [BatchSizes.Length])}, sorted_indices={SortedIndices?.ToString() ?? "None"}, unsorted_indices={UnsortedIndices?.ToString() ?? "None"})";
}

/// <summary>torch.nn.utils.rnn: packing and padding of variable-length sequences.</summary>
public static class RnnUtils
{
    /// <summary>Packs a padded batch [T, B, *] (or [B, T, *] with batchFirst) whose sequences have the given lengths.</summary>
    public static PackedSequence PackPaddedSequence(Tensor input, long[] lengths, bool batchFirst = false, bool enforceSorted = true)
    {
        int b = lengths.Length;
        Tensor? sorted = null, unsorted = null;
        var order = Enumerable.Range(0, b).ToArray();
        if (enforceSorted)
        {
            for (int i = 1; i < b; i++)
                if (lengths[i] > lengths[i - 1])
                    throw new ArgumentException("`lengths` array must be sorted in decreasing order when `enforce_sorted` is True. You can pass `enforce_sorted=False` to pack_padded_sequence and/or pack_sequence to sidestep this requirement if you do not need ONNX exportability.");
        }
        else
        {
            // stable sort by decreasing length, as torch.sort(descending=True) gives for these small lists
            order = order.OrderByDescending(i => lengths[i]).ToArray();
            sorted = Torch.Tensor(order.Select(i => (long)i).ToArray(), [b]);
            var inv = new long[b];
            for (int i = 0; i < b; i++) inv[order[i]] = i;
            unsorted = Torch.Tensor(inv, [b]);
            input = input.IndexSelect(batchFirst ? 0 : 1, sorted);
        }
        var sortedLengths = order.Select(i => lengths[i]).ToArray();
        foreach (var l in sortedLengths)
            if (l <= 0) throw new ArgumentException("Length of all samples has to be greater than 0, but found an element in 'lengths' that is <= 0");
        if (batchFirst) input = input.Transpose(0, 1);
        long maxLen = sortedLengths[0];
        if (maxLen > input.Size(0))
            throw new ArgumentException($"Expected sequence length to be larger than or equal to {maxLen}, but got {input.Size(0)}");
        var batchSizes = new long[maxLen];
        var pieces = new Tensor[maxLen];
        for (int t = 0; t < maxLen; t++)
        {
            batchSizes[t] = sortedLengths.Count(l => l > t);
            pieces[t] = input.Select(0, t).Narrow(0, 0, batchSizes[t]);
        }
        return new PackedSequence(Torch.Cat(pieces, 0), batchSizes, sorted, unsorted);
    }

    /// <summary>The inverse of packing: (padded [T, B, *] or [B, T, *], lengths in the original batch order).</summary>
    public static (Tensor Padded, Tensor Lengths) PadPackedSequence(PackedSequence sequence, bool batchFirst = false, double paddingValue = 0, long? totalLength = null)
    {
        var bs = sequence.BatchSizes;
        int T = bs.Length, B = (int)bs[0];
        long total = totalLength ?? T;
        if (total < T)
            throw new ArgumentException($"Expected total_length to be at least the length of the longest sequence in input, but got total_length={total} and max sequence length being {T}");
        var data = sequence.Data;
        var rowShape = data.Shape[1..];
        var steps = new Tensor[total];
        long offset = 0;
        for (int t = 0; t < total; t++)
        {
            long n = t < T ? bs[t] : 0;
            var rows = n > 0 ? data.Narrow(0, offset, n) : null;
            offset += n;
            if (n == B) { steps[t] = rows!; continue; }
            var pad = Torch.Full([B - n, .. rowShape], paddingValue, data.DType);
            steps[t] = rows is null ? pad : Torch.Cat([rows, pad], 0);
        }
        var padded = Torch.Stack(steps, 0);
        var lengths = new long[B];
        for (int i = 0; i < B; i++) lengths[i] = bs.Count(x => x > i);
        var lengthT = Torch.Tensor(lengths, [B]);
        if (sequence.UnsortedIndices is { } u)
        {
            padded = padded.IndexSelect(1, u);
            lengthT = lengthT.IndexSelect(0, u);
        }
        return (batchFirst ? padded.Transpose(0, 1) : padded, lengthT);
    }

    /// <summary>Stacks sequences of different lengths [L_i, *] into [T, B, *] (or [B, T, *]), padding the ends.</summary>
    public static Tensor PadSequence(Tensor[] sequences, bool batchFirst = false, double paddingValue = 0)
    {
        long maxLen = sequences.Max(s => s.Size(0));
        var padded = sequences.Select(s =>
        {
            long n = s.Size(0);
            if (n == maxLen) return s;
            return Torch.Cat([s, Torch.Full([maxLen - n, .. s.Shape[1..]], paddingValue, s.DType)], 0);
        }).ToArray();
        return Torch.Stack(padded, batchFirst ? 0 : 1);
    }

    public static PackedSequence PackSequence(Tensor[] sequences, bool enforceSorted = true)
        => PackPaddedSequence(PadSequence(sequences), sequences.Select(s => s.Size(0)).ToArray(), enforceSorted: enforceSorted);
}
