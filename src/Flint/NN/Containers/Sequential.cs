using System.Collections;

namespace Flint.NN;

/// <summary>Runs its modules in order, each on the previous one's output; children are named "0", "1", …
/// (or by the names given).</summary>
public class Sequential : Module<Tensor, Tensor>, IEnumerable<Module<Tensor, Tensor>>
{
    private readonly List<(string Name, Module<Tensor, Tensor> Module)> _items = new();
    private Module<Tensor, Tensor>[] _chain = [];

    public Sequential() { }

    public Sequential(params Module<Tensor, Tensor>[] modules)
    {
        foreach (var m in modules) Append(m);
    }

    /// <summary>Named children, like nn.Sequential(OrderedDict(...)).</summary>
    public Sequential(params (string Name, Module<Tensor, Tensor> Module)[] modules)
    {
        foreach (var (n, m) in modules) Add(n, m);
    }

    public int Count => _items.Count;

    public Sequential Append(Module<Tensor, Tensor> module) { Add(_items.Count.ToString(), module); return this; }

    private void Add(string name, Module<Tensor, Tensor> module)
    {
        RegisterModule(name, module);
        int i = _items.FindIndex(x => x.Name == name);
        if (i >= 0) _items[i] = (name, module); else _items.Add((name, module));
        _chain = _items.Select(x => x.Module).ToArray();
    }

    public Module<Tensor, Tensor> this[int index]
    {
        get => _items[Wrap(index)].Module;
        set { int i = Wrap(index); Add(_items[i].Name, value); }
    }

    /// <summary>A new Sequential over a range of the modules (the modules themselves are shared).</summary>
    public Sequential this[Range range]
    {
        get
        {
            var (off, len) = range.GetOffsetAndLength(_items.Count);
            var s = new Sequential();
            foreach (var (n, m) in _items.GetRange(off, len)) s.Add(n, m);
            return s;
        }
    }

    private int Wrap(int index)
    {
        int n = _items.Count;
        if (index < -n || index >= n) throw new IndexOutOfRangeException($"index {index} is out of range");
        return index < 0 ? index + n : index;
    }

    public override Tensor Forward(Tensor input)
    {
        foreach (var m in _chain) input = m.Call(input);
        return input;
    }

    public IEnumerator<Module<Tensor, Tensor>> GetEnumerator() => ((IEnumerable<Module<Tensor, Tensor>>)_chain).GetEnumerator();
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
