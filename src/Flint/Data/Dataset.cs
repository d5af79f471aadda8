using System.Collections;

namespace Flint.Data;

/// <summary>
/// A map-style data set (torch.utils.data.Dataset): a length and an item per index. Subclass it and implement
/// <see cref="Count"/> and <see cref="GetItem"/>; <c>a + b</c> concatenates two data sets.
/// </summary>
public abstract class Dataset<T>
{
    public abstract long Count { get; }
    public abstract T GetItem(long index);
    public T this[long index] => GetItem(index);

    public static ConcatDataset<T> operator +(Dataset<T> a, Dataset<T> b) => new([a, b]);

    internal static long CheckIndex(long index, long count)
    {
        if (index < 0) index += count;
        if (index < 0 || index >= count) throw new IndexOutOfRangeException($"index {index} is out of range for a dataset of length {count}");
        return index;
    }
}

/// <summary>An iterable-style data set (torch.utils.data.IterableDataset): a stream of items with no indexing.</summary>
public abstract class IterableDataset<T> : IEnumerable<T>
{
    public abstract IEnumerator<T> GetEnumerator();
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}

/// <summary>A data set that can fetch a whole batch at once faster than item by item (the DataLoader uses it).</summary>
public interface IBatchFetch<TBatch>
{
    TBatch GetBatch(long[] indices);
}

/// <summary>
/// Rows of tensors that share their first dimension (torch.utils.data.TensorDataset): item i is
/// <c>[t0[i], t1[i], …]</c>. Batches are gathered with one index_select per tensor, which equals stacking the rows.
/// </summary>
public sealed class TensorDataset : Dataset<Tensor[]>, IBatchFetch<Tensor[]>
{
    public Tensor[] Tensors { get; }

    public TensorDataset(params Tensor[] tensors)
    {
        if (tensors.Length == 0) throw new ArgumentException("TensorDataset needs at least one tensor");
        foreach (var t in tensors)
            if (t.Dim == 0 || t.Size(0) != tensors[0].Size(0)) throw new ArgumentException("Size mismatch between tensors");
        Tensors = tensors;
    }

    public override long Count => Tensors[0].Size(0);

    public override Tensor[] GetItem(long index)
    {
        index = CheckIndex(index, Count);
        var r = new Tensor[Tensors.Length];
        for (int i = 0; i < r.Length; i++) r[i] = Tensors[i].Select(0, index);
        return r;
    }

    public Tensor[] GetBatch(long[] indices)
    {
        var idx = Torch.FromArray(indices);
        var r = new Tensor[Tensors.Length];
        for (int i = 0; i < r.Length; i++) r[i] = Tensors[i].IndexSelect(0, idx);
        return r;
    }
}

/// <summary>Several data sets end to end (torch.utils.data.ConcatDataset).</summary>
public sealed class ConcatDataset<T> : Dataset<T>
{
    public IReadOnlyList<Dataset<T>> Datasets { get; }
    private readonly long[] _cumulative;

    public ConcatDataset(IEnumerable<Dataset<T>> datasets)
    {
        Datasets = datasets.ToList();
        if (Datasets.Count == 0) throw new ArgumentException("datasets should not be an empty iterable");
        _cumulative = new long[Datasets.Count];
        long s = 0;
        for (int i = 0; i < Datasets.Count; i++) { s += Datasets[i].Count; _cumulative[i] = s; }
    }

    public IReadOnlyList<long> CumulativeSizes => _cumulative;
    public override long Count => _cumulative[^1];

    public override T GetItem(long index)
    {
        if (index < 0)
        {
            if (-index > Count) throw new ArgumentException("absolute value of index should not exceed dataset length");
            index += Count;
        }
        int d = 0;
        while (d < _cumulative.Length && _cumulative[d] <= index) d++;
        if (d == _cumulative.Length) throw new IndexOutOfRangeException($"index {index} is out of range for a dataset of length {Count}");
        return Datasets[d].GetItem(d == 0 ? index : index - _cumulative[d - 1]);
    }
}

/// <summary>The items of a data set at given indices (torch.utils.data.Subset).</summary>
public sealed class Subset<T> : Dataset<T>
{
    public Dataset<T> Dataset { get; }
    public long[] Indices { get; }
    public Subset(Dataset<T> dataset, long[] indices) { Dataset = dataset; Indices = indices; }
    public override long Count => Indices.Length;
    public override T GetItem(long index) => Dataset.GetItem(Indices[CheckIndex(index, Count)]);
}

/// <summary>A data set over an in-memory list (handy for tests and small data).</summary>
public sealed class ListDataset<T>(IReadOnlyList<T> items) : Dataset<T>
{
    public override long Count => items.Count;
    public override T GetItem(long index) => items[(int)CheckIndex(index, Count)];
}
