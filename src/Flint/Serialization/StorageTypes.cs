namespace Flint.Serialization;

/// <summary>PyTorch's typed storage classes (torch.FloatStorage …) and dtype globals (torch.float32 …) ↔ Flint dtypes.</summary>
internal static class StorageTypes
{
    /// <summary>"FloatStorage" → Float32; null when the name is not a storage class Flint has a dtype for.</summary>
    public static DType? FromStorageName(string name) => name switch
    {
        "FloatStorage" => DType.Float32,
        "DoubleStorage" => DType.Float64,
        "HalfStorage" => DType.Float16,
        "BFloat16Storage" => DType.BFloat16,
        "LongStorage" => DType.Int64,
        "IntStorage" => DType.Int32,
        "ShortStorage" => DType.Int16,
        "CharStorage" => DType.Int8,
        "ByteStorage" => DType.UInt8,
        "BoolStorage" => DType.Bool,
        _ => null,
    };

    public static string StorageName(DType t) => t switch
    {
        DType.Float32 => "FloatStorage",
        DType.Float64 => "DoubleStorage",
        DType.Float16 => "HalfStorage",
        DType.BFloat16 => "BFloat16Storage",
        DType.Int64 => "LongStorage",
        DType.Int32 => "IntStorage",
        DType.Int16 => "ShortStorage",
        DType.Int8 => "CharStorage",
        DType.UInt8 => "ByteStorage",
        _ => "BoolStorage",
    };

    /// <summary>"float32" (the name after "torch.") → Float32, including PyTorch's aliases (torch.float, torch.long …).</summary>
    public static DType? FromDTypeName(string name) => name switch
    {
        "float32" or "float" => DType.Float32,
        "float64" or "double" => DType.Float64,
        "float16" or "half" => DType.Float16,
        "bfloat16" => DType.BFloat16,
        "int64" or "long" => DType.Int64,
        "int32" or "int" => DType.Int32,
        "int16" or "short" => DType.Int16,
        "int8" => DType.Int8,
        "uint8" => DType.UInt8,
        "bool" => DType.Bool,
        _ => null,
    };

    /// <summary>A storage of <paramref name="length"/> elements of <paramref name="dtype"/> viewing part of another's memory.</summary>
    public static Storage Slice(Storage root, int offset, int length)
    {
        if (offset < 0 || length < 0 || (long)offset + length > root.Length)
            throw new InvalidDataException($"storage view [{offset}, {offset}+{length}) is outside its storage of {root.Length} elements");
        return root switch
        {
            Storage<float> s => new Storage<float>(s.Memory.Slice(offset, length)),
            Storage<double> s => new Storage<double>(s.Memory.Slice(offset, length)),
            Storage<Half> s => new Storage<Half>(s.Memory.Slice(offset, length)),
            Storage<BFloat16> s => new Storage<BFloat16>(s.Memory.Slice(offset, length)),
            Storage<long> s => new Storage<long>(s.Memory.Slice(offset, length)),
            Storage<int> s => new Storage<int>(s.Memory.Slice(offset, length)),
            Storage<short> s => new Storage<short>(s.Memory.Slice(offset, length)),
            Storage<sbyte> s => new Storage<sbyte>(s.Memory.Slice(offset, length)),
            Storage<byte> s => new Storage<byte>(s.Memory.Slice(offset, length)),
            Storage<bool> s => new Storage<bool>(s.Memory.Slice(offset, length)),
            _ => throw new InvalidDataException($"unsupported storage type {root.GetType().Name}"),
        };
    }

    /// <summary>Reverses each element's bytes in place (files written on big-endian machines say "big" in byteorder).</summary>
    public static void SwapBytes(Span<byte> data, int elementSize)
    {
        if (elementSize == 1) return;
        for (int i = 0; i + elementSize <= data.Length; i += elementSize) data.Slice(i, elementSize).Reverse();
    }

    /// <summary>
    /// Makes every byte of a bool storage 0 or 1. A .NET bool with another bit pattern misbehaves (true != true),
    /// and files are untrusted: PyTorch reads any nonzero byte as True, and so do we.
    /// </summary>
    public static void NormalizeBools(Storage s)
    {
        if (s.DType != DType.Bool) return;
        var b = s.RawBytes();
        for (int i = 0; i < b.Length; i++) if (b[i] > 1) b[i] = 1;
    }

    /// <summary>Storages are written and read as one byte span, so one storage is limited to 2 GiB.</summary>
    public static void CheckByteSize(long numel, DType dtype, string what)
    {
        long bytes = numel * dtype.ElementSize();
        if (bytes > int.MaxValue)
            throw new NotSupportedException($"{what}: a storage of {numel} {dtype.Name()} elements ({bytes} bytes) is larger than the 2 GiB Flint reads or writes as one record");
    }
}
