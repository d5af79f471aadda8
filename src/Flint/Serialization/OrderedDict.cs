using System.Collections;
using System.Diagnostics.CodeAnalysis;

namespace Flint.Serialization;

/// <summary>
/// A Python dict as Torch.Load returns it: keys in insertion order, any key Python allows in a checkpoint
/// (strings, integers — the optimizer's <c>{'state': {0: …}}</c> —, floats, bools, tuples). Integer keys of any C#
/// width are normalized to <c>long</c>, so <c>d[0]</c> finds the key a file stored as Python int 0.
/// <see cref="IsOrderedDict"/> says whether it was (and will be saved as) a <c>collections.OrderedDict</c> — what
/// PyTorch's state dicts are — rather than a plain <c>dict</c>; <see cref="Metadata"/> is the state dict's
/// <c>_metadata</c> attribute (per-module versions) that PyTorch sets on it.
/// </summary>
public sealed partial class OrderedDict : IDictionary<object, object?>, IDictionary, IReadOnlyDictionary<object, object?>
{
    private readonly Dictionary<object, int> _index = new(KeyComparer.Instance);
    private readonly List<object> _keys = new();
    private readonly List<object?> _values = new();
    private int _removed;   // removals leave holes (tombstones) so indexes stay valid until Compact()

    private static readonly object Tombstone = new();

    /// <summary>A collections.OrderedDict (true, the default) or a plain dict (false).</summary>
    public bool IsOrderedDict { get; set; } = true;

    /// <summary>Instance attributes set by BUILD (PyTorch stores <c>_metadata</c> there), or null.</summary>
    public OrderedDict? Attributes { get; set; }

    /// <summary>The state dict's <c>_metadata</c> attribute ({module prefix: {'version': n}}), or null.</summary>
    public object? Metadata
    {
        get => Attributes is not null && Attributes.TryGetValue("_metadata", out var m) ? m : null;
        set
        {
            if (value is null) { Attributes?.Remove("_metadata"); return; }
            (Attributes ??= new OrderedDict { IsOrderedDict = false })["_metadata"] = value;
        }
    }

    public OrderedDict() { }
    public OrderedDict(bool isOrderedDict) { IsOrderedDict = isOrderedDict; }

    /// <summary>Normalizes C# integer keys to long (Python has one int type).</summary>
    internal static object NormalizeKey(object key) => key switch
    {
        int i => (long)i,
        short s => (long)s,
        sbyte b => (long)b,
        byte b => (long)b,
        ushort u => (long)u,
        uint u => (long)u,
        ulong u when u <= long.MaxValue => (long)u,
        float f => (double)f,
        _ => key,
    };

    public object? this[object key]
    {
        get => TryGetValue(key, out var v) ? v : throw new KeyNotFoundException($"KeyError: {Repr(key)}");
        set
        {
            key = NormalizeKey(key ?? throw new ArgumentNullException(nameof(key)));
            if (_index.TryGetValue(key, out int i)) _values[i] = value;
            else { _index[key] = _keys.Count; _keys.Add(key); _values.Add(value); }
        }
    }

    public void Add(object key, object? value)
    {
        key = NormalizeKey(key ?? throw new ArgumentNullException(nameof(key)));
        if (_index.ContainsKey(key)) throw new ArgumentException($"An item with the key {Repr(key)} has already been added.");
        this[key] = value;
    }

    public bool TryGetValue(object key, [MaybeNullWhen(false)] out object? value)
    {
        if (key is not null && _index.TryGetValue(NormalizeKey(key), out int i)) { value = _values[i]; return true; }
        value = null;
        return false;
    }

    public bool ContainsKey(object key) => key is not null && _index.ContainsKey(NormalizeKey(key));

    public bool Remove(object key)
    {
        if (key is null || !_index.Remove(NormalizeKey(key), out int i)) return false;
        _keys[i] = Tombstone;
        _values[i] = null;
        if (++_removed > 16 && _removed > _keys.Count / 2) Compact();
        return true;
    }

    private void Compact()
    {
        int w = 0;
        for (int r = 0; r < _keys.Count; r++)
        {
            if (ReferenceEquals(_keys[r], Tombstone)) continue;
            _keys[w] = _keys[r];
            _values[w] = _values[r];
            _index[_keys[w]] = w;
            w++;
        }
        _keys.RemoveRange(w, _keys.Count - w);
        _values.RemoveRange(w, _values.Count - w);
        _removed = 0;
    }

    public int Count => _index.Count;
    public bool IsReadOnly => false;

    public void Clear() { _index.Clear(); _keys.Clear(); _values.Clear(); _removed = 0; }

    public IEnumerator<KeyValuePair<object, object?>> GetEnumerator()
    {
        for (int i = 0; i < _keys.Count; i++)
            if (!ReferenceEquals(_keys[i], Tombstone)) yield return new(_keys[i], _values[i]);
    }

    public ICollection<object> Keys { get { var l = new List<object>(Count); foreach (var kv in this) l.Add(kv.Key); return l; } }
    public ICollection<object?> Values { get { var l = new List<object?>(Count); foreach (var kv in this) l.Add(kv.Value); return l; } }

    /// <summary>The entries whose values are tensors, in order, as a state dict (string keys).</summary>
    public Dictionary<string, Tensor> ToStateDict()
    {
        var d = new Dictionary<string, Tensor>(Count);
        foreach (var (k, v) in this)
        {
            if (k is not string name) throw new InvalidCastException($"state dict key {Repr(k)} is not a string");
            if (v is not Tensor t) throw new InvalidCastException($"state dict entry '{name}' is a {v?.GetType().Name ?? "None"}, not a Tensor");
            d.Add(name, t);
        }
        return d;
    }

    /// <summary>A state dict (name → tensor, in order) as an OrderedDict ready for Torch.Save.</summary>
    public static OrderedDict FromStateDict(IEnumerable<KeyValuePair<string, Tensor>> stateDict)
    {
        var d = new OrderedDict();
        foreach (var (k, v) in stateDict) d.Add(k, v);
        return d;
    }

    internal static string Repr(object? key) => key switch { string s => "'" + s + "'", null => "None", _ => key.ToString() ?? "" };

    public override string ToString()
    {
        var parts = new List<string>(Count);
        foreach (var (k, v) in this) parts.Add(Repr(k) + ": " + (v is string s ? "'" + s + "'" : v?.ToString() ?? "None"));
        return IsOrderedDict ? "OrderedDict([" + string.Join(", ", parts.ConvertAll(p => "(" + p.Replace(": ", ", ") + ")")) + "])"
                             : "{" + string.Join(", ", parts) + "}";
    }

    // ---- interface plumbing ----
    ICollection<object> IDictionary<object, object?>.Keys => Keys;
    ICollection<object?> IDictionary<object, object?>.Values => Values;
    IEnumerable<object> IReadOnlyDictionary<object, object?>.Keys => Keys;
    IEnumerable<object?> IReadOnlyDictionary<object, object?>.Values => Values;
    void ICollection<KeyValuePair<object, object?>>.Add(KeyValuePair<object, object?> item) => Add(item.Key, item.Value);
    bool ICollection<KeyValuePair<object, object?>>.Contains(KeyValuePair<object, object?> item)
        => TryGetValue(item.Key, out var v) && Equals(v, item.Value);
    bool ICollection<KeyValuePair<object, object?>>.Remove(KeyValuePair<object, object?> item)
        => ((ICollection<KeyValuePair<object, object?>>)this).Contains(item) && Remove(item.Key);
    void ICollection<KeyValuePair<object, object?>>.CopyTo(KeyValuePair<object, object?>[] array, int arrayIndex)
    {
        foreach (var kv in this) array[arrayIndex++] = kv;
    }
    IEnumerator IEnumerable.GetEnumerator() => ((IDictionary)this).GetEnumerator();

    // non-generic IDictionary (so code that handles any IDictionary handles this one too)
    bool IDictionary.IsFixedSize => false;
    bool ICollection.IsSynchronized => false;
    object ICollection.SyncRoot => this;
    ICollection IDictionary.Keys => (ICollection)Keys;
    ICollection IDictionary.Values => (ICollection)Values;
    object? IDictionary.this[object key] { get => TryGetValue(key, out var v) ? v : null; set => this[key] = value; }
    void IDictionary.Add(object key, object? value) => Add(key, value);
    bool IDictionary.Contains(object key) => ContainsKey(key);
    void IDictionary.Remove(object key) => Remove(key);
    void ICollection.CopyTo(Array array, int index) { foreach (var kv in this) array.SetValue(new DictionaryEntry(kv.Key, kv.Value), index++); }
    IDictionaryEnumerator IDictionary.GetEnumerator() => new Enumerator(GetEnumerator());

    private sealed class Enumerator(IEnumerator<KeyValuePair<object, object?>> inner) : IDictionaryEnumerator
    {
        public DictionaryEntry Entry => new(inner.Current.Key, inner.Current.Value);
        public object Key => inner.Current.Key;
        public object? Value => inner.Current.Value;
        public object Current => Entry;
        public bool MoveNext() => inner.MoveNext();
        public void Reset() => inner.Reset();
    }

    /// <summary>Key equality as Python's: 1 == 1.0 == True hash alike; tuples (object?[]) compare element-wise.</summary>
    private sealed class KeyComparer : IEqualityComparer<object>
    {
        public static readonly KeyComparer Instance = new();
        public new bool Equals(object? a, object? b)
        {
            if (a is object?[] ta && b is object?[] tb)
            {
                if (ta.Length != tb.Length) return false;
                for (int i = 0; i < ta.Length; i++)
                    if (!(ta[i] is null ? tb[i] is null : tb[i] is not null && Equals(ta[i], tb[i]))) return false;
                return true;
            }
            if (a is bool ba) a = ba ? 1L : 0L;
            if (b is bool bb) b = bb ? 1L : 0L;
            if (a is long la && b is double db) return la == db;
            if (a is double da && b is long lb) return da == lb;
            return object.Equals(a, b);
        }
        public int GetHashCode(object o)
        {
            switch (o)
            {
                case object?[] t:
                    var h = new HashCode();
                    foreach (var x in t) h.Add(x is null ? 0 : GetHashCode(x));
                    return h.ToHashCode();
                case bool b: return (b ? 1L : 0L).GetHashCode();
                case double d when d == Math.Floor(d) && d >= long.MinValue && d <= long.MaxValue: return ((long)d).GetHashCode();
                default: return o.GetHashCode();
            }
        }
    }
}
