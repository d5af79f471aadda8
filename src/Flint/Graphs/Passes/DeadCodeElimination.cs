namespace Flint.Graphs.Passes;

/// <summary>
/// Removes nodes whose outputs are never used and that have no effect of their own (in-place ops, random draws
/// kept only if used, prints, exceptions and attribute writes are kept), innermost blocks first, last node first
/// so that chains of dead nodes go in one sweep.
/// </summary>
public static class DeadCodeElimination
{
    public static Graph Run(Graph g)
    {
        Sweep(g.Block);
        return g;
    }

    private static void Sweep(Block b)
    {
        for (int i = b.Nodes.Count - 1; i >= 0; i--)
        {
            var n = b.Nodes[i];
            foreach (var sub in n.Blocks) Sweep(sub);
            if (IsDead(n)) n.Destroy();
        }
    }

    private static bool IsDead(Node n)
    {
        foreach (var o in n.Outputs) if (o.Uses.Count > 0) return false;
        if (n.Schema is { IsInPlace: true } || n.Kind is "prim::RaiseException" or "prim::Print" or "prim::SetAttr"
            or "prim::CallMethod") return false;
        foreach (var b in n.Blocks)
            foreach (var inner in Graph.AllNodes(b))
                if (inner.HasSideEffects || inner.Kind == "prim::CallMethod") return false;
        return true;
    }
}
