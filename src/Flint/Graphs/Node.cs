namespace Flint.Graphs;

/// <summary>
/// One operation in a block: a kind (<c>aten::relu</c>, <c>prim::Constant</c>, <c>prim::If</c> …), input values,
/// output values, named attributes (prim nodes' <c>value</c> and <c>name</c>), owned blocks (If: two, Loop: one),
/// the module scope it was recorded in (<c>__module.hidden</c>) and the source line that made it. Aten nodes carry
/// every argument as an input, in the order of their <see cref="Schema"/>.
/// </summary>
public sealed class Node
{
    private readonly List<Value> _inputs = new();
    private readonly List<Value> _outputs = new();
    private readonly List<Block> _blocks = new();
    private Dictionary<string, object?>? _attributes;

    internal Node(Graph graph, string kind) { Graph = graph; Kind = kind; }

    public Graph Graph { get; }

    /// <summary>"namespace::name": aten::addmm, prim::GetAttr …</summary>
    public string Kind { get; }

    /// <summary>The schema of an aten node (null for prim nodes).</summary>
    public OpSchema? Schema { get; internal set; }

    /// <summary>The block that holds this node (null once removed).</summary>
    public Block? Owner { get; internal set; }

    public IReadOnlyList<Value> Inputs => _inputs;
    public IReadOnlyList<Value> Outputs => _outputs;
    public IReadOnlyList<Block> Blocks => _blocks;

    /// <summary>The module scope, as TorchScript prints it after "scope:" (__module.hidden); null at top level.</summary>
    public string? Scope { get; set; }

    /// <summary>Where the node came from ("Model.cs:12"), printed after "#".</summary>
    public string? SourceLocation { get; set; }

    /// <summary>The interpreter's prepared call for this node (filled on first run).</summary>
    internal object? Cache;

    public Value Input(int i = 0) => _inputs[i];
    public Value Output(int i = 0) => _outputs[i];

    // ------------------------------------------------------------------ attributes

    /// <summary>The named attributes, in the order they were set.</summary>
    public IEnumerable<KeyValuePair<string, object?>> Attributes
        => _attributes ?? Enumerable.Empty<KeyValuePair<string, object?>>();

    public bool HasAttribute(string name) => _attributes?.ContainsKey(name) ?? false;

    /// <summary>Sets an attribute: long, double, bool, string, long[], double[], a Tensor, a type, or null.</summary>
    public Node SetAttribute(string name, object? value) { (_attributes ??= new())[name] = value; Changed(); return this; }

    public object? Attribute(string name)
        => _attributes is not null && _attributes.TryGetValue(name, out var v)
            ? v : throw new KeyNotFoundException($"{Kind} has no attribute '{name}'");

    /// <summary>The "name" attribute (GetAttr, CallMethod).</summary>
    public string NameAttribute => (string)Attribute("name")!;

    // ------------------------------------------------------------------ inputs, outputs, blocks

    public Node AddInput(Value v)
    {
        CheckSameGraph(v);
        v._uses.Add(new Use(this, _inputs.Count));
        _inputs.Add(v);
        Changed();
        return this;
    }

    public void ReplaceInput(int i, Value v)
    {
        CheckSameGraph(v);
        var old = _inputs[i];
        old._uses.Remove(new Use(this, i));
        v._uses.Add(new Use(this, i));
        _inputs[i] = v;
        Changed();
    }

    /// <summary>Drops every input (their uses go with them).</summary>
    public void RemoveAllInputs()
    {
        for (int i = 0; i < _inputs.Count; i++) _inputs[i]._uses.Remove(new Use(this, i));
        _inputs.Clear();
        Changed();
    }

    public Value AddOutput(JitType type)
    {
        var v = new Value(Graph, this, type);
        _outputs.Add(v);
        Changed();
        return v;
    }

    /// <summary>Removes output i, which must have no uses.</summary>
    public void EraseOutput(int i)
    {
        if (_outputs[i].Uses.Count > 0) throw new InvalidOperationException($"output {_outputs[i]} of {Kind} still has uses");
        _outputs.RemoveAt(i);
        Changed();
    }

    public Block AddBlock()
    {
        var b = new Block(Graph, this);
        _blocks.Add(b);
        Changed();
        return b;
    }

    private void Changed() { Cache = null; Graph.Version++; }

    private void CheckSameGraph(Value v)
    {
        if (!ReferenceEquals(v.Graph, Graph)) throw new ArgumentException($"{v} belongs to another graph");
    }

    // ------------------------------------------------------------------ position

    /// <summary>Places this node (not yet in a block) just before <paramref name="other"/>.</summary>
    public Node InsertBefore(Node other) { other.Owner!.InsertAt(other.Owner.IndexOf(other), this); return this; }

    /// <summary>Places this node (not yet in a block) just after <paramref name="other"/>.</summary>
    public Node InsertAfter(Node other) { other.Owner!.InsertAt(other.Owner.IndexOf(other) + 1, this); return this; }

    /// <summary>Takes the node out of its block and drops its inputs; its outputs must be unused.</summary>
    public void Destroy()
    {
        foreach (var o in _outputs)
            if (o.Uses.Count > 0) throw new InvalidOperationException($"cannot remove {Kind}: {o} still has uses");
        foreach (var b in _blocks)
        {
            b.ReturnNode.RemoveAllInputs(); // the block's returns are uses of its own nodes' outputs
            foreach (var n in b.Nodes.Reverse().ToArray()) n.Destroy();
        }
        RemoveAllInputs();
        Owner?.Remove(this);
    }

    /// <summary>True if this node is before <paramref name="other"/> in their common block (walking up owners).</summary>
    public bool IsBefore(Node other)
    {
        var (a, b) = (this, other);
        while (true)
        {
            if (ReferenceEquals(a.Owner, b.Owner)) return a.Owner!.IndexOf(a) < b.Owner!.IndexOf(b);
            // climb from the deeper of the two towards the common block
            if (Depth(a) >= Depth(b)) a = a.Owner!.OwningNode ?? throw new InvalidOperationException("nodes not in one graph");
            else b = b.Owner!.OwningNode ?? throw new InvalidOperationException("nodes not in one graph");
            if (ReferenceEquals(a, b)) return false;
        }
    }

    private static int Depth(Node n)
    {
        int d = 0;
        for (var b = n.Owner; b?.OwningNode is { } o; b = o.Owner) d++;
        return d;
    }

    /// <summary>Whether running this node has an effect beyond its outputs (it may not be removed or merged).</summary>
    public bool HasSideEffects
        => Kind is "prim::RaiseException" or "prim::Print" or "prim::SetAttr"
           || (Schema is { } s && (s.IsInPlace || s.IsNondeterministic));

    public override string ToString() => GraphPrinter.PrintNode(this);
}
