using System.Collections;

namespace Flint.NN;

/// <summary>Parameters in a list, registered as "0", "1", … (nn.ParameterList).</summary>
public class ParameterList : Module, IList<Parameter>
{
    private readonly List<Parameter> _items = new();

    public ParameterList(params Parameter[] parameters) { foreach (var p in parameters) Add(p); }
    public ParameterList(IEnumerable<Parameter> parameters) { foreach (var p in parameters) Add(p); }

    private void Renumber()
    {
        ClearRegisteredParameters();
        for (int i = 0; i < _items.Count; i++) RegisterParameter(i.ToString(), _items[i]);
    }

    public Parameter this[int index]
    {
        get => _items[index < 0 ? index + _items.Count : index];
        set { _items[index < 0 ? index + _items.Count : index] = value; Renumber(); }
    }

    public int Count => _items.Count;
    public bool IsReadOnly => false;
    public void Add(Parameter item) { _items.Add(item); RegisterParameter((_items.Count - 1).ToString(), item); }
    public ParameterList Append(Parameter item) { Add(item); return this; }
    public ParameterList Extend(IEnumerable<Parameter> items) { foreach (var p in items) Add(p); return this; }
    public void Insert(int index, Parameter item) { _items.Insert(index, item); Renumber(); }
    public void RemoveAt(int index) { _items.RemoveAt(index); Renumber(); }
    public bool Remove(Parameter item) { bool r = _items.Remove(item); if (r) Renumber(); return r; }
    public void Clear() { _items.Clear(); Renumber(); }
    public bool Contains(Parameter item) => _items.Contains(item);
    public int IndexOf(Parameter item) => _items.IndexOf(item);
    public void CopyTo(Parameter[] array, int arrayIndex) => _items.CopyTo(array, arrayIndex);
    public IEnumerator<Parameter> GetEnumerator() => _items.GetEnumerator();
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public override string ExtraRepr()
    {
        var lines = new List<string>();
        for (int i = 0; i < _items.Count; i++)
        {
            var p = _items[i];
            lines.Add($"  ({i}): Parameter containing: [torch.{p.DType.Name()} of size {string.Join("x", p.Shape)}]");
        }
        return string.Join("\n", lines);
    }
}

/// <summary>Parameters by name, registered in insertion order (nn.ParameterDict).</summary>
public class ParameterDict : Module, IEnumerable<KeyValuePair<string, Parameter>>
{
    private readonly OrderedDictionary<string, Parameter> _items = new();

    public ParameterDict() { }
    public ParameterDict(IEnumerable<KeyValuePair<string, Parameter>> parameters) { foreach (var kv in parameters) this[kv.Key] = kv.Value; }
    public ParameterDict(params (string Name, Parameter Parameter)[] parameters) { foreach (var (n, p) in parameters) this[n] = p; }

    public Parameter this[string key]
    {
        get => _items.TryGetValue(key, out var p) ? p : throw new KeyNotFoundException(key);
        set { _items[key] = value; RegisterParameter(key, value); }
    }

    public int Count => _items.Count;
    public IEnumerable<string> Keys => _items.Keys;
    public IEnumerable<Parameter> Values => _items.Values;
    public bool ContainsKey(string key) => _items.ContainsKey(key);
    public Parameter Pop(string key) { var p = this[key]; _items.Remove(key); Unregister(key); return p; }
    public IEnumerator<KeyValuePair<string, Parameter>> GetEnumerator() => _items.GetEnumerator();
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public override string ExtraRepr()
    {
        var lines = new List<string>();
        foreach (var (k, p) in _items)
            lines.Add($"  ({k}): Parameter containing: [torch.{LegacyName(p.DType)} of size {string.Join("x", p.Shape)}]");
        return string.Join("\n", lines);
    }

    /// <summary>torch.typename of a CPU tensor: FloatTensor, DoubleTensor, LongTensor …</summary>
    private static string LegacyName(DType t) => Tensor.CastName(t) + "Tensor";
}
