namespace Flint.Graphs;

/// <summary>Copies nodes between graphs (a whole graph's copy, and a callee's body when inlining).</summary>
public static class GraphCopier
{
    /// <summary>A deep copy of <paramref name="g"/>: same structure, names, types, attributes, scopes.</summary>
    public static Graph Copy(Graph g)
    {
        var copy = new Graph();
        var map = new Dictionary<Value, Value>();
        foreach (var v in g.Inputs) map[v] = copy.AddInput(v.Type, v.HasDebugName ? v.Name : null);
        CloneNodes(g.Block, copy.Block, map, null);
        foreach (var r in g.Outputs) copy.AddOutput(map[r]);
        return copy;
    }

    /// <summary>
    /// Appends copies of <paramref name="from"/>'s nodes to <paramref name="to"/> (or before <paramref name="before"/>
    /// when given). <paramref name="map"/> must map the values the nodes read from outside; it receives the copies'
    /// outputs.
    /// </summary>
    public static void CloneNodes(Block from, Block to, Dictionary<Value, Value> map, Node? before)
    {
        foreach (var n in from.Nodes)
        {
            var c = CloneNode(n, to.Graph, map);
            if (before is null) to.Append(c); else c.InsertBefore(before);
        }
    }

    /// <summary>A copy of one node (with its blocks) into <paramref name="g"/>, inputs mapped through <paramref name="map"/>.</summary>
    public static Node CloneNode(Node n, Graph g, Dictionary<Value, Value> map)
    {
        var c = g.Create(n.Kind, n.Inputs.Select(v => Lookup(map, v, g)), 0);
        c.Schema = n.Schema;
        c.Scope = n.Scope;
        c.SourceLocation = n.SourceLocation;
        foreach (var kv in n.Attributes) c.SetAttribute(kv.Key, kv.Value);
        foreach (var o in n.Outputs)
        {
            var co = c.AddOutput(o.Type);
            if (o.HasDebugName) co.SetDebugName(o.Name);
            map[o] = co;
        }
        foreach (var b in n.Blocks)
        {
            var cb = c.AddBlock();
            foreach (var p in b.Inputs) map[p] = cb.AddInput(p.Type, p.HasDebugName ? p.Name : null);
            CloneNodes(b, cb, map, null);
            foreach (var r in b.Returns) cb.AddReturn(Lookup(map, r, g));
        }
        return c;
    }

    // a value not copied is kept when copying within its own graph (a branch inlined into its enclosing block)
    private static Value Lookup(Dictionary<Value, Value> map, Value v, Graph target)
        => map.TryGetValue(v, out var m) ? m
            : ReferenceEquals(v.Graph, target) ? v : throw new InvalidOperationException($"{v} is read before it is defined");
}
