using System.Text;

namespace Flint.Graphs;

/// <summary>
/// Prints a graph as TorchScript code (what PyTorch's <c>.code</c> shows): one statement per node, constants as
/// literals (tensor constants as <c>CONSTANTS.cN</c>), attribute reads as <c>self.name</c>, submodule calls as
/// <c>(m).forward(x, )</c>, ops as <c>torch.name(…)</c> with keyword-only arguments by name when not default,
/// If/Loop as <c>if</c>/<c>for</c> blocks.
/// </summary>
public sealed class CodePrinter
{
    private readonly StringBuilder _sb = new();
    private readonly Dictionary<Value, string> _names = new();
    private readonly HashSet<string> _used = new();
    private int _temp, _constants;
    private readonly Func<Tensor, string>? _tensorConstant;

    private CodePrinter(Func<Tensor, string>? tensorConstant) { _tensorConstant = tensorConstant; }

    /// <summary>
    /// The code of <paramref name="g"/> as a method (self first) or function named <paramref name="name"/>.
    /// <paramref name="tensorConstant"/> names tensor constants (an archive numbers them across all its code);
    /// by default they are CONSTANTS.c0, c1 … in order of appearance.
    /// </summary>
    public static string Print(Graph g, string name, Func<Tensor, string>? tensorConstant = null)
    {
        var p = new CodePrinter(tensorConstant);
        p.Header(g, name);
        p.Body(g.Block, 1);
        p.Line(1, "return " + p.Returned(g.Outputs));
        return p._sb.ToString();
    }

    private void Header(Graph g, string name)
    {
        var ps = new List<string>();
        foreach (var v in g.Inputs)
        {
            var n = Name(v);
            ps.Add(v.Type is ClassType ? n : $"{n}: {PyType(v.Type)}");
        }
        var ret = g.Outputs.Count == 1 ? PyType(g.Outputs[0].Type) : "Tuple[" + string.Join(", ", g.Outputs.Select(o => PyType(o.Type))) + "]";
        _sb.Append("def ").Append(name).Append('(').Append(string.Join(",\n    ", ps)).Append(") -> ").Append(ret).Append(":\n");
    }

    private void Body(Block b, int depth)
    {
        foreach (var n in b.Nodes) Statement(n, depth);
    }

    private void Statement(Node n, int depth)
    {
        switch (n.Kind)
        {
            case "prim::Constant":
                _names[n.Output()] = Literal(n);
                return;
            case "prim::GetAttr":
                // a name that is not an identifier (Sequential's "0") is read with getattr, as PyTorch prints it
                Assign(depth, n, IsIdentifier(n.NameAttribute) ? $"{Ref(n.Input())}.{n.NameAttribute}"
                    : $"getattr({Ref(n.Input())}, \"{n.NameAttribute}\")");
                return;
            case "prim::CallMethod":
                Assign(depth, n, $"({Ref(n.Input())}).{n.NameAttribute}({string.Concat(n.Inputs.Skip(1).Select(v => Ref(v) + ", "))})");
                return;
            case "prim::ListConstruct":
                Assign(depth, n, "[" + string.Join(", ", n.Inputs.Select(Ref)) + "]");
                return;
            case "prim::TupleConstruct":
                Assign(depth, n, "(" + string.Join(", ", n.Inputs.Select(Ref)) + (n.Inputs.Count == 1 ? ",)" : ")"));
                return;
            case "prim::TupleUnpack":
            case "prim::ListUnpack":
                Line(depth, string.Concat(n.Outputs.Select(o => Name(o) + ", ")) + "= " + Ref(n.Input()));
                return;
            case "prim::If":
                If(n, depth);
                return;
            case "prim::Loop":
                Loop(n, depth);
                return;
        }
        if (n.Schema is { } s) Assign(depth, n, Call(n, s));
        else Assign(depth, n, $"{n.Kind.Replace("::", ".")}({string.Join(", ", n.Inputs.Select(Ref))})");
    }

    private string Call(Node n, OpSchema s)
    {
        var args = new List<string>();
        int last = s.Arguments.Count - 1;
        // trailing positional arguments equal to their defaults are left out, as TorchScript's printer does
        while (last >= 0 && !s.Arguments[last].KwargOnly && IsDefault(n.Input(last), s.Arguments[last])) last--;
        for (int i = 0; i < s.Arguments.Count; i++)
        {
            var a = s.Arguments[i];
            if (a.KwargOnly) { if (!IsDefault(n.Input(i), a)) args.Add($"{a.Name}={Ref(n.Input(i))}"); }
            else if (i <= last) args.Add(Ref(n.Input(i)));
        }
        // conversions print as Python's builtins, as TorchScript prints them
        if (s.Name is "aten::Int" or "aten::Float" or "aten::Bool" && args.Count == 1)
            return s.Name[6..].ToLowerInvariant() + "(" + args[0] + ")";
        var ns = s.Name.StartsWith("aten::", StringComparison.Ordinal) ? "torch." : "ops." + s.Name[..s.Name.IndexOf(':')] + ".";
        return ns + s.Name[(s.Name.IndexOf("::", StringComparison.Ordinal) + 2)..] + "(" + string.Join(", ", args) + ")";
    }

    private static bool IsDefault(Value v, SchemaArgument a)
    {
        if (!a.HasDefault || v.Node is not { Kind: "prim::Constant" } c) return false;
        var value = c.HasAttribute("value") ? c.Attribute("value") : null;
        return Constants.Format(value) == Constants.Format(Constants.Normalize(a.Default));
    }

    private void If(Node n, int depth)
    {
        foreach (var o in n.Outputs) Name(o);
        Line(depth, $"if {Ref(n.Input())}:");
        Branch(n.Blocks[0], n, depth + 1);
        Line(depth, "else:");
        Branch(n.Blocks[1], n, depth + 1);
    }

    private void Branch(Block b, Node owner, int depth)
    {
        int before = _sb.Length;
        Body(b, depth);
        for (int i = 0; i < owner.Outputs.Count; i++) Line(depth, $"{Name(owner.Output(i))} = {Ref(b.Returns[i])}");
        if (_sb.Length == before) Line(depth, "pass");
    }

    private void Loop(Node n, int depth)
    {
        var body = n.Blocks[0];
        for (int i = 0; i < n.Outputs.Count; i++) Line(depth, $"{Name(n.Output(i))} = {Ref(n.Input(i + 2))}");
        for (int i = 0; i < n.Outputs.Count; i++) _names[body.Inputs[i + 1]] = Name(n.Output(i));
        Line(depth, $"for {Name(body.Inputs[0])} in range({Ref(n.Input(0))}):");
        int before = _sb.Length;
        Body(body, depth + 1);
        for (int i = 0; i < n.Outputs.Count; i++) Line(depth + 1, $"{Name(n.Output(i))} = {Ref(body.Returns[i + 1])}");
        if (_sb.Length == before) Line(depth + 1, "pass");
    }

    private void Assign(int depth, Node n, string expr)
    {
        if (n.Outputs.Count == 0) { Line(depth, expr); return; }
        Line(depth, string.Join(", ", n.Outputs.Select(Name)) + " = " + expr);
    }

    private string Returned(IReadOnlyList<Value> outs)
        => outs.Count == 1 ? Ref(outs[0]) : "(" + string.Join(", ", outs.Select(Ref)) + ")";

    private void Line(int depth, string text) => _sb.Append(' ', depth * 2).Append(text).Append('\n');

    private string Ref(Value v) => _names.TryGetValue(v, out var n) ? n : Name(v);

    // Python names: the debug name without its ".N" suffix, made unique with a number; unnamed values are _0, _1 …
    private string Name(Value v)
    {
        if (_names.TryGetValue(v, out var n)) return n;
        string stem = v.HasDebugName ? v.Name.Split('.')[0] : "_" + _temp++;
        n = stem;
        for (int i = 0; !_used.Add(n); i++) n = stem + i;
        return _names[v] = n;
    }

    private string Literal(Node c)
    {
        if (!c.HasAttribute("value")) return "None";
        return c.Attribute("value") switch
        {
            bool b => b ? "True" : "False",
            double d => PyFormat.Float(d),
            string s => "\"" + s + "\"",
            Tensor t => _tensorConstant?.Invoke(t) ?? "CONSTANTS.c" + _constants++,
            long[] a => "[" + string.Join(", ", a) + "]",
            var v => Constants.Format(v),
        };
    }

    private static bool IsIdentifier(string s)
        => s.Length > 0 && (char.IsAsciiLetter(s[0]) || s[0] == '_') && s.All(c => char.IsAsciiLetterOrDigit(c) || c == '_');

    /// <summary>A TorchScript type in Python annotation form (Tensor, int, List[int], Tuple[Tensor, Tensor]).</summary>
    public static string PyType(JitType t) => t switch
    {
        TensorType => "Tensor",
        ListType l => $"List[{PyType(l.Element)}]",
        OptionalType o => $"Optional[{PyType(o.Element)}]",
        TupleType tu => "Tuple[" + string.Join(", ", tu.Elements.Select(PyType)) + "]",
        _ => t.ToString(),
    };
}
