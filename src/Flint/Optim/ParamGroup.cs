using System.Collections;
using System.Runtime.CompilerServices;

namespace Flint.Optim;

/// <summary>
/// One of an optimizer's parameter groups (PyTorch's dict in <c>optimizer.param_groups</c>): its parameters and its
/// options (lr, betas, eps, weight_decay, …), kept in PyTorch's key order so a state dict lists them the same way.
/// Option values are C# doubles/longs/bools/strings/null and (a, b) tuples; <c>group["lr"] = 0.1</c> changes an option,
/// as schedulers do.
/// </summary>
public sealed class ParamGroup : IEnumerable<KeyValuePair<string, object?>>
{
    public List<Tensor> Params { get; }
    private readonly List<KeyValuePair<string, object?>> _options = new();

    public ParamGroup(IEnumerable<Tensor> parameters, IEnumerable<KeyValuePair<string, object?>>? options = null)
    {
        Params = new List<Tensor>(parameters);
        if (options != null) foreach (var kv in options) this[kv.Key] = kv.Value;
    }

    /// <summary>Collection-initializer support: <c>new ParamGroup(p) { ["lr"] = 0.1 }</c> or <c>{ { "lr", 0.1 } }</c>.</summary>
    public void Add(string key, object? value) => this[key] = value;

    public object? this[string key]
    {
        get
        {
            int i = IndexOf(key);
            if (i < 0) throw new KeyNotFoundException($"'{key}'");
            return _options[i].Value;
        }
        set
        {
            int i = IndexOf(key);
            if (i < 0) _options.Add(new(key, value)); else _options[i] = new(key, value);
        }
    }

    public bool ContainsKey(string key) => IndexOf(key) >= 0;
    public IEnumerable<string> Keys { get { foreach (var kv in _options) yield return kv.Key; } }

    /// <summary>Sets an option only if the group does not have it (Python's dict.setdefault).</summary>
    public void SetDefault(string key, object? value) { if (IndexOf(key) < 0) _options.Add(new(key, value)); }

    private int IndexOf(string key)
    {
        for (int i = 0; i < _options.Count; i++) if (_options[i].Key == key) return i;
        return -1;
    }

    public double Lr { get => GetDouble("lr"); set => this["lr"] = value; }

    public double GetDouble(string key) => ToDouble(this[key], key);
    public long GetLong(string key) => this[key] switch { long l => l, int i => i, double d => (long)d, bool b => b ? 1 : 0, var v => throw Bad(key, v) };
    public bool GetBool(string key) => this[key] switch { bool b => b, long l => l != 0, int i => i != 0, double d => d != 0, null => false, var v => throw Bad(key, v) };
    public (double, double) GetPair(string key)
    {
        var v = this[key];
        if (v is ValueTuple<double, double> pair) return pair; // the common case, without boxing the items
        if (v is ITuple t && t.Length == 2) return (ToDouble(t[0], key), ToDouble(t[1], key));
        if (v is IList l && l.Count == 2) return (ToDouble(l[0], key), ToDouble(l[1], key));
        throw Bad(key, v);
    }

    internal static double ToDouble(object? v, string key) => v switch
    {
        double d => d, float f => f, long l => l, int i => i, bool b => b ? 1 : 0,
        Tensor t when t.Numel() == 1 => t.Item(),
        _ => throw Bad(key, v),
    };

    private static ArgumentException Bad(string key, object? v) => new($"param group option '{key}' has an unexpected value {v ?? "None"}");

    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator() => _options.GetEnumerator();
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
