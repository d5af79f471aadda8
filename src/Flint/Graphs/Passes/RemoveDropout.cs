namespace Flint.Graphs.Passes;

/// <summary>Removes aten::dropout nodes whose train argument is the constant false (the identity at inference).</summary>
public static class RemoveDropout
{
    public static Graph Run(Graph g)
    {
        foreach (var n in g.AllNodes().ToArray())
        {
            if (n.Kind != "aten::dropout" || !ConstantPropagation.ConstantValue(n.Input(2), out var train) || train is not false)
                continue;
            n.Output().ReplaceAllUsesWith(n.Input(0));
            n.Destroy();
        }
        return g;
    }
}
