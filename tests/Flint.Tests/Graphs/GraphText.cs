using System.Text.RegularExpressions;

namespace Flint.Tests.Graphs;

/// <summary>
/// Reads TorchScript's printed graph text (PyTorch's or Flint's, the same way) into a canonical form for comparing
/// structure: one line per node that is not a prim::Constant or prim::GetAttr, in order, written as
/// <c>kind[attrs](args) -> output types | scope</c>, where an argument is shown by what it is — a graph input
/// (<c>in0</c>), a constant (<c>float 0.20000000000000001</c>), an attribute path (<c>self.hidden.weight</c>) or
/// the output of an earlier listed node (<c>#2.0</c>) — instead of by its name. Value names, the positions of
/// constants and GetAttrs, source locations and TorchScript's class-name mangling (___torch_mangle_N) are left out:
/// they differ by construction (C# has no variable names to give values). Everything else must match.
/// </summary>
internal static partial class GraphText
{
    [GeneratedRegex(@"^(?<outs>.*?) = (?<kind>\w+::\w+)(\[(?<attrs>.*)\])?\((?<ins>[^()]*)\)(, scope: (?<scope>\S+))?( # .*)?$")]
    private static partial Regex NodeLine();

    [GeneratedRegex(@"___torch_mangle_\d+\.")]
    private static partial Regex Mangle();

    public static List<string> Canonical(string text)
    {
        text = Mangle().Replace(text, "");
        var lines = text.Split('\n').Select(l => l.TrimEnd()).Where(l => l.Length > 0).ToList();
        var what = new Dictionary<string, string>();
        var result = new List<string>();
        // header: graph(%a : T,\n %b : T):
        int i = 0, input = 0;
        for (; i < lines.Count; i++)
        {
            var l = lines[i].Trim();
            if (l.StartsWith("graph(")) l = l[6..];
            bool last = l.EndsWith("):");
            l = l.TrimEnd(':').TrimEnd(')').TrimEnd(',');
            var name = l[..l.IndexOf(" : ")].TrimStart('%');
            var type = l[(l.IndexOf(" : ") + 3)..];
            var label = type.StartsWith("__torch__") ? "self" : "in" + input++;
            what[name] = label;
            result.Add($"input {label} : {type}");
            if (last) { i++; break; }
        }
        int computed = 0;
        for (; i < lines.Count; i++)
        {
            var l = lines[i].Trim();
            if (l.StartsWith("return ("))
            {
                result.Add("return " + string.Join(", ", Split(l[8..^1]).Select(v => what[v])));
                continue;
            }
            var m = NodeLine().Match(l);
            Assert.True(m.Success, $"unreadable graph line: {l}");
            var outs = Split(m.Groups["outs"].Value).Select(o => (Name: o[..o.IndexOf(" : ")], Type: o[(o.IndexOf(" : ") + 3)..])).ToList();
            var kind = m.Groups["kind"].Value;
            var attrs = m.Groups["attrs"].Value;
            var ins = Split(m.Groups["ins"].Value).Select(v => what[v]).ToList();
            if (kind == "prim::Constant")
            {
                what[outs[0].Name] = $"{outs[0].Type} {(attrs.Length == 0 ? "None" : attrs["value=".Length..])}";
                continue;
            }
            if (kind == "prim::GetAttr")
            {
                what[outs[0].Name] = ins[0] + "." + attrs["name=\"".Length..^1];
                continue;
            }
            int k = computed++;
            for (int j = 0; j < outs.Count; j++) what[outs[j].Name] = $"#{k}.{j}";
            var scope = m.Groups["scope"].Success ? " | " + m.Groups["scope"].Value : "";
            result.Add($"{kind}{(attrs.Length > 0 ? "[" + attrs + "]" : "")}({string.Join(", ", ins)}) -> {string.Join(", ", outs.Select(o => o.Type))}{scope}");
        }
        return result;
    }

    private static IEnumerable<string> Split(string s)
        => s.Length == 0 ? [] : s.Split(", %").Select(x => x.TrimStart('%'));
}
