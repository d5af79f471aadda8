namespace Flint.Data;

/// <summary>torch.utils.data functions: random_split and the default collate.</summary>
public static class DataUtils
{
    /// <summary>
    /// Splits a data set into non-overlapping random subsets of the given lengths (PyTorch's random_split: one
    /// randperm of the whole length from the generator, cut in order).
    /// </summary>
    public static Subset<T>[] RandomSplit<T>(Dataset<T> dataset, long[] lengths, Generator? generator = null)
    {
        long total = 0;
        foreach (var l in lengths) total += l;
        if (total != dataset.Count)
            throw new ArgumentException("Sum of input lengths does not equal the length of the input dataset!");
        var perm = (generator ?? Generator.Default).Randperm(total);
        var parts = new Subset<T>[lengths.Length];
        long off = 0;
        for (int i = 0; i < lengths.Length; i++)
        {
            parts[i] = new Subset<T>(dataset, perm.AsSpan((int)off, (int)lengths[i]).ToArray());
            off += lengths[i];
        }
        return parts;
    }

    /// <summary>
    /// random_split with fractions that sum to 1: each part gets floor(n·fraction) items and the remainder is dealt
    /// one by one to the parts in order (PyTorch 1.13's rule).
    /// </summary>
    public static Subset<T>[] RandomSplit<T>(Dataset<T> dataset, double[] fractions, Generator? generator = null)
    {
        double sum = 0;
        foreach (var f in fractions) sum += f;
        if (Math.Abs(sum - 1) > 1e-9 || fractions.Any(f => f < 0 || f > 1))
            throw new ArgumentException("Sum of input lengths does not equal the length of the input dataset!");
        long n = dataset.Count;
        var lengths = new long[fractions.Length];
        long assigned = 0;
        for (int i = 0; i < lengths.Length; i++) { lengths[i] = (long)Math.Floor(n * fractions[i]); assigned += lengths[i]; }
        long remainder = n - assigned;
        for (int i = 0; i < remainder; i++) lengths[i % lengths.Length]++;
        return RandomSplit(dataset, lengths, generator);
    }

    /// <summary>
    /// PyTorch's default_collate for the shapes C# code uses: tensors are stacked along a new first dimension;
    /// tensor arrays are collated element by element into a tensor array, tuples and lists (any other IList) into an
    /// object list (PyTorch also turns tuples into lists); dictionaries key by key into a dictionary with the first
    /// item's keys (string keys give a Dictionary&lt;string, object&gt;); numbers become a 1-D tensor (int64 or
    /// float64); strings a list. Nested structures collate recursively.
    /// </summary>
    public static object Collate(IReadOnlyList<object?> items)
    {
        if (items.Count == 0) throw new ArgumentException("cannot collate an empty batch");
        switch (items[0])
        {
            case Tensor:
                {
                    var ts = new Tensor[items.Count];
                    for (int i = 0; i < ts.Length; i++) ts[i] = (Tensor)items[i]!;
                    return Torch.Stack(ts);
                }
            case Tensor[] first:
                {
                    var r = new Tensor[first.Length];
                    var col = new Tensor[items.Count];
                    for (int j = 0; j < first.Length; j++)
                    {
                        for (int i = 0; i < col.Length; i++) col[i] = ((Tensor[])items[i]!)[j];
                        r[j] = Torch.Stack(col);
                    }
                    return r;
                }
            case System.Runtime.CompilerServices.ITuple tuple:
                {
                    var r = new object[tuple.Length];
                    for (int j = 0; j < tuple.Length; j++)
                    {
                        var col = new object?[items.Count];
                        for (int i = 0; i < col.Length; i++) col[i] = ((System.Runtime.CompilerServices.ITuple)items[i]!)[j];
                        r[j] = Collate(col);
                    }
                    return r;
                }
            case System.Collections.IDictionary first:
                return CollateDictionaries(items, first);
            case System.Collections.IList first:
                {
                    var r = new List<object>(first.Count);
                    for (int i = 1; i < items.Count; i++)
                        if (items[i] is not System.Collections.IList l || l.Count != first.Count)
                            throw new ArgumentException("each element in list of batch should be of equal size");
                    for (int j = 0; j < first.Count; j++)
                    {
                        var col = new object?[items.Count];
                        for (int i = 0; i < col.Length; i++) col[i] = ((System.Collections.IList)items[i]!)[j];
                        r.Add(Collate(col));
                    }
                    return r;
                }
            case long or int or short or byte or sbyte:
                {
                    var a = new long[items.Count];
                    for (int i = 0; i < a.Length; i++) a[i] = Convert.ToInt64(items[i]);
                    return Torch.FromArray(a);
                }
            case double or float:
                {
                    var a = new double[items.Count];
                    for (int i = 0; i < a.Length; i++) a[i] = Convert.ToDouble(items[i]);
                    return Torch.FromArray(a);
                }
            case bool:
                {
                    var a = new bool[items.Count];
                    for (int i = 0; i < a.Length; i++) a[i] = (bool)items[i]!;
                    return Torch.FromArray(a);
                }
            case string:
                return items.Select(x => (string)x!).ToList();
        }
        throw new ArgumentException($"default_collate: batch must contain tensors, numbers, strings, dicts or lists; found {items[0]?.GetType().Name ?? "null"}");
    }

    private static object CollateDictionaries(IReadOnlyList<object?> items, System.Collections.IDictionary first)
    {
        var keys = new List<object>();
        foreach (var k in first.Keys) keys.Add(k);
        var values = new List<object>(keys.Count);
        foreach (var key in keys)
        {
            var col = new object?[items.Count];
            for (int i = 0; i < col.Length; i++)
            {
                if (items[i] is not System.Collections.IDictionary d || !d.Contains(key))
                    throw new ArgumentException($"default_collate: element {i} of the batch has no key '{key}'");
                col[i] = d[key];
            }
            values.Add(Collate(col));
        }
        if (keys.TrueForAll(k => k is string))
        {
            var byName = new Dictionary<string, object>(keys.Count);
            for (int j = 0; j < keys.Count; j++) byName[(string)keys[j]] = values[j];
            return byName;
        }
        var r = new Dictionary<object, object>(keys.Count);
        for (int j = 0; j < keys.Count; j++) r[keys[j]] = values[j];
        return r;
    }
}
