using System.Collections;

namespace Flint.Data;

/// <summary>
/// Batches from a data set (torch.utils.data.DataLoader): a sampler (sequential, or random with shuffle) grouped
/// by a batch sampler, items collated into a batch. With numWorkers &gt; 0, batches are prepared on background
/// threads up to prefetchFactor·numWorkers ahead and still come out in order. Each pass first draws a base seed
/// from the loader's generator (or the default one), as PyTorch does, so a seeded run sees PyTorch's orders.
/// </summary>
public class DataLoader<T, TBatch> : IEnumerable<TBatch>
{
    public Dataset<T> Dataset { get; }
    public int? BatchSize { get; }
    public bool DropLast { get; }
    public int NumWorkers { get; }
    public int PrefetchFactor { get; }
    /// <summary>The generator for shuffling and the per-pass base seed; null uses the default generator.</summary>
    public Generator? Generator { get; }
    public IEnumerable<long> Sampler { get; }
    public IEnumerable<long[]> BatchSampler { get; }
    private readonly Func<IReadOnlyList<T>, TBatch> _collate;
    private readonly Func<long[], TBatch>? _fastFetch;
    private readonly IterableDataset<T>? _iterable;

    /// <summary>
    /// A loader over an iterable-style data set: consecutive items are collated into batches of batchSize (the last
    /// one shorter unless dropLast). There is no sampler, so shuffle, sampler and batchSampler do not apply.
    /// </summary>
    public DataLoader(IterableDataset<T> dataset, int batchSize = 1, Func<IReadOnlyList<T>, TBatch>? collateFn = null, bool dropLast = false)
    {
        if (batchSize <= 0) throw new ArgumentException($"batch_size should be a positive integer value, but got batch_size={batchSize}");
        _iterable = dataset;
        Dataset = null!;
        BatchSize = batchSize;
        DropLast = dropLast;
        PrefetchFactor = 2;
        Sampler = Array.Empty<long>();
        BatchSampler = Array.Empty<long[]>();
        _collate = collateFn ?? DefaultCollate;
    }

    public DataLoader(Dataset<T> dataset, int batchSize = 1, bool shuffle = false, IEnumerable<long>? sampler = null,
        IEnumerable<long[]>? batchSampler = null, int numWorkers = 0, Func<IReadOnlyList<T>, TBatch>? collateFn = null,
        bool dropLast = false, Generator? generator = null, int prefetchFactor = 2)
    {
        if (numWorkers < 0) throw new ArgumentException("num_workers option should be non-negative; use num_workers=0 to disable multiprocessing.");
        if (sampler != null && shuffle) throw new ArgumentException("sampler option is mutually exclusive with shuffle");
        if (batchSampler != null && (batchSize != 1 || shuffle || sampler != null || dropLast))
            throw new ArgumentException("batch_sampler option is mutually exclusive with batch_size, shuffle, sampler, and drop_last");
        Dataset = dataset;
        NumWorkers = numWorkers;
        PrefetchFactor = Math.Max(1, prefetchFactor);
        Generator = generator;
        DropLast = dropLast;
        Sampler = sampler ?? (shuffle ? new RandomSampler(dataset.Count, generator: generator) : new SequentialSampler(dataset.Count));
        if (batchSampler != null) { BatchSampler = batchSampler; BatchSize = null; }
        else { BatchSize = batchSize; BatchSampler = new BatchSampler(Sampler, batchSize, dropLast); }
        if (collateFn != null) _collate = collateFn;
        else
        {
            _collate = DefaultCollate;
            if (dataset is IBatchFetch<TBatch> fetch) _fastFetch = fetch.GetBatch;
        }
    }

    private static TBatch DefaultCollate(IReadOnlyList<T> items)
    {
        var boxed = new object?[items.Count];
        for (int i = 0; i < boxed.Length; i++) boxed[i] = items[i];
        var r = DataUtils.Collate(boxed);
        if (r is TBatch b) return b;
        if (r is object[] parts && typeof(TBatch) == typeof(Tensor[])) return (TBatch)(object)parts.Cast<Tensor>().ToArray();
        throw new InvalidOperationException($"the default collate made a {r.GetType().Name}, not a {typeof(TBatch).Name}: pass collateFn");
    }

    /// <summary>The number of batches in a pass.</summary>
    public long Count => _iterable != null
        ? throw new InvalidOperationException("a DataLoader over an IterableDataset has no length")
        : BatchSampler is BatchSampler bs ? bs.Count : BatchSampler.LongCount();

    private TBatch Fetch(long[] indices)
    {
        if (_fastFetch != null) return _fastFetch(indices);
        var items = new T[indices.Length];
        for (int i = 0; i < items.Length; i++) items[i] = Dataset.GetItem(indices[i]);
        return _collate(items);
    }

    public IEnumerator<TBatch> GetEnumerator()
    {
        if (_iterable != null) return Iterate();
        // PyTorch's _BaseDataLoaderIter draws its base seed (for worker seeding) before the sampler starts.
        Span<long> baseSeed = stackalloc long[1];
        (Generator ?? Flint.Generator.Default).RandomFull(baseSeed);
        return NumWorkers == 0 ? Serial() : Prefetching();
    }

    private IEnumerator<TBatch> Iterate()
    {
        var items = new List<T>(BatchSize!.Value);
        foreach (var item in _iterable!)
        {
            items.Add(item);
            if (items.Count == BatchSize) { yield return _collate(items.ToArray()); items.Clear(); }
        }
        if (items.Count > 0 && !DropLast) yield return _collate(items.ToArray());
    }

    private IEnumerator<TBatch> Serial()
    {
        foreach (var idx in BatchSampler) yield return Fetch(idx);
    }

    private IEnumerator<TBatch> Prefetching()
    {
        var pending = new Queue<Task<TBatch>>();
        int depth = NumWorkers * PrefetchFactor;
        using var sem = new SemaphoreSlim(NumWorkers);
        using var it = BatchSampler.GetEnumerator();
        bool more = true;
        try
        {
            while (true)
            {
                while (more && pending.Count < depth)
                {
                    more = it.MoveNext();
                    if (!more) break;
                    var idx = it.Current;
                    pending.Enqueue(Task.Run(async () =>
                    {
                        await sem.WaitAsync().ConfigureAwait(false);
                        try { return Fetch(idx); } finally { sem.Release(); }
                    }));
                }
                if (pending.Count == 0) yield break;
                yield return pending.Dequeue().GetAwaiter().GetResult();
            }
        }
        finally
        {
            // an abandoned pass: let in-flight work finish before the semaphore goes away
            foreach (var t in pending) { try { t.Wait(); } catch { } }
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}

/// <summary>A DataLoader whose batches have the item type (Tensor, Tensor[] …), collated by the default collate.</summary>
public class DataLoader<T> : DataLoader<T, T>
{
    public DataLoader(IterableDataset<T> dataset, int batchSize = 1, Func<IReadOnlyList<T>, T>? collateFn = null, bool dropLast = false)
        : base(dataset, batchSize, collateFn, dropLast) { }

    public DataLoader(Dataset<T> dataset, int batchSize = 1, bool shuffle = false, IEnumerable<long>? sampler = null,
        IEnumerable<long[]>? batchSampler = null, int numWorkers = 0, Func<IReadOnlyList<T>, T>? collateFn = null,
        bool dropLast = false, Generator? generator = null, int prefetchFactor = 2)
        : base(dataset, batchSize, shuffle, sampler, batchSampler, numWorkers, collateFn, dropLast, generator, prefetchFactor) { }
}

/// <summary>The common case: a loader over rows of tensors (TensorDataset) yielding Tensor[] batches.</summary>
public sealed class DataLoader : DataLoader<Tensor[]>
{
    public DataLoader(Dataset<Tensor[]> dataset, int batchSize = 1, bool shuffle = false, IEnumerable<long>? sampler = null,
        IEnumerable<long[]>? batchSampler = null, int numWorkers = 0, Func<IReadOnlyList<Tensor[]>, Tensor[]>? collateFn = null,
        bool dropLast = false, Generator? generator = null, int prefetchFactor = 2)
        : base(dataset, batchSize, shuffle, sampler, batchSampler, numWorkers, collateFn, dropLast, generator, prefetchFactor) { }
}
