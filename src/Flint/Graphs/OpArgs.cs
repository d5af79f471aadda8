namespace Flint.Graphs;

/// <summary>
/// The argument values of one op call in schema order, as the interpreter passes them to a schema's invoker:
/// Tensor, long, double, bool, string, null, long[], double[], bool[], Tensor[]. The accessors convert the way
/// TorchScript's arguments do (an int where a float is expected, a bool where a Scalar is expected).
/// </summary>
public readonly struct OpArgs(object?[] values)
{
    public int Count => values.Length;
    public object? this[int i] => values[i];

    public Tensor T(int i) => values[i] as Tensor ?? throw Expected(i, "Tensor");
    public Tensor? TOpt(int i) => values[i] is null ? null : T(i);
    public Tensor[] Tensors(int i) => values[i] as Tensor[] ?? throw Expected(i, "Tensor[]");
    public bool IsNone(int i) => values[i] is null;

    public long Int(int i) => values[i] switch { long l => l, bool b => b ? 1 : 0, _ => throw Expected(i, "int") };
    public long? IntOpt(int i) => values[i] is null ? null : Int(i);
    public double Float(int i) => values[i] switch { double d => d, long l => l, _ => throw Expected(i, "float") };
    public double? FloatOpt(int i) => values[i] is null ? null : Float(i);
    public bool Bool(int i) => values[i] switch { bool b => b, long l => l != 0, _ => throw Expected(i, "bool") };
    public string Str(int i) => values[i] as string ?? throw Expected(i, "str");
    public string? StrOpt(int i) => values[i] as string;

    public Scalar Scalar(int i) => values[i] switch
    {
        double d => d, long l => l, bool b => b,
        Tensor t when t.Dim == 0 => t.DType.IsFloatingPoint() ? t.Item<double>() : t.Item<long>(),
        _ => throw Expected(i, "Scalar"),
    };

    public long[] Ints(int i) => values[i] as long[] ?? throw Expected(i, "int[]");
    public long[]? IntsOpt(int i) => values[i] is null ? null : Ints(i);

    /// <summary>An int[] as int[] (Flint's op constructors take int dims and sizes).</summary>
    public int[] Int32s(int i) => Array.ConvertAll(Ints(i), x => checked((int)x));
    public int[]? Int32sOpt(int i) => values[i] is null ? null : Int32s(i);

    /// <summary>A ScalarType? argument (an int code in TorchScript, see <see cref="ScalarTypes"/>).</summary>
    public DType? DTypeOpt(int i) => values[i] is null ? null : ScalarTypes.FromCode(Int(i));

    private InvalidCastException Expected(int i, string type)
        => new($"argument {i} should be {type}, got {(values[i] is null ? "None" : values[i]!.GetType().Name)}");
}

/// <summary>c10's ScalarType codes, which TorchScript uses for dtype arguments (float32 is 6).</summary>
public static class ScalarTypes
{
    public static long Code(DType d) => d switch
    {
        DType.UInt8 => 0, DType.Int8 => 1, DType.Int16 => 2, DType.Int32 => 3, DType.Int64 => 4, DType.Float16 => 5,
        DType.Float32 => 6, DType.Float64 => 7, DType.Bool => 11, _ => 15, // BFloat16
    };

    public static DType FromCode(long code) => code switch
    {
        0 => DType.UInt8, 1 => DType.Int8, 2 => DType.Int16, 3 => DType.Int32, 4 => DType.Int64, 5 => DType.Float16,
        6 => DType.Float32, 7 => DType.Float64, 11 => DType.Bool, 15 => DType.BFloat16,
        _ => throw new ArgumentException($"unsupported ScalarType code {code}"),
    };
}
