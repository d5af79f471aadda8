using System.Text;

namespace Flint.Graphs;

/// <summary>
/// Prints a graph exactly in TorchScript's <c>graph.__str__</c> form:
/// <code>
/// graph(%self : __torch__.CustomModel,
///       %x : Float(1, 4, strides=[4, 1], requires_grad=0, device=cpu)):
///   %hidden : __torch__.torch.nn.modules.linear.Linear = prim::GetAttr[name="hidden"](%self)
///   %3 : Float(1, 10, strides=[10, 1], requires_grad=1, device=cpu) = aten::relu(%2), scope: __module.relu # M.cs:9:0
///   return (%5)
/// </code>
/// Blocks of If/Loop nodes print as <c>block0(%i : int):</c> … <c>-> (%y)</c>, indented under their node.
/// </summary>
public static class GraphPrinter
{
    public static string Print(Graph g)
    {
        var sb = new StringBuilder("graph(");
        for (int i = 0; i < g.Inputs.Count; i++)
        {
            if (i > 0) sb.Append(",\n      ");
            sb.Append(Decl(g.Inputs[i]));
        }
        sb.Append("):\n");
        foreach (var n in g.Nodes) AppendNode(sb, n, 2);
        sb.Append("  return (").Append(Refs(g.Outputs)).Append(")\n");
        return sb.ToString();
    }

    /// <summary>One node as a line (with its blocks), without indentation or trailing newline.</summary>
    public static string PrintNode(Node n)
    {
        var sb = new StringBuilder();
        AppendNode(sb, n, 0);
        return sb.ToString().TrimEnd('\n');
    }

    private static void AppendNode(StringBuilder sb, Node n, int indent)
    {
        sb.Append(' ', indent);
        sb.Append(string.Join(", ", n.Outputs.Select(Decl)));
        sb.Append(" = ").Append(n.Kind);
        var attrs = n.Attributes.ToList();
        if (attrs.Count > 0)
            sb.Append('[').Append(string.Join(", ", attrs.Select(kv => kv.Key + "=" + Constants.Format(kv.Value)))).Append(']');
        sb.Append('(').Append(Refs(n.Inputs)).Append(')');
        if (n.Scope is { } scope) sb.Append(", scope: ").Append(scope);
        if (n.SourceLocation is { } loc) sb.Append(" # ").Append(loc);
        sb.Append('\n');
        for (int i = 0; i < n.Blocks.Count; i++)
        {
            var b = n.Blocks[i];
            sb.Append(' ', indent + 2).Append("block").Append(i).Append('(')
              .Append(string.Join(", ", b.Inputs.Select(Decl))).Append("):\n");
            foreach (var m in b.Nodes) AppendNode(sb, m, indent + 4);
            sb.Append(' ', indent + 4).Append("-> (").Append(Refs(b.Returns)).Append(")\n");
        }
    }

    private static string Decl(Value v) => $"%{v.Name} : {v.Type}";
    private static string Refs(IEnumerable<Value> vs) => string.Join(", ", vs.Select(v => "%" + v.Name));
}
