using System.Globalization;
using System.Text;

namespace Flint;

/// <summary>
/// PyTorch's tensor repr (torch/_tensor_str.py, 1.13): one formatter per tensor decides integer mode ("1."),
/// fixed (precision 4) or scientific notation from the non-zero finite values, and a common width; more than
/// <see cref="Threshold"/> elements are summarized with <see cref="EdgeItems"/> per edge and "..."; rows wrap at
/// <see cref="LineWidth"/>; suffixes (dtype, grad_fn, requires_grad, size) follow PyTorch's rules.
/// </summary>
public static class TensorFormatter
{
    public static int Precision { get; set; } = 4;
    public static int Threshold { get; set; } = 1000;
    public static int EdgeItems { get; set; } = 3;
    public static int LineWidth { get; set; } = 80;
    /// <summary>null: decided per tensor; true/false forces scientific/fixed notation (torch.set_printoptions(sci_mode=…)).</summary>
    public static bool? SciMode { get; set; }

    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>torch.set_printoptions(precision, threshold, edgeitems, linewidth, sci_mode); "default" restores them.</summary>
    public static void SetPrintOptions(int? precision = null, int? threshold = null, int? edgeItems = null, int? lineWidth = null, bool? sciMode = null, string? profile = null)
    {
        if (profile == "default") { Precision = 4; Threshold = 1000; EdgeItems = 3; LineWidth = 80; }
        else if (profile == "short") { Precision = 2; Threshold = 1000; EdgeItems = 2; LineWidth = 80; }
        else if (profile == "full") { Precision = 4; Threshold = int.MaxValue; EdgeItems = 3; LineWidth = 80; }
        if (precision is { } p) Precision = p;
        if (threshold is { } t) Threshold = t;
        if (edgeItems is { } e) EdgeItems = e;
        if (lineWidth is { } l) LineWidth = l;
        SciMode = sciMode;
    }

    public static string Format(Tensor t, string prefix = "tensor(")
    {
        int indent = prefix.Length;
        var suffixes = new List<string>();
        var dt = t.DType;
        bool hasDefaultDType = dt == Torch.DefaultDType || dt == DType.Int64 || dt == DType.Bool;
        string body;
        if (t._numel == 0)
        {
            if (t.Dim != 1) suffixes.Add("size=" + PyTuple(t._sizes));
            if (dt != Torch.DefaultDType) suffixes.Add("dtype=torch." + dt.Name());
            body = "[]";
        }
        else
        {
            if (!hasDefaultDType) suffixes.Add("dtype=torch." + dt.Name());
            body = new Printer(t, indent).Body();
        }
        if (t.GradFn is { } fn) suffixes.Add($"grad_fn=<{fn.Name}>");
        else if (t.RequiresGrad) suffixes.Add("requires_grad=True");
        return AddSuffixes(prefix + body, suffixes, indent);
    }

    private static string PyTuple(int[] s) => s.Length == 1 ? $"({s[0]},)" : "(" + string.Join(", ", s) + ")";

    private static string AddSuffixes(string str, List<string> suffixes, int indent)
    {
        var sb = new StringBuilder(str);
        int lastLineLen = str.Length - str.LastIndexOf('\n') + 1; // Python: rfind gives -1 when there is no newline
        if (str.LastIndexOf('\n') < 0) lastLineLen = str.Length + 2;
        foreach (var s in suffixes)
        {
            if (lastLineLen + s.Length + 2 > LineWidth)
            {
                sb.Append(",\n").Append(' ', indent).Append(s);
                lastLineLen = indent + s.Length;
            }
            else
            {
                sb.Append(", ").Append(s);
                lastLineLen += s.Length + 2;
            }
        }
        return sb.Append(')').ToString();
    }

    /// <summary>Formats one tensor's elements (its values read once, as float64 or int64).</summary>
    private sealed class Printer
    {
        private readonly int[] _sizes;
        private readonly double[]? _f;
        private readonly long[]? _i;
        private readonly bool _bool, _floating, _summarize;
        private readonly int _indent;
        private bool _intMode = true, _sci;
        private int _maxWidth = 1;

        public Printer(Tensor t, int indent)
        {
            _sizes = t._sizes;
            _indent = indent;
            _floating = t.DType.IsFloatingPoint();
            _bool = t.DType == DType.Bool;
            var d = t.Detach();
            if (_floating) _f = d.CastRaw(DType.Float64).ContiguousRaw().RawSpan<double>().ToArray();
            else _i = d.CastRaw(DType.Int64).ContiguousRaw().RawSpan<long>().ToArray();
            _summarize = t._numel > Threshold;
            Measure(SummarizedPositions());
        }

        /// <summary>The flat positions get_summarized_data keeps (all of them unless summarizing).</summary>
        private List<int> SummarizedPositions()
        {
            var r = new List<int>();
            void Walk(int dim, int offset, int stride)
            {
                if (dim == _sizes.Length) { r.Add(offset); return; }
                int n = _sizes[dim], inner = stride / Math.Max(n, 1);
                if (_summarize && n > 2 * EdgeItems)
                {
                    for (int i = 0; i < EdgeItems; i++) Walk(dim + 1, offset + i * inner, inner);
                    for (int i = n - EdgeItems; i < n; i++) Walk(dim + 1, offset + i * inner, inner);
                }
                else for (int i = 0; i < n; i++) Walk(dim + 1, offset + i * inner, inner);
            }
            int total = 1; foreach (var s in _sizes) total *= s;
            Walk(0, 0, total);
            return r;
        }

        private void Measure(List<int> positions)
        {
            if (!_floating)
            {
                foreach (var p in positions) _maxWidth = Math.Max(_maxWidth, IntStr(_i![p]).Length);
                return;
            }
            var vals = new List<double>();
            foreach (var p in positions) { var v = _f![p]; if (double.IsFinite(v) && v != 0) vals.Add(v); }
            if (vals.Count == 0) { if (SciMode is { } s0) _sci = s0; return; }
            double min = double.MaxValue, max = 0;
            foreach (var v in vals) { var a = Math.Abs(v); min = Math.Min(min, a); max = Math.Max(max, a); }
            foreach (var v in vals) if (v != Math.Ceiling(v)) { _intMode = false; break; }
            if (_intMode)
            {
                if (max / min > 1000 || max > 1e8)
                {
                    _sci = true;
                    foreach (var v in vals) _maxWidth = Math.Max(_maxWidth, Sci(v).Length);
                }
                else foreach (var v in vals) _maxWidth = Math.Max(_maxWidth, v.ToString("F0", Inv).Length + 1);
            }
            else if (max / min > 1000 || max > 1e8 || min < 1e-4)
            {
                _sci = true;
                foreach (var v in vals) _maxWidth = Math.Max(_maxWidth, Sci(v).Length);
            }
            else foreach (var v in vals) _maxWidth = Math.Max(_maxWidth, v.ToString("F" + Precision, Inv).Length);
            if (SciMode is { } s) _sci = s;
        }

        private string IntStr(long v) => _bool ? (v != 0 ? "True" : "False") : v.ToString(Inv);

        /// <summary>Python's '{:.Ne}': mantissa, 'e', sign, at least two exponent digits.</summary>
        private static string Sci(double v)
        {
            if (!double.IsFinite(v)) return NonFinite(v);
            var s = v.ToString("E" + Precision, Inv);
            int e = s.IndexOf('E');
            int exp = int.Parse(s.AsSpan(e + 1), NumberStyles.AllowLeadingSign, Inv);
            return s[..e] + "e" + (exp < 0 ? "-" : "+") + Math.Abs(exp).ToString("00", Inv);
        }

        private static string NonFinite(double v) => double.IsNaN(v) ? "nan" : v > 0 ? "inf" : "-inf";

        private string Fmt(int pos)
        {
            string r;
            if (!_floating) r = IntStr(_i![pos]);
            else
            {
                double v = _f![pos];
                if (_sci) r = Sci(v);
                else if (_intMode) r = double.IsFinite(v) ? v.ToString("F0", Inv) + "." : NonFinite(v);
                else r = double.IsFinite(v) ? v.ToString("F" + Precision, Inv) : NonFinite(v);
            }
            return r.Length < _maxWidth ? new string(' ', _maxWidth - r.Length) + r : r;
        }

        public string Body()
        {
            var strides = ShapeUtil.ContiguousStrides(_sizes);
            return Tensor(0, 0, _indent, strides);
        }

        private string Tensor(int dim, int offset, int indent, int[] strides)
        {
            int nd = _sizes.Length;
            if (nd == 0) return Fmt(0);
            if (dim == nd - 1) return Vector(offset, indent, strides[dim]);
            int n = _sizes[dim];
            var slices = new List<string>();
            if (_summarize && n > 2 * EdgeItems)
            {
                for (int i = 0; i < EdgeItems; i++) slices.Add(Tensor(dim + 1, offset + i * strides[dim], indent + 1, strides));
                slices.Add("...");
                for (int i = n - EdgeItems; i < n; i++) slices.Add(Tensor(dim + 1, offset + i * strides[dim], indent + 1, strides));
            }
            else for (int i = 0; i < n; i++) slices.Add(Tensor(dim + 1, offset + i * strides[dim], indent + 1, strides));
            var sep = "," + new string('\n', nd - dim - 1) + new string(' ', indent + 1);
            return "[" + string.Join(sep, slices) + "]";
        }

        private string Vector(int offset, int indent, int stride)
        {
            int n = _sizes[^1];
            int elementLength = _maxWidth + 2;
            int perLine = Math.Max(1, (int)Math.Floor((double)(LineWidth - indent) / elementLength));
            var data = new List<string>();
            if (_summarize && EdgeItems == 0) data.Add("...");
            else if (_summarize && n > 2 * EdgeItems)
            {
                for (int i = 0; i < EdgeItems; i++) data.Add(Fmt(offset + i * stride));
                data.Add(" ...");
                for (int i = n - EdgeItems; i < n; i++) data.Add(Fmt(offset + i * stride));
            }
            else for (int i = 0; i < n; i++) data.Add(Fmt(offset + i * stride));
            var lines = new List<string>();
            for (int i = 0; i < data.Count; i += perLine)
                lines.Add(string.Join(", ", data.GetRange(i, Math.Min(perLine, data.Count - i))));
            return "[" + string.Join(",\n" + new string(' ', indent + 1), lines) + "]";
        }
    }
}
