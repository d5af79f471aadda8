namespace Flint;

/// <summary>Element types, named as PyTorch names them (torch.float32 → DType.Float32).</summary>
public enum DType : byte
{
    Bool, UInt8, Int8, Int16, Int32, Int64, Float16, BFloat16, Float32, Float64,
}

public static class DTypeExtensions
{
    public static bool IsFloatingPoint(this DType t) => t >= DType.Float16;
    public static bool IsIntegral(this DType t, bool includeBool = false) => t == DType.Bool ? includeBool : t < DType.Float16;

    public static int ElementSize(this DType t) => t switch
    {
        DType.Bool or DType.UInt8 or DType.Int8 => 1,
        DType.Int16 or DType.Float16 or DType.BFloat16 => 2,
        DType.Int32 or DType.Float32 => 4,
        _ => 8,
    };

    /// <summary>PyTorch's name: "float32", "int64", "bool" …</summary>
    public static string Name(this DType t) => t switch
    {
        DType.Bool => "bool", DType.UInt8 => "uint8", DType.Int8 => "int8", DType.Int16 => "int16",
        DType.Int32 => "int32", DType.Int64 => "int64", DType.Float16 => "float16", DType.BFloat16 => "bfloat16",
        DType.Float32 => "float32", _ => "float64",
    };

    /// <summary>The legacy tensor type name used in error messages (torch.FloatTensor).</summary>
    public static string LegacyTypeName(this DType t) => t switch
    {
        DType.Bool => "torch.BoolTensor", DType.UInt8 => "torch.ByteTensor", DType.Int8 => "torch.CharTensor",
        DType.Int16 => "torch.ShortTensor", DType.Int32 => "torch.IntTensor", DType.Int64 => "torch.LongTensor",
        DType.Float16 => "torch.HalfTensor", DType.BFloat16 => "torch.BFloat16Tensor",
        DType.Float32 => "torch.FloatTensor", _ => "torch.DoubleTensor",
    };

    /// <summary>The C# element type that stores this dtype.</summary>
    public static Type ClrType(this DType t) => t switch
    {
        DType.Bool => typeof(bool), DType.UInt8 => typeof(byte), DType.Int8 => typeof(sbyte), DType.Int16 => typeof(short),
        DType.Int32 => typeof(int), DType.Int64 => typeof(long), DType.Float16 => typeof(Half),
        DType.BFloat16 => typeof(BFloat16), DType.Float32 => typeof(float), _ => typeof(double),
    };

    public static DType FromClrType(Type t)
    {
        if (t == typeof(float)) return DType.Float32;
        if (t == typeof(double)) return DType.Float64;
        if (t == typeof(long)) return DType.Int64;
        if (t == typeof(int)) return DType.Int32;
        if (t == typeof(short)) return DType.Int16;
        if (t == typeof(sbyte)) return DType.Int8;
        if (t == typeof(byte)) return DType.UInt8;
        if (t == typeof(bool)) return DType.Bool;
        if (t == typeof(Half)) return DType.Float16;
        if (t == typeof(BFloat16)) return DType.BFloat16;
        throw new ArgumentException($"Flint has no dtype for the element type {t.Name}");
    }
}
