using System.Globalization;

namespace Flint.Graphs;

/// <summary>
/// Reads ATen's schema syntax: <c>ns::name.overload(Type name=default, *, Type kw=default) -> Ret</c>, with alias
/// annotations (<c>Tensor(a!)</c>), optional types (<c>int?</c>), lists with a size (<c>int[2]</c>) and tuple returns.
/// </summary>
internal static class SchemaParser
{
    public static OpSchema Parse(string text)
    {
        int open = text.IndexOf('(');
        int arrow = text.LastIndexOf("->", StringComparison.Ordinal);
        if (open < 0 || arrow < 0) throw new FormatException($"not a schema: {text}");
        int close = MatchingParen(text, open);
        var head = text[..open].Trim();
        int dot = head.IndexOf('.', head.IndexOf("::", StringComparison.Ordinal) + 2);
        string name = dot < 0 ? head : head[..dot], overload = dot < 0 ? "" : head[(dot + 1)..];
        if (!name.Contains("::")) throw new FormatException($"schema name needs a namespace (aten::…): {text}");

        var args = new List<SchemaArgument>();
        bool kwOnly = false;
        foreach (var part in SplitTopLevel(text[(open + 1)..close]))
        {
            if (part == "*") { kwOnly = true; continue; }
            args.Add(ParseArgument(part, kwOnly));
        }

        var retText = text[(arrow + 2)..].Trim();
        var rets = new List<SchemaReturn>();
        if (retText.StartsWith('(') && retText.EndsWith(')'))
        {
            foreach (var r in SplitTopLevel(retText[1..^1])) rets.Add(ParseReturn(r));
        }
        else if (retText != "()") rets.Add(ParseReturn(retText));
        return new OpSchema(name, overload, args, rets);
    }

    private static int MatchingParen(string s, int open)
    {
        int depth = 0;
        for (int i = open; i < s.Length; i++)
        {
            if (s[i] == '(') depth++;
            else if (s[i] == ')' && --depth == 0) return i;
        }
        throw new FormatException($"unbalanced parentheses: {s}");
    }

    private static List<string> SplitTopLevel(string s)
    {
        var parts = new List<string>();
        int depth = 0, start = 0;
        for (int i = 0; i < s.Length; i++)
        {
            char c = s[i];
            if (c is '(' or '[') depth++;
            else if (c is ')' or ']') depth--;
            else if (c == ',' && depth == 0) { parts.Add(s[start..i].Trim()); start = i + 1; }
        }
        var last = s[start..].Trim();
        if (last.Length > 0) parts.Add(last);
        return parts;
    }

    private static SchemaArgument ParseArgument(string text, bool kwOnly)
    {
        string? def = null;
        int eq = text.IndexOf('=');
        if (eq >= 0) { def = text[(eq + 1)..].Trim(); text = text[..eq].Trim(); }
        int sp = text.LastIndexOf(' ');
        if (sp < 0) throw new FormatException($"schema argument needs a type and a name: {text}");
        var (type, isWrite, listSize) = ParseType(text[..sp].Trim());
        var name = text[(sp + 1)..];
        return new SchemaArgument(name, type, def is not null, def is null ? null : ParseDefault(def, type, listSize),
            kwOnly, isWrite, listSize);
    }

    private static SchemaReturn ParseReturn(string text)
    {
        int sp = text.LastIndexOf(' ');
        // "Tensor(a) out" names the return; "Tensor(a)" alone does not
        if (sp > 0 && !text[(sp + 1)..].Contains(')')) return new SchemaReturn(ParseType(text[..sp]).Type, text[(sp + 1)..]);
        return new SchemaReturn(ParseType(text).Type);
    }

    internal static (JitType Type, bool IsWrite, int ListSize) ParseType(string t)
    {
        t = t.Trim();
        bool write = false;
        // strip alias annotations: Tensor(a!) -> Tensor
        int paren = t.IndexOf('(');
        if (paren > 0)
        {
            int end = t.IndexOf(')', paren);
            write = t[paren..end].Contains('!');
            t = t[..paren] + t[(end + 1)..];
        }
        if (t.EndsWith('?')) return (JitType.OptionalOf(ParseType(t[..^1]).Type), write, 0);
        if (t.EndsWith(']'))
        {
            int lb = t.LastIndexOf('[');
            int size = lb + 1 < t.Length - 1 ? int.Parse(t[(lb + 1)..^1], CultureInfo.InvariantCulture) : 0;
            return (JitType.ListOf(ParseType(t[..lb]).Type), write, size);
        }
        return (t switch
        {
            "Tensor" => JitType.AnyTensor,
            "int" or "SymInt" or "Layout" or "MemoryFormat" => JitType.Int,
            "float" => JitType.Float,
            "bool" => JitType.Bool,
            "str" => JitType.Str,
            "Scalar" => JitType.Number,
            "ScalarType" => JitType.Int,
            "Device" => JitType.Device,
            "Generator" => JitType.Any,
            "Any" or "t" => JitType.Any,   // t: a type variable (len.t, __getitem__.t), resolved from the arguments
            _ => throw new FormatException($"unknown schema type '{t}'"),
        }, write, 0);
    }

    private static object? ParseDefault(string s, JitType type, int listSize)
    {
        if (s == "None") return null;
        var inner = type is OptionalType o ? o.Element : type;
        if (inner is ListType l)
        {
            if (s.StartsWith('['))
            {
                var items = SplitTopLevel(s[1..^1]);
                if (l.Element == JitType.Int) return items.Select(x => long.Parse(x, CultureInfo.InvariantCulture)).ToArray();
                if (l.Element == JitType.Float) return items.Select(x => double.Parse(x, CultureInfo.InvariantCulture)).ToArray();
                if (l.Element == JitType.Bool) return items.Select(x => x == "True").ToArray();
                if (items.Count == 0) return Array.Empty<Tensor>();
                throw new FormatException($"cannot read default '{s}' of type {type}");
            }
            // int[2] stride=1 means [1, 1]
            long v = long.Parse(s, CultureInfo.InvariantCulture);
            return Enumerable.Repeat(v, Math.Max(listSize, 1)).ToArray();
        }
        if (s is "True" or "False") return s == "True";
        if (s.StartsWith('"') || s.StartsWith('\'')) return s[1..^1];
        if (inner == JitType.Float || s.Contains('.') || s.Contains('e'))
            return double.Parse(s, CultureInfo.InvariantCulture);
        if (long.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n)) return n;
        // named constants in defaults (contiguous_format, Mean …) are not used by the registered schemas
        return s;
    }

    internal static string FormatDefault(object? v) => v switch
    {
        null => "None",
        bool b => b ? "True" : "False",
        double d => PyFormat.Float(d),
        string s => "\"" + s + "\"",
        long[] a => "[" + string.Join(", ", a) + "]",
        double[] a => "[" + string.Join(", ", a.Select(PyFormat.Float)) + "]",
        _ => Convert.ToString(v, CultureInfo.InvariantCulture) ?? "",
    };
}
