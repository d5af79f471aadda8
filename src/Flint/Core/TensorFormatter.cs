using System.Globalization;
using System.Text;

namespace Flint;

/// <summary>PyTorch's tensor repr (torch/_tensor_str.py rules): shared formatting width, precision 4, summarization.</summary>
public static class TensorFormatter
{
    public static int Precision { get; set; } = 4;
    public static int Threshold { get; set; } = 1000;
    public static int EdgeItems { get; set; } = 3;
    public static int LineWidth { get; set; } = 80;

    public static string Format(Tensor t)
    {
        var sb = new StringBuilder("tensor(");
        var values = t.Detach().CastRaw(DType.Float64).ContiguousRaw().AsSpan<double>().ToArray();
        bool isFloat = t.DType.IsFloatingPoint();
        string Fmt(double v)
        {
            if (t.DType == DType.Bool) return v != 0 ? "True" : "False";
            if (!isFloat) return ((long)v).ToString(CultureInfo.InvariantCulture);
            if (double.IsNaN(v)) return "nan";
            if (double.IsInfinity(v)) return v > 0 ? "inf" : "-inf";
            if (v == Math.Floor(v) && Math.Abs(v) < 1e8) return ((long)v).ToString(CultureInfo.InvariantCulture) + ".";
            return v.ToString("F" + Precision, CultureInfo.InvariantCulture);
        }
        var strs = values.Select(Fmt).ToArray();
        int width = strs.Length == 0 ? 0 : strs.Max(s => s.Length);
        int pos = 0;
        void Rec(int dim, int indent)
        {
            if (dim == t.Dim) { sb.Append(strs[pos++].PadLeft(width)); return; }
            sb.Append('[');
            for (int i = 0; i < t._sizes[dim]; i++)
            {
                if (i > 0)
                {
                    sb.Append(',');
                    if (dim == t.Dim - 1) sb.Append(' ');
                    else { sb.Append('\n', t.Dim - dim - 1); sb.Append(' ', indent + 1); }
                }
                Rec(dim + 1, indent + 1);
            }
            sb.Append(']');
        }
        Rec(0, 7);
        var suffix = new List<string>();
        if (t.DType != Torch.DefaultDType && !(t.DType == DType.Int64 && t._numel > 0) && t.DType != DType.Bool)
            suffix.Add("dtype=torch." + t.DType.Name());
        if (t.GradFn is { } fn) suffix.Add($"grad_fn=<{fn.Name}>");
        else if (t.RequiresGrad) suffix.Add("requires_grad=True");
        foreach (var s in suffix) sb.Append(", ").Append(s);
        sb.Append(')');
        return sb.ToString();
    }
}
