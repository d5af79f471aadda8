using System.Text;

namespace Flint.NN;

public abstract partial class Module
{
    /// <summary>The class name PyTorch prints (generic arity suffixes removed).</summary>
    public virtual string GetName()
    {
        var n = GetType().Name;
        int tick = n.IndexOf('`');
        return tick < 0 ? n : n.Substring(0, tick);
    }

    /// <summary>The layer's own settings for the repr, e.g. "in_features=4, out_features=10, bias=True".</summary>
    public virtual string ExtraRepr() => "";

    /// <summary>PyTorch's module repr: "Name(extra)" or a multi-line block with each child as "(name): repr".</summary>
    public override string ToString()
    {
        var extra = ExtraRepr();
        var extraLines = extra.Length == 0 ? [] : extra.Split('\n');
        var childLines = new List<string>();
        foreach (var kv in LocalModules())
            childLines.Add("(" + kv.Key + "): " + AddIndent(kv.Value.ToString(), 2));
        var sb = new StringBuilder(GetName()).Append('(');
        if (extraLines.Length + childLines.Count > 0)
        {
            if (extraLines.Length == 1 && childLines.Count == 0) sb.Append(extraLines[0]);
            else
            {
                sb.Append("\n  ").AppendJoin("\n  ", extraLines.Concat(childLines)).Append('\n');
            }
        }
        return sb.Append(')').ToString();
    }

    /// <summary>Indents every line but the first (PyTorch's _addindent).</summary>
    internal static string AddIndent(string s, int n)
    {
        var lines = s.Split('\n');
        if (lines.Length == 1) return s;
        var pad = new string(' ', n);
        return lines[0] + "\n" + string.Join("\n", lines.Skip(1).Select(l => pad + l));
    }

    /// <summary>Python's repr of a bool / float in extra reprs.</summary>
    internal static string Py(bool b) => b ? "True" : "False";
    internal static string Py(double d) => PyFormat.Float(d);
}
