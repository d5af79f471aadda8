namespace Flint.Graphs.Passes;

/// <summary>
/// Replaces every <c>prim::CallMethod</c> on a submodule by the callee method's nodes (PyTorch's inlined_graph).
/// The callee object is found by following the <c>prim::GetAttr</c> chain from <c>%self</c> on
/// <paramref name="self"/>; the callee's own GetAttrs are re-rooted on the caller's value of that submodule.
/// </summary>
public static class Inline
{
    public static Graph Run(Graph g, IScriptObject self)
    {
        InlineBlock(g.Block, self, g.Inputs[0]);
        return g;
    }

    private static void InlineBlock(Block b, IScriptObject self, Value selfValue)
    {
        // A callee's body may call its own submodules: those calls now read GetAttr chains that resolve from the
        // caller's self, so sweep again until no call is left that resolves.
        for (bool changed = true; changed;)
        {
            changed = false;
            foreach (var n in b.Nodes.ToArray())
            {
                if (!ReferenceEquals(n.Owner, b)) continue;
                foreach (var sub in n.Blocks) InlineBlock(sub, self, selfValue);
                if (n.Kind != "prim::CallMethod" || Resolve(n.Input(0), self, selfValue) is not Jit.ScriptModule callee) continue;
                var body = callee.Method(n.NameAttribute);
                var map = new Dictionary<Value, Value>();
                for (int i = 0; i < body.Inputs.Count; i++) map[body.Inputs[i]] = n.Input(i);
                GraphCopier.CloneNodes(body.Block, b, map, n);
                for (int i = 0; i < n.Outputs.Count; i++) n.Output(i).ReplaceAllUsesWith(map[body.Outputs[i]]);
                n.Destroy();
                changed = true;
            }
        }
    }

    /// <summary>The object a value stands for, following GetAttr nodes back to self; null if not known.</summary>
    internal static object? Resolve(Value v, IScriptObject self, Value selfValue)
    {
        if (ReferenceEquals(v, selfValue)) return self;
        if (v.Node is { Kind: "prim::GetAttr" } g && Resolve(g.Input(), self, selfValue) is IScriptObject o)
            return o.GetAttr(g.NameAttribute);
        return null;
    }
}
