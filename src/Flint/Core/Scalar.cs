using System.Globalization;

namespace Flint;

/// <summary>A C# number passed where PyTorch takes a Python scalar (1, 2.5, True). Keeps whether it was integral.</summary>
public readonly struct Scalar
{
    private readonly double _d;
    private readonly long _l;
    private readonly byte _kind; // 0 long, 1 double, 2 bool

    private Scalar(double d, long l, byte kind) { _d = d; _l = l; _kind = kind; }

    public bool IsFloatingPoint => _kind == 1;
    public bool IsBool => _kind == 2;
    public bool IsIntegral => _kind == 0;

    public double ToDouble() => _kind == 1 ? _d : _l;
    public long ToInt64() => _kind == 1 ? (long)_d : _l;
    public bool ToBool() => _kind == 1 ? _d != 0 : _l != 0;

    public static implicit operator Scalar(double d) => new(d, 0, 1);
    public static implicit operator Scalar(float f) => new(f, 0, 1);
    public static implicit operator Scalar(long l) => new(0, l, 0);
    public static implicit operator Scalar(int i) => new(0, i, 0);
    public static implicit operator Scalar(bool b) => new(0, b ? 1 : 0, 2);

    public override string ToString() => _kind switch
    {
        1 => PyFormat.Float(_d),
        2 => _l != 0 ? "True" : "False",
        _ => _l.ToString(CultureInfo.InvariantCulture),
    };
}

/// <summary>Formats numbers as Python's repr does (1.0, 0.1, inf, nan, 1e-05), for messages and graph printing.</summary>
public static class PyFormat
{
    public static string Float(double d)
    {
        if (double.IsNaN(d)) return "nan";
        if (double.IsPositiveInfinity(d)) return "inf";
        if (double.IsNegativeInfinity(d)) return "-inf";
        var r = d.ToString("R", CultureInfo.InvariantCulture);
        if (r.Contains('E'))
        {
            // Python: 1e-05, 1.5e+20
            var parts = r.Split('E');
            int exp = int.Parse(parts[1], CultureInfo.InvariantCulture);
            return parts[0] + "e" + (exp < 0 ? "-" : "+") + Math.Abs(exp).ToString("00", CultureInfo.InvariantCulture);
        }
        if (Math.Abs(d) >= 1e16) return d.ToString("0.0###############e+00", CultureInfo.InvariantCulture);
        return r.Contains('.') ? r : r + ".0";
    }
}
