using System.Diagnostics.CodeAnalysis;

namespace Flint.Serialization;

public sealed partial class OrderedDict
{
    /// <summary>
    /// The value under <paramref name="key"/> as a <typeparamref name="T"/>: <c>ckpt.Get&lt;int&gt;("epoch")</c>,
    /// <c>ckpt.Get&lt;OrderedDict&gt;("state_dict")</c>, <c>sd.Get&lt;Tensor&gt;("fc.weight")</c>. A Python int reads
    /// as any C# integer type it fits (checked) or as a floating type; a float only as a floating type; the value's
    /// own type (Tensor, OrderedDict, <c>List&lt;object?&gt;</c>, string …) as itself or a base type of it.
    /// A missing key throws <see cref="KeyNotFoundException"/> ("KeyError: 'epoch'"); a value of another type, a
    /// None, or an int out of the range of <typeparamref name="T"/> throws <see cref="InvalidCastException"/> that
    /// names the key and both types.
    /// </summary>
    public T Get<T>(object key)
    {
        if (!TryGetValue(key, out var v)) throw new KeyNotFoundException($"KeyError: {Repr(NormalizeKey(key))}");
        if (TryConvert<T>(v, out var t)) return t;
        string what = v is null ? "None" : WithArticle(Unpickler.TypeName(v)) + (v is long or double or bool or string ? $" ({Python(v)})" : "");
        string range = v is long && IsInteger(typeof(T)) ? $", out of the range of {typeof(T).Name}" : "";
        throw new InvalidCastException($"entry {Repr(NormalizeKey(key))} is {what}{range}, not {Article(typeof(T))}");
    }

    /// <summary>
    /// <see cref="Get{T}"/> that returns false instead of throwing when the key is missing or its value does not
    /// convert to <typeparamref name="T"/>.
    /// </summary>
    public bool TryGet<T>(object key, [MaybeNullWhen(false)] out T value)
    {
        if (TryGetValue(key, out var v) && TryConvert(v, out value)) return true;
        value = default;
        return false;
    }

    private static bool TryConvert<T>(object? v, [MaybeNullWhen(false)] out T value)
    {
        value = default;
        switch (v)
        {
            case null: return false;
            case T t: value = t; return true;
            case long l when IsInteger(typeof(T)):
                try { value = (T)Convert.ChangeType(l, typeof(T), System.Globalization.CultureInfo.InvariantCulture); }
                catch (OverflowException) { return false; }
                return true;
            case long l when typeof(T) == typeof(double): value = (T)(object)(double)l; return true;
            case long l when typeof(T) == typeof(float): value = (T)(object)(float)l; return true;
            case double d when typeof(T) == typeof(float): value = (T)(object)(float)d; return true;
            default: return false;
        }
    }

    private static bool IsInteger(Type t)
        => t == typeof(int) || t == typeof(long) || t == typeof(short) || t == typeof(sbyte)
        || t == typeof(byte) || t == typeof(ushort) || t == typeof(uint) || t == typeof(ulong);

    private static string Python(object v) => v switch
    {
        bool b => b ? "True" : "False",
        string s => "'" + s + "'",
        double d => d.ToString("R", System.Globalization.CultureInfo.InvariantCulture),
        _ => Convert.ToString(v, System.Globalization.CultureInfo.InvariantCulture) ?? "",
    };

    private static string Article(Type t)
    {
        string n = t == typeof(int) ? "int" : t == typeof(long) ? "long" : t == typeof(double) ? "double"
            : t == typeof(float) ? "float" : t == typeof(string) ? "string" : t == typeof(bool) ? "bool" : t.Name;
        return WithArticle(n);
    }

    private static string WithArticle(string noun) => ("aeiou".Contains(char.ToLowerInvariant(noun[0])) ? "an " : "a ") + noun;
}
