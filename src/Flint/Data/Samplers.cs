using System.Collections;

namespace Flint.Data;

/// <summary>Yields data-set indices (torch.utils.data.Sampler).</summary>
public abstract class Sampler : IEnumerable<long>
{
    public abstract long Count { get; }
    public abstract IEnumerator<long> GetEnumerator();
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>A generator seeded from one int64 drawn from the default generator (what PyTorch's samplers do when given none).</summary>
    internal static Generator FreshGenerator()
    {
        Span<long> seed = stackalloc long[1];
        Generator.Default.RandomFull(seed);
        return new Generator((ulong)seed[0]);
    }
}

/// <summary>0, 1, …, n−1.</summary>
public sealed class SequentialSampler(long count) : Sampler
{
    public override long Count => count;
    public override IEnumerator<long> GetEnumerator() { for (long i = 0; i < count; i++) yield return i; }
}

/// <summary>
/// Random order (torch.utils.data.RandomSampler): without replacement, whole permutations (numSamples may exceed n);
/// with replacement, uniform draws in chunks of 32. Without a generator, each pass seeds a fresh one from the
/// default generator, exactly as PyTorch does, so Torch.ManualSeed reproduces PyTorch's orders.
/// </summary>
public sealed class RandomSampler : Sampler
{
    private readonly long _n;
    public bool Replacement { get; }
    public long NumSamples { get; }
    public Generator? Generator { get; set; }

    public RandomSampler(long datasetCount, bool replacement = false, long? numSamples = null, Generator? generator = null)
    {
        _n = datasetCount;
        Replacement = replacement;
        NumSamples = numSamples ?? datasetCount;
        Generator = generator;
        if (NumSamples <= 0) throw new ArgumentException($"num_samples should be a positive integer value, but got num_samples={NumSamples}");
    }

    public override long Count => NumSamples;

    public override IEnumerator<long> GetEnumerator()
    {
        var g = Generator ?? FreshGenerator();
        if (Replacement)
        {
            var chunk = new long[32];
            for (long k = 0; k < NumSamples / 32; k++)
            {
                g.RandomInt(chunk, 0, _n);
                foreach (var x in chunk) yield return x;
            }
            var rest = new long[NumSamples % 32];
            g.RandomInt(rest, 0, _n);
            foreach (var x in rest) yield return x;
        }
        else
        {
            for (long k = 0; k < NumSamples / _n; k++)
                foreach (var x in g.Randperm(_n)) yield return x;
            var last = g.Randperm(_n);
            for (long i = 0; i < NumSamples % _n; i++) yield return last[i];
        }
    }
}

/// <summary>The given indices in a random order (torch.utils.data.SubsetRandomSampler).</summary>
public sealed class SubsetRandomSampler(long[] indices, Generator? generator = null) : Sampler
{
    public override long Count => indices.Length;
    public override IEnumerator<long> GetEnumerator()
    {
        var perm = (generator ?? Generator.Default).Randperm(indices.Length);
        foreach (var i in perm) yield return indices[i];
    }
}

/// <summary>Indices drawn with the given (unnormalized) weights (torch.utils.data.WeightedRandomSampler, via multinomial).</summary>
public sealed class WeightedRandomSampler : Sampler
{
    private readonly double[] _weights;
    private readonly long _numSamples;
    private readonly bool _replacement;
    private readonly Generator? _generator;

    public WeightedRandomSampler(double[] weights, long numSamples, bool replacement = true, Generator? generator = null)
    {
        if (numSamples <= 0) throw new ArgumentException($"num_samples should be a positive integer value, but got num_samples={numSamples}");
        _weights = weights; _numSamples = numSamples; _replacement = replacement; _generator = generator;
    }

    public override long Count => _numSamples;

    public override IEnumerator<long> GetEnumerator()
    {
        var r = new long[_numSamples];
        (_generator ?? Generator.Default).Multinomial(_weights, (int)_numSamples, _replacement, r);
        foreach (var x in r) yield return x;
    }
}

/// <summary>Groups another sampler's indices into batches (torch.utils.data.BatchSampler).</summary>
public sealed class BatchSampler : IEnumerable<long[]>
{
    public IEnumerable<long> Sampler { get; }
    public int BatchSize { get; }
    public bool DropLast { get; }

    public BatchSampler(IEnumerable<long> sampler, int batchSize, bool dropLast)
    {
        if (batchSize <= 0) throw new ArgumentException($"batch_size should be a positive integer value, but got batch_size={batchSize}");
        Sampler = sampler; BatchSize = batchSize; DropLast = dropLast;
    }

    public long Count
    {
        get
        {
            long n = Sampler is Sampler s ? s.Count : Sampler.LongCount();
            return DropLast ? n / BatchSize : (n + BatchSize - 1) / BatchSize;
        }
    }

    public IEnumerator<long[]> GetEnumerator()
    {
        var batch = new List<long>(BatchSize);
        foreach (var i in Sampler)
        {
            batch.Add(i);
            if (batch.Count == BatchSize) { yield return batch.ToArray(); batch.Clear(); }
        }
        if (batch.Count > 0 && !DropLast) yield return batch.ToArray();
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
