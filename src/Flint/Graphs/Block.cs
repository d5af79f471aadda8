namespace Flint.Graphs;

/// <summary>
/// An ordered list of nodes with parameters (values the block receives) and returns (values it yields): a graph's
/// body, a <c>prim::If</c> branch or a <c>prim::Loop</c> body.
/// </summary>
public sealed class Block
{
    private readonly List<Value> _inputs = new();
    private readonly List<Node> _nodes = new();

    internal Block(Graph graph, Node? owningNode) { Graph = graph; OwningNode = owningNode; }

    public Graph Graph { get; }

    /// <summary>The If/Loop node that owns this block (null for a graph's top block).</summary>
    public Node? OwningNode { get; }

    public IReadOnlyList<Value> Inputs => _inputs;
    public IReadOnlyList<Node> Nodes => _nodes;
    public IReadOnlyList<Value> Returns => ReturnNode.Inputs;

    /// <summary>Adds a parameter, named <paramref name="name"/> when given.</summary>
    public Value AddInput(JitType type, string? name = null)
    {
        var v = new Value(Graph, null, type) { ParamOf = this };
        if (name is not null) v.SetDebugName(name);
        _inputs.Add(v);
        Graph.Version++;
        return v;
    }

    /// <summary>Removes parameter i, which must be unused.</summary>
    public void EraseInput(int i)
    {
        if (_inputs[i].Uses.Count > 0) throw new InvalidOperationException($"parameter {_inputs[i]} still has uses");
        _inputs.RemoveAt(i);
        Graph.Version++;
    }

    /// <summary>Adds a value to the block's returns (a use by the block's return node, see <see cref="ReturnNode"/>).</summary>
    public void AddReturn(Value v)
    {
        ReturnNode.AddInput(v);
        Graph.Version++;
    }

    /// <summary>Replaces return i.</summary>
    public void ReplaceReturn(int i, Value v)
    {
        ReturnNode.ReplaceInput(i, v);
        Graph.Version++;
    }

    /// <summary>
    /// The block's returns are the inputs of a hidden node (as TorchScript's Return node), so that uses of a value
    /// include being returned; it is not in <see cref="Nodes"/>.
    /// </summary>
    public Node ReturnNode => _return ??= new Node(Graph, "prim::Return") { Owner = this };
    private Node? _return;

    /// <summary>Appends a node (created with <see cref="Graph.Create"/>) at the end.</summary>
    public Node Append(Node n) { InsertAt(_nodes.Count, n); return n; }

    /// <summary>Puts a node first.</summary>
    public Node Prepend(Node n) { InsertAt(0, n); return n; }

    internal void InsertAt(int index, Node n)
    {
        if (n.Owner is not null) throw new InvalidOperationException($"{n.Kind} is already in a block");
        n.Owner = this;
        _nodes.Insert(index, n);
        Graph.Version++;
    }

    internal int IndexOf(Node n) => _nodes.IndexOf(n);

    internal void Remove(Node n) { _nodes.Remove(n); n.Owner = null; Graph.Version++; }

    /// <summary>Moves a node of this graph (already in some block) to just before <paramref name="before"/>.</summary>
    public static void MoveBefore(Node n, Node before)
    {
        n.Owner!.Remove(n);
        n.InsertBefore(before);
    }
}
