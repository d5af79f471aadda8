namespace Flint.Graphs.Passes;

/// <summary>
/// Computes at compile time what depends only on constants: an aten node whose inputs are all prim::Constant
/// (deterministic, not in-place) runs once under no-grad and becomes constants; a ListConstruct of constant
/// numbers becomes a constant list; a prim::If on a constant condition is replaced by the taken branch.
/// </summary>
public static class ConstantPropagation
{
    public static Graph Run(Graph g)
    {
        using (Torch.NoGrad()) Fold(g.Block);
        DeadCodeElimination.Run(g);
        return g;
    }

    private static void Fold(Block b)
    {
        foreach (var n in b.Nodes.ToArray())
        {
            if (!ReferenceEquals(n.Owner, b)) continue;
            foreach (var sub in n.Blocks) Fold(sub);
            if (n.Kind == "prim::If" && ConstantValue(n.Input(0), out var cond)) InlineBranch(n, PrimOps.Truthy(cond));
            else if (n.Kind == "prim::ListConstruct" && n.Output().Type is ListType { Element: var e }
                     && (e == JitType.Int || e == JitType.Float || e == JitType.Bool)) FoldList(n);
            else if (n.Schema is { } s && !s.IsInPlace && !s.IsNondeterministic && s.Invoker is not null) FoldAten(n);
        }
    }

    private static void FoldAten(Node n)
    {
        var args = new object?[n.Inputs.Count];
        for (int i = 0; i < args.Length; i++)
            if (!ConstantValue(n.Input(i), out args[i])) return;
        var result = OpRegistry.Invoke(n.Schema!, args);
        var values = n.Outputs.Count == 1 ? [result] : PrimOps.AsItems(result);
        for (int i = 0; i < n.Outputs.Count; i++) Replace(n.Output(i), values[i], n);
    }

    private static void FoldList(Node n)
    {
        var items = new object?[n.Inputs.Count];
        for (int i = 0; i < items.Length; i++)
            if (!ConstantValue(n.Input(i), out items[i])) return;
        Replace(n.Output(), PrimOps.MakeList(((ListType)n.Output().Type).Element, items), n);
    }

    private static void Replace(Value v, object? value, Node before)
    {
        var c = before.Graph.CreateConstant(value);
        c.InsertBefore(before);
        c.Scope = before.Scope;
        v.ReplaceAllUsesWith(c.Output());
    }

    private static void InlineBranch(Node ifNode, bool taken)
    {
        var block = ifNode.Blocks[taken ? 0 : 1];
        var map = new Dictionary<Value, Value>();
        GraphCopier.CloneNodes(block, ifNode.Owner!, map, ifNode);
        for (int i = 0; i < ifNode.Outputs.Count; i++)
        {
            var r = block.Returns[i];
            ifNode.Output(i).ReplaceAllUsesWith(map.TryGetValue(r, out var m) ? m : r);
        }
        ifNode.Destroy();
    }

    /// <summary>The value of a prim::Constant output.</summary>
    public static bool ConstantValue(Value v, out object? value)
    {
        value = null;
        if (v.Node is not { Kind: "prim::Constant" } c) return false;
        value = c.HasAttribute("value") ? c.Attribute("value") : null;
        return true;
    }
}
