using System.Globalization;

namespace Flint.Graphs;

/// <summary>
/// One size of a tensor type: a concrete length or a named symbol (PyTorch's SymInt: "s0" for a dynamic batch).
/// Traced graphs hold concrete sizes; a dynamic-shape capture replaces some of them by symbols.
/// </summary>
public readonly record struct SymInt
{
    private readonly long _value;

    /// <summary>The symbol's name, or null for a concrete size.</summary>
    public string? Symbol { get; }

    private SymInt(long value, string? symbol) { _value = value; Symbol = symbol; }

    /// <summary>A concrete size.</summary>
    public static SymInt Of(long value) => new(value, null);

    /// <summary>A symbolic size named <paramref name="name"/>.</summary>
    public static SymInt Sym(string name) => new(0, name ?? throw new ArgumentNullException(nameof(name)));

    public static implicit operator SymInt(long value) => Of(value);

    /// <summary>True for a concrete size.</summary>
    public bool IsConcrete => Symbol is null;

    /// <summary>The concrete size; a symbolic one throws (it has no value until a graph runs).</summary>
    public long Value => Symbol is null ? _value : throw new InvalidOperationException($"size {Symbol} is symbolic");

    public override string ToString() => Symbol ?? _value.ToString(CultureInfo.InvariantCulture);
}
