namespace Flint.Graphs;

/// <summary>
/// A TorchScript-style graph: one top <see cref="Block"/> whose parameters are the graph's inputs (for a module's
/// method the first is <c>%self</c>) and whose returns are its outputs. Nodes are created here and placed into
/// blocks; <see cref="ToString"/> prints the graph exactly as TorchScript's <c>graph.__str__</c> does.
/// </summary>
public sealed class Graph
{
    private int _nextUnique;
    private readonly Dictionary<string, int> _names = new();   // base name -> next suffix
    private readonly HashSet<string> _taken = new();

    public Graph() => Block = new Block(this, null);

    /// <summary>The top block.</summary>
    public Block Block { get; }

    public IReadOnlyList<Value> Inputs => Block.Inputs;
    public IReadOnlyList<Node> Nodes => Block.Nodes;
    public IReadOnlyList<Value> Outputs => Block.Returns;

    public Value AddInput(JitType type, string? name = null) => Block.AddInput(type, name);
    public void AddOutput(Value v) => Block.AddReturn(v);

    internal int NextUnique() => _nextUnique++;

    /// <summary>Bumped by every change, so the interpreter knows when its prepared plan is stale.</summary>
    internal int Version;

    internal Interpreter.Plan? Plan;

    // A debug name stays unique in the graph: a taken name gets TorchScript's ".N" suffix.
    internal string ClaimName(string name)
    {
        if (_taken.Add(name)) return name;
        int dot = name.LastIndexOf('.');
        string stem = dot > 0 && int.TryParse(name.AsSpan(dot + 1), out _) ? name[..dot] : name;
        _names.TryGetValue(stem, out int n);
        string candidate;
        do candidate = stem + "." + (++n); while (!_taken.Add(candidate));
        _names[stem] = n;
        return candidate;
    }

    internal void ReleaseName(string name) => _taken.Remove(name);

    // ------------------------------------------------------------------ node factories

    /// <summary>A new node (not yet placed) with the given inputs and <paramref name="outputs"/> outputs of type Tensor.</summary>
    public Node Create(string kind, IEnumerable<Value>? inputs = null, int outputs = 1)
    {
        var n = new Node(this, kind);
        if (inputs is not null) foreach (var v in inputs) n.AddInput(v);
        for (int i = 0; i < outputs; i++) n.AddOutput(JitType.AnyTensor);
        return n;
    }

    /// <summary>A <c>prim::Constant</c> node for a C# value (long, double, bool, string, null, long[], Tensor …).</summary>
    public Node CreateConstant(object? value)
    {
        var n = new Node(this, "prim::Constant");
        var type = Constants.TypeOf(value);
        if (value is not null) n.SetAttribute("value", Constants.Normalize(value));
        n.AddOutput(type);
        return n;
    }

    /// <summary>An aten node for <paramref name="schema"/> over <paramref name="args"/> (one per schema argument),
    /// with one output per schema return typed from the schema.</summary>
    public Node CreateAten(OpSchema schema, IReadOnlyList<Value> args)
    {
        if (args.Count != schema.Arguments.Count)
            throw new ArgumentException($"{schema.Name} takes {schema.Arguments.Count} arguments, got {args.Count}");
        var n = new Node(this, schema.Name) { Schema = schema };
        foreach (var a in args) n.AddInput(a);
        foreach (var r in schema.Returns) n.AddOutput(r.Type);
        return n;
    }

    /// <summary><c>prim::GetAttr[name=…](obj)</c> typed <paramref name="type"/>.</summary>
    public Node CreateGetAttr(Value obj, string name, JitType type)
    {
        var n = Create("prim::GetAttr", [obj], 0).SetAttribute("name", name);
        n.AddOutput(type);
        return n;
    }

    /// <summary><c>prim::ListConstruct</c> of values of one element type.</summary>
    public Node CreateList(JitType elementType, IEnumerable<Value> items)
    {
        var n = Create("prim::ListConstruct", items, 0);
        n.AddOutput(JitType.ListOf(elementType));
        return n;
    }

    /// <summary><c>prim::TupleConstruct</c>.</summary>
    public Node CreateTuple(IReadOnlyList<Value> items)
    {
        var n = Create("prim::TupleConstruct", items, 0);
        n.AddOutput(new TupleType(items.Select(v => v.Type).ToArray()));
        return n;
    }

    /// <summary>Every node, nested blocks included, in program order.</summary>
    public IEnumerable<Node> AllNodes() => AllNodes(Block);

    public static IEnumerable<Node> AllNodes(Block b)
    {
        foreach (var n in b.Nodes)
        {
            yield return n;
            foreach (var sub in n.Blocks)
                foreach (var m in AllNodes(sub)) yield return m;
        }
    }

    /// <summary>A deep copy (used before a pass that must not change the original).</summary>
    public Graph Copy() => GraphCopier.Copy(this);

    /// <summary>The graph in TorchScript's printed form.</summary>
    public override string ToString() => GraphPrinter.Print(this);
}
