namespace Flint.Graphs;

/// <summary>
/// A value in a graph: a block parameter or a node output, with a type, a debug name unique in its graph (printed
/// as %name) and the list of its uses. Values are created by <see cref="Block.AddInput"/> and
/// <see cref="Node.AddOutput"/>.
/// </summary>
public sealed class Value
{
    internal readonly List<Use> _uses = new();
    private string? _debugName;

    internal Value(Graph graph, Node? node, JitType type)
    {
        Graph = graph; Node = node; Type = type;
        Unique = graph.NextUnique();
    }

    /// <summary>The graph this value belongs to.</summary>
    public Graph Graph { get; }

    /// <summary>The node that produces it, or null for a block parameter.</summary>
    public Node? Node { get; internal set; }

    /// <summary>The block whose parameter this is (null for node outputs).</summary>
    public Block? ParamOf { get; internal set; }

    public JitType Type { get; set; }

    /// <summary>A number unique in the graph, used for the name when no debug name was given.</summary>
    public int Unique { get; }

    /// <summary>Where this value is read: (node, input index) pairs.</summary>
    public IReadOnlyList<Use> Uses => _uses;

    /// <summary>The name the printer shows (without %): the debug name, made unique in the graph, or the number.</summary>
    public string Name => _debugName ?? Unique.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Whether the value has a chosen name (rather than a number).</summary>
    public bool HasDebugName => _debugName is not null;

    /// <summary>Gives the value a readable name; TorchScript's rule makes it unique by a ".N" suffix.</summary>
    public Value SetDebugName(string? name)
    {
        if (name is null) { if (_debugName is not null) Graph.ReleaseName(_debugName); _debugName = null; return this; }
        if (!IsValidName(name)) throw new ArgumentException($"names may not be numbers or empty: '{name}'");
        if (_debugName is not null) Graph.ReleaseName(_debugName);
        _debugName = Graph.ClaimName(name);
        return this;
    }

    private static bool IsValidName(string name) => name.Length > 0 && !char.IsAsciiDigit(name[0]);

    /// <summary>Makes every use of this value read <paramref name="other"/> instead.</summary>
    public void ReplaceAllUsesWith(Value other)
    {
        if (ReferenceEquals(other, this)) return;
        foreach (var u in _uses.ToArray()) u.User.ReplaceInput(u.Offset, other);
    }

    public override string ToString() => "%" + Name;
}

/// <summary>One read of a value: input number <see cref="Offset"/> of node <see cref="User"/>.</summary>
public readonly record struct Use(Node User, int Offset);
