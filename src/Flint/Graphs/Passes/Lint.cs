namespace Flint.Graphs.Passes;

/// <summary>
/// Checks that a graph is well formed, as TorchScript's Graph::lint: every value is defined before it is read
/// (by an earlier node of its block or of an enclosing block, or as a parameter of an enclosing block), use lists
/// match node inputs, If has two blocks and Loop one with the right arities, aten nodes match their schema's
/// argument count and types, and debug names are unique. Throws <see cref="GraphLintException"/> naming the node.
/// </summary>
public static class Lint
{
    public static void Check(Graph g)
    {
        var names = new HashSet<string>();
        var defined = new HashSet<Value>();
        foreach (var v in g.Inputs) Define(v, defined, names, null);
        CheckBlock(g.Block, defined, names);
    }

    private static void CheckBlock(Block b, HashSet<Value> defined, HashSet<string> names)
    {
        var local = new List<Value>();
        foreach (var n in b.Nodes)
        {
            if (!ReferenceEquals(n.Owner, b)) throw new GraphLintException(n, "the node's owner is not the block holding it");
            for (int i = 0; i < n.Inputs.Count; i++)
            {
                var v = n.Input(i);
                if (!defined.Contains(v)) throw new GraphLintException(n, $"input {v} is used before it is defined");
                if (!v.Uses.Contains(new Use(n, i))) throw new GraphLintException(n, $"input {v} does not list this use");
            }
            CheckShape(n);
            foreach (var sub in n.Blocks)
            {
                var inner = new List<Value>();
                foreach (var p in sub.Inputs) { Define(p, defined, names, n); inner.Add(p); }
                CheckBlock(sub, defined, names);
                foreach (var p in inner) defined.Remove(p);
            }
            foreach (var o in n.Outputs)
            {
                if (!ReferenceEquals(o.Node, n)) throw new GraphLintException(n, $"output {o} names another producer");
                Define(o, defined, names, n);
                local.Add(o);
            }
        }
        foreach (var r in b.Returns)
            if (!defined.Contains(r)) throw new GraphLintException(b.OwningNode, $"returned value {r} is not defined");
        // values of an inner block are not visible after it
        if (b.OwningNode is not null) foreach (var v in local) defined.Remove(v);
    }

    private static void Define(Value v, HashSet<Value> defined, HashSet<string> names, Node? n)
    {
        if (!defined.Add(v)) throw new GraphLintException(n, $"{v} is defined twice");
        if (v.HasDebugName && !names.Add(v.Name)) throw new GraphLintException(n, $"the name %{v.Name} is used twice");
    }

    private static void CheckShape(Node n)
    {
        switch (n.Kind)
        {
            case "prim::If":
                if (n.Blocks.Count != 2) throw new GraphLintException(n, "prim::If needs two blocks");
                foreach (var b in n.Blocks)
                    if (b.Returns.Count != n.Outputs.Count) throw new GraphLintException(n, "each branch must return one value per output");
                return;
            case "prim::Loop":
                if (n.Blocks.Count != 1) throw new GraphLintException(n, "prim::Loop needs one block");
                int carried = n.Inputs.Count - 2;
                var body = n.Blocks[0];
                if (carried < 0 || n.Outputs.Count != carried || body.Inputs.Count != carried + 1 || body.Returns.Count != carried + 1)
                    throw new GraphLintException(n, "prim::Loop(max, cond, carried…) needs block(i, carried…) -> (cond, carried…) and one output per carried value");
                return;
        }
        if (n.Schema is not { } s) return;
        if (n.Inputs.Count != s.Arguments.Count)
            throw new GraphLintException(n, $"{s.QualifiedName} takes {s.Arguments.Count} arguments, the node has {n.Inputs.Count}");
        for (int i = 0; i < n.Inputs.Count; i++)
            if (!s.Arguments[i].Type.Accepts(n.Input(i).Type) && !(n.Input(i).Type is TensorType && s.Arguments[i].Type == JitType.Number))
                throw new GraphLintException(n, $"argument '{s.Arguments[i].Name}' expects {s.Arguments[i].Type}, got {n.Input(i).Type}");
        if (n.Outputs.Count != s.Returns.Count) throw new GraphLintException(n, $"{s.QualifiedName} returns {s.Returns.Count} values, the node has {n.Outputs.Count}");
    }
}

/// <summary>A malformed graph, with the node where it was found.</summary>
public sealed class GraphLintException(Node? node, string message)
    : Exception(node is null ? message : $"{message}\n  at: {GraphPrinter.PrintNode(node)}")
{
    public Node? Node { get; } = node;
}
