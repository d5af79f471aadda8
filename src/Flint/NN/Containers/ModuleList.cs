using System.Collections;

namespace Flint.NN;

/// <summary>A list of modules, registered as children "0", "1", … (nn.ModuleList). It has no forward.</summary>
public class ModuleList<T> : Module, IList<T> where T : Module
{
    private readonly List<T> _items = new();

    public ModuleList(params T[] modules) { foreach (var m in modules) Add(m); }
    public ModuleList(IEnumerable<T> modules) { foreach (var m in modules) Add(m); }

    public override string GetName() => "ModuleList";

    private void Renumber()
    {
        ClearRegisteredModules();
        for (int i = 0; i < _items.Count; i++) RegisterModule(i.ToString(), _items[i]);
    }

    public T this[int index]
    {
        get => _items[Wrap(index)];
        set { _items[Wrap(index)] = value; Renumber(); }
    }

    private int Wrap(int index)
    {
        int n = _items.Count;
        if (index < -n || index >= n) throw new IndexOutOfRangeException($"index {index} is out of range");
        return index < 0 ? index + n : index;
    }

    public int Count => _items.Count;
    public bool IsReadOnly => false;
    public void Add(T item) { _items.Add(item); RegisterModule((_items.Count - 1).ToString(), item); }
    public ModuleList<T> Append(T item) { Add(item); return this; }
    public ModuleList<T> Extend(IEnumerable<T> items) { foreach (var m in items) Add(m); return this; }
    public void Insert(int index, T item) { _items.Insert(index, item); Renumber(); }
    public void RemoveAt(int index) { _items.RemoveAt(Wrap(index)); Renumber(); }
    public bool Remove(T item) { bool r = _items.Remove(item); if (r) Renumber(); return r; }
    public void Clear() { _items.Clear(); Renumber(); }
    public bool Contains(T item) => _items.Contains(item);
    public int IndexOf(T item) => _items.IndexOf(item);
    public void CopyTo(T[] array, int arrayIndex) => _items.CopyTo(array, arrayIndex);
    public IEnumerator<T> GetEnumerator() => _items.GetEnumerator();
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}

/// <summary>nn.ModuleList of any modules.</summary>
public class ModuleList : ModuleList<Module>
{
    public ModuleList(params Module[] modules) : base(modules) { }
    public ModuleList(IEnumerable<Module> modules) : base(modules) { }
}

/// <summary>Modules by name, registered as children in insertion order (nn.ModuleDict).</summary>
public class ModuleDict<T> : Module, IEnumerable<KeyValuePair<string, T>> where T : Module
{
    private readonly OrderedDictionary<string, T> _items = new();

    public ModuleDict() { }
    public ModuleDict(IEnumerable<KeyValuePair<string, T>> modules) { foreach (var kv in modules) this[kv.Key] = kv.Value; }
    public ModuleDict(params (string Name, T Module)[] modules) { foreach (var (n, m) in modules) this[n] = m; }

    public override string GetName() => "ModuleDict";

    public T this[string key]
    {
        get => _items.TryGetValue(key, out var m) ? m : throw new KeyNotFoundException(key);
        set { _items[key] = value; RegisterModule(key, value); }
    }

    public int Count => _items.Count;
    public IEnumerable<string> Keys => _items.Keys;
    public IEnumerable<T> Values => _items.Values;
    public bool ContainsKey(string key) => _items.ContainsKey(key);
    public T Pop(string key) { var m = this[key]; _items.Remove(key); Unregister(key); return m; }
    public void Clear() { foreach (var k in _items.Keys.ToArray()) Unregister(k); _items.Clear(); }
    public IEnumerator<KeyValuePair<string, T>> GetEnumerator() => _items.GetEnumerator();
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}

public class ModuleDict : ModuleDict<Module>
{
    public ModuleDict() { }
    public ModuleDict(IEnumerable<KeyValuePair<string, Module>> modules) : base(modules) { }
    public ModuleDict(params (string Name, Module Module)[] modules) : base(modules) { }
}
