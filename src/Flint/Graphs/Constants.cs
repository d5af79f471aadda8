using System.Globalization;
using System.Text;

namespace Flint.Graphs;

/// <summary>
/// The C# values a graph holds as constants and passes between nodes at run time: long (int), double (float),
/// bool, string, null (None), Device, long[] (int[]), double[] (float[]), bool[], Tensor, Tensor[] and object?[]
/// (tuples). This class types them and prints them the way TorchScript prints constant attributes.
/// </summary>
public static class Constants
{
    /// <summary>The TorchScript type of a constant value.</summary>
    public static JitType TypeOf(object? value) => value switch
    {
        null => JitType.None,
        bool => JitType.Bool,
        int or long => JitType.Int,
        float or double => JitType.Float,
        string => JitType.Str,
        Device => JitType.Device,
        Tensor t => TensorType.Of(t),
        int[] or long[] => JitType.ListOf(JitType.Int),
        double[] => JitType.ListOf(JitType.Float),
        bool[] => JitType.ListOf(JitType.Bool),
        Tensor[] => JitType.ListOf(JitType.AnyTensor),
        object?[] items => new TupleType(items.Select(TypeOf).ToArray()),
        _ => throw new ArgumentException($"a graph constant cannot hold a {value.GetType().Name}"),
    };

    /// <summary>int → long, float → double, int[] → long[]: one runtime form per type.</summary>
    public static object? Normalize(object? value) => value switch
    {
        int i => (long)i,
        float f => (double)f,
        int[] a => Array.ConvertAll(a, x => (long)x),
        _ => value,
    };

    /// <summary>A constant attribute as TorchScript prints it: 1, 0.20000000000000001, "none", [2, 2], {3}, &lt;Tensor&gt;.</summary>
    public static string Format(object? value) => value switch
    {
        null => "None",
        bool b => b ? "1" : "0",
        long l => l.ToString(CultureInfo.InvariantCulture),
        double d => FormatDouble(d),
        string s => "\"" + s.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"",
        Device dev => "\"" + dev + "\"",
        long[] a => "[" + string.Join(", ", a) + "]",
        double[] a => "[" + string.Join(", ", a.Select(FormatDouble)) + "]",
        bool[] a => "[" + string.Join(", ", a.Select(b => b ? "1" : "0")) + "]",
        Tensor t => t.Dim == 0 ? "{" + ScalarText(t) + "}" : "<Tensor>",
        _ => value.ToString() ?? "",
    };

    /// <summary>C++'s default stream form at 17 significant digits (what TorchScript writes for float attributes).</summary>
    public static string FormatDouble(double d)
    {
        if (double.IsNaN(d)) return "nan";
        if (double.IsInfinity(d)) return d > 0 ? "inf" : "-inf";
        var s = d.ToString("G17", CultureInfo.InvariantCulture);
        int e = s.IndexOf('E');
        if (e < 0) return s;
        // C++ writes e-05 / e+20: at least two exponent digits, lower case
        var sb = new StringBuilder(s[..e]).Append('e');
        var exp = s[(e + 1)..];
        char sign = exp[0] == '-' ? '-' : '+';
        var digits = exp.TrimStart('+', '-');
        sb.Append(sign).Append(digits.Length < 2 ? "0" + digits : digits);
        return sb.ToString();
    }

    private static string ScalarText(Tensor t)
        => t.DType.IsFloatingPoint() ? FormatDouble(t.Item<double>()) : t.DType == DType.Bool ? (t.Item<bool>() ? "1" : "0")
            : t.Item<long>().ToString(CultureInfo.InvariantCulture);
}
