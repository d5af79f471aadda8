using Flint.NN;
using static Flint.Graphs.Schemas.SchemaTable.Helpers;

namespace Flint.Graphs.Schemas;

/// <summary>
/// Ops on TorchScript's non-tensor values (int, float, bool, lists, None), which scripted code and loaded archives
/// use for sizes, counters and conditions: arithmetic and comparisons, conversions, len and indexing of lists.
/// </summary>
internal static partial class SchemaTable
{
    private static void RegisterScalars()
    {
        R("aten::add.int(int a, int b) -> int", a => a.Int(0) + a.Int(1));
        R("aten::add.float(float a, float b) -> float", a => a.Float(0) + a.Float(1));
        R("aten::sub.int(int a, int b) -> int", a => a.Int(0) - a.Int(1));
        R("aten::sub.float(float a, float b) -> float", a => a.Float(0) - a.Float(1));
        R("aten::mul.int(int a, int b) -> int", a => a.Int(0) * a.Int(1));
        R("aten::mul.float(float a, float b) -> float", a => a.Float(0) * a.Float(1));
        R("aten::div.int(int a, int b) -> float", a => (double)a.Int(0) / a.Int(1));
        R("aten::div.float(float a, float b) -> float", a => a.Float(0) / a.Float(1));
        R("aten::floordiv.int(int a, int b) -> int", a => FloorDiv(a.Int(0), a.Int(1)));
        R("aten::floordiv.float(float a, float b) -> float", a => Math.Floor(a.Float(0) / a.Float(1)));
        R("aten::remainder.int(int a, int b) -> int", a => a.Int(0) - FloorDiv(a.Int(0), a.Int(1)) * a.Int(1));
        R("aten::remainder.float(float a, float b) -> float", a => a.Float(0) - Math.Floor(a.Float(0) / a.Float(1)) * a.Float(1));
        R("aten::pow.int(int a, int b) -> float", a => Math.Pow(a.Int(0), a.Int(1)));
        R("aten::pow.float(float a, float b) -> float", a => Math.Pow(a.Float(0), a.Float(1)));
        R("aten::neg.int(int a) -> int", a => -a.Int(0));
        R("aten::neg.float(float a) -> float", a => -a.Float(0));
        R("aten::eq.int(int a, int b) -> bool", a => a.Int(0) == a.Int(1));
        R("aten::eq.float(float a, float b) -> bool", a => a.Float(0) == a.Float(1));
        R("aten::eq.bool(bool a, bool b) -> bool", a => a.Bool(0) == a.Bool(1));
        R("aten::eq.str(str a, str b) -> bool", a => a.Str(0) == a.Str(1));
        R("aten::ne.int(int a, int b) -> bool", a => a.Int(0) != a.Int(1));
        R("aten::ne.float(float a, float b) -> bool", a => a.Float(0) != a.Float(1));
        R("aten::ne.bool(bool a, bool b) -> bool", a => a.Bool(0) != a.Bool(1));
        R("aten::lt.int(int a, int b) -> bool", a => a.Int(0) < a.Int(1));
        R("aten::lt.float(float a, float b) -> bool", a => a.Float(0) < a.Float(1));
        R("aten::gt.int(int a, int b) -> bool", a => a.Int(0) > a.Int(1));
        R("aten::gt.float(float a, float b) -> bool", a => a.Float(0) > a.Float(1));
        R("aten::le.int(int a, int b) -> bool", a => a.Int(0) <= a.Int(1));
        R("aten::le.float(float a, float b) -> bool", a => a.Float(0) <= a.Float(1));
        R("aten::ge.int(int a, int b) -> bool", a => a.Int(0) >= a.Int(1));
        R("aten::ge.float(float a, float b) -> bool", a => a.Float(0) >= a.Float(1));
        R("aten::__not__(bool self) -> bool", a => !a.Bool(0));
        R("aten::__and__.bool(bool a, bool b) -> bool", a => a.Bool(0) && a.Bool(1));
        R("aten::__or__.bool(bool a, bool b) -> bool", a => a.Bool(0) || a.Bool(1));
        R("aten::__is__(t self, t obj) -> bool", a => IsSame(a[0], a[1]));
        R("aten::__isnot__(t self, t obj) -> bool", a => !IsSame(a[0], a[1]));
        R("aten::Int.Tensor(Tensor a) -> int", a => a.T(0).Item<long>());
        R("aten::Int.float(float a) -> int", a => (long)a.Float(0));
        R("aten::Int.bool(bool a) -> int", a => a.Bool(0) ? 1L : 0L);
        R("aten::Float.Tensor(Tensor a) -> float", a => a.T(0).Item<double>());
        R("aten::Float.int(int a) -> float", a => (double)a.Int(0));
        R("aten::Float.bool(bool a) -> float", a => a.Bool(0) ? 1.0 : 0.0);
        R("aten::Bool.Tensor(Tensor a) -> bool", a => a.T(0).Item<bool>());
        R("aten::Bool.int(int a) -> bool", a => a.Int(0) != 0);
        R("aten::Bool.float(float a) -> bool", a => a.Float(0) != 0);
        R("aten::len.t(t[] a) -> int", a => (long)PrimOps.AsItems(a[0]).Length);
        R("aten::len.Tensor(Tensor t) -> int", a => a.T(0).Size(0));
        R("aten::__getitem__.t(t[](a) list, int idx) -> t(*)", a => ListItem(a[0], a.Int(1)));
        R("aten::size.int(Tensor self, int dim) -> int", a => a.T(0).Size((int)a.Int(1)));
        R("aten::size(Tensor self) -> int[]", a => a.T(0).Shape.Select(x => (long)x).ToArray());
        R("aten::dim(Tensor self) -> int", a => (long)a.T(0).Dim);
        R("aten::format(str self) -> str", a => a.Str(0));
        R("aten::format.a1(str self, Any a) -> str", a => PyStr.Format(a.Str(0), a[1]));
        R("aten::format.a2(str self, Any a, Any b) -> str", a => PyStr.Format(a.Str(0), a[1], a[2]));
        R("aten::format.a3(str self, Any a, Any b, Any c) -> str", a => PyStr.Format(a.Str(0), a[1], a[2], a[3]));
        R("prim::RaiseException(str msg, str? cls=None) -> ()", a => throw new InvalidOperationException(a.Str(0)));
        R("prim::NumToTensor.Scalar(Scalar a) -> Tensor", a => Torch.ScalarTensor(a.Scalar(0)));
    }

    /// <summary>str.format with positional {} fields (what scripted error messages use).</summary>
    private static class PyStr
    {
        public static string Format(string fmt, params object?[] args)
        {
            var sb = new System.Text.StringBuilder();
            int k = 0;
            for (int i = 0; i < fmt.Length; i++)
            {
                if (fmt[i] == '{' && i + 1 < fmt.Length && fmt[i + 1] == '}') { sb.Append(k < args.Length ? Show(args[k++]) : "{}"); i++; }
                else sb.Append(fmt[i]);
            }
            return sb.ToString();
        }

        private static string Show(object? v) => v switch
        {
            null => "None", bool b => b ? "True" : "False", double d => PyFormat.Float(d),
            _ => Convert.ToString(v, System.Globalization.CultureInfo.InvariantCulture) ?? "",
        };
    }

    private static long FloorDiv(long a, long b)
    {
        if (b == 0) throw new DivideByZeroException("ZeroDivisionError");
        long q = a / b;
        return (a % b != 0) && ((a < 0) != (b < 0)) ? q - 1 : q;
    }

    private static bool IsSame(object? a, object? b) => a is null || b is null ? a is null && b is null : ReferenceEquals(a, b) || a.Equals(b);

    private static object? ListItem(object? list, long i)
    {
        var items = PrimOps.AsItems(list);
        long k = i < 0 ? i + items.Length : i;
        if (k < 0 || k >= items.Length) throw new IndexOutOfRangeException("list index out of range");
        return items[k];
    }
}
