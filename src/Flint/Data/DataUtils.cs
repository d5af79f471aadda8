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
    /// tensor arrays and tuples are collated element by element; numbers become a 1-D tensor (int64 or float64).
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
        throw new ArgumentException($"default_collate: batch must contain tensors, numbers, strings, tuples or tensor arrays; found {items[0]?.GetType().Name ?? "null"}");
    }
}
