using System.Text;

namespace Flint.Graphs.Passes;

/// <summary>
/// Merges nodes that compute the same thing: same kind, same attributes, same inputs, no blocks, no side effects
/// and no randomness (equal constants are pooled the same way; tensor constants only when they are one object).
/// A node is only replaced by an earlier one that dominates it (the same block or an enclosing one).
/// </summary>
public static class CommonSubexpressionElimination
{
    public static Graph Run(Graph g)
    {
        Visit(g.Block, new Dictionary<string, Node>());
        return g;
    }

    private static void Visit(Block b, Dictionary<string, Node> seen)
    {
        foreach (var n in b.Nodes.ToArray())
        {
            foreach (var sub in n.Blocks) Visit(sub, new Dictionary<string, Node>(seen)); // inner finds stay inner
            if (Key(n) is not { } key) continue;
            if (seen.TryGetValue(key, out var earlier))
            {
                for (int i = 0; i < n.Outputs.Count; i++) n.Output(i).ReplaceAllUsesWith(earlier.Output(i));
                n.Destroy();
            }
            else seen[key] = n;
        }
    }

    private static string? Key(Node n)
    {
        if (n.Blocks.Count > 0 || n.HasSideEffects || n.Schema is { IsNondeterministic: true }) return null;
        if (n.Kind is "prim::CallMethod" or "prim::Uninitialized") return null;
        var sb = new StringBuilder(n.Kind);
        if (n.Schema is { } s) sb.Append('.').Append(s.Overload);
        foreach (var kv in n.Attributes)
        {
            sb.Append('|').Append(kv.Key).Append('=');
            if (kv.Value is Tensor t) sb.Append("tensor@").Append(System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(t));
            else sb.Append(kv.Value?.GetType().Name).Append(':').Append(Constants.Format(kv.Value));
        }
        foreach (var o in n.Outputs) sb.Append("|:").Append(o.Type is TensorType ? "Tensor" : o.Type.ToString());
        foreach (var v in n.Inputs) sb.Append("|%").Append(v.Unique);
        return sb.ToString();
    }
}
