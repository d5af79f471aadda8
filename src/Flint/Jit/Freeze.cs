using Flint.Graphs;
using Flint.Graphs.Passes;
using Node = Flint.Graphs.Node;

namespace Flint.Jit;

/// <summary>
/// torch.jit.freeze: the forward graph inlined, every attribute read (parameters, buffers, constants) replaced by
/// a constant holding a detached copy, dropout in eval removed, batch norm folded into the convolution or linear
/// before it, then constant propagation, CSE and dead-code elimination. The result has no parameters.
/// </summary>
internal static class Freezer
{
    public static ScriptModule Freeze(ScriptModule module)
    {
        if (module.Training)
            throw new InvalidOperationException(
                "Freezing is currently only implemented for modules in eval mode. Please call .eval() on your module before freezing.");
        var g = module.InlinedGraph;
        InlineAttributes(g, module);
        RemoveDropout.Run(g);
        FoldBatchNorm.Run(g);
        Optimize(g);
        var frozen = new ScriptModule(module.Type.QualifiedName, module.OriginalName);
        frozen.DefineMethod("forward", g);
        frozen.Eval();
        return frozen;
    }

    /// <summary>The generic clean-up passes, to a fixed point in one round each (they do not feed each other here).</summary>
    public static void Optimize(Graph g)
    {
        ConstantPropagation.Run(g);
        CommonSubexpressionElimination.Run(g);
        DeadCodeElimination.Run(g);
        Lint.Check(g);
    }

    private static void InlineAttributes(Graph g, ScriptModule self)
    {
        using var _ = Torch.NoGrad();
        foreach (var n in g.AllNodes().ToArray())
        {
            if (n.Kind != "prim::GetAttr" || Inline.Resolve(n.Input(), self, g.Inputs[0]) is not IScriptObject owner) continue;
            var value = owner.GetAttr(n.NameAttribute);
            if (value is IScriptObject) continue; // a submodule: its own reads are frozen, then this read is dead
            var c = g.CreateConstant(value is Tensor t ? t.Detach().Clone() : value);
            c.InsertBefore(n);
            if (n.Output().HasDebugName) c.Output().SetDebugName("self." + AttributePath(n));
            n.Output().ReplaceAllUsesWith(c.Output());
        }
        DeadCodeElimination.Run(g);
    }

    // self.hidden.weight for the GetAttr chain of a parameter (the frozen constant's name, as PyTorch's)
    private static string AttributePath(Node getAttr)
    {
        var parts = new List<string>();
        for (var n = getAttr; n is { Kind: "prim::GetAttr" }; n = n.Input().Node) parts.Insert(0, n.NameAttribute);
        return string.Join(".", parts);
    }
}
