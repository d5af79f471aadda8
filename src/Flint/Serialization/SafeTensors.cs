using System.Buffers.Binary;
using System.Text;
using System.Text.Json;

namespace Flint.Serialization;

/// <summary>
/// The safetensors format: an 8-byte little-endian header length N, N bytes of JSON
/// <c>{name: {"dtype": "F32", "shape": [...], "data_offsets": [begin, end]}, "__metadata__": {str: str}}</c>
/// (padded with spaces to a multiple of 8), then the tensors' bytes, contiguous and little-endian. Loading checks
/// every offset (inside the buffer, matching the shape, no overlaps or holes) and never runs anything.
/// </summary>
public static class SafeTensors
{
    private const long MaxHeaderSize = 100_000_000;   // the reference implementation's limit

    private static string DTypeCode(DType t) => t switch
    {
        DType.Float32 => "F32", DType.Float64 => "F64", DType.Float16 => "F16", DType.BFloat16 => "BF16",
        DType.Int64 => "I64", DType.Int32 => "I32", DType.Int16 => "I16", DType.Int8 => "I8",
        DType.UInt8 => "U8", _ => "BOOL",
    };

    private static DType? FromCode(string s) => s switch
    {
        "F32" => DType.Float32, "F64" => DType.Float64, "F16" => DType.Float16, "BF16" => DType.BFloat16,
        "I64" => DType.Int64, "I32" => DType.Int32, "I16" => DType.Int16, "I8" => DType.Int8,
        "U8" => DType.UInt8, "BOOL" => DType.Bool, _ => null,
    };

    /// <summary>Writes the tensors (and optional string metadata) to <paramref name="path"/>, atomically.</summary>
    public static void Save(IDictionary<string, Tensor> tensors, string path, IDictionary<string, string>? metadata = null)
        => AtomicFile.Write(path, s => Save(tensors, s, metadata));

    /// <summary>Writes the tensors (and optional string metadata) to a stream.</summary>
    public static void Save(IDictionary<string, Tensor> tensors, Stream stream, IDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("safetensors needs a little-endian machine");
        // Like the reference writer: larger dtypes first (keeps every tensor aligned to its element size), then by name.
        var items = new List<KeyValuePair<string, Tensor>>(tensors);
        foreach (var (name, t) in items)
        {
            if (name == "__metadata__") throw new ArgumentException("'__metadata__' is reserved in safetensors and cannot name a tensor");
            if (t is null) throw new ArgumentException($"tensor '{name}' is null");
        }
        items.Sort((a, b) =>
        {
            int c = b.Value.DType.ElementSize().CompareTo(a.Value.DType.ElementSize());
            return c != 0 ? c : string.CompareOrdinal(a.Key, b.Key);
        });
        var contiguous = new Tensor[items.Count];
        var header = new MemoryStream();
        using (var w = new Utf8JsonWriter(header))
        {
            w.WriteStartObject();
            if (metadata is { Count: > 0 })
            {
                w.WriteStartObject("__metadata__");
                foreach (var (k, v) in metadata) w.WriteString(k, v);
                w.WriteEndObject();
            }
            long offset = 0;
            for (int i = 0; i < items.Count; i++)
            {
                var t = items[i].Value.Detach().Contiguous();
                StorageTypes.CheckByteSize(t.NumElements, t.DType, "SafeTensors.Save");
                contiguous[i] = t;
                long nbytes = t.NumElements * t.DType.ElementSize();
                w.WriteStartObject(items[i].Key);
                w.WriteString("dtype", DTypeCode(t.DType));
                w.WriteStartArray("shape");
                foreach (var d in t.Shape) w.WriteNumberValue(d);
                w.WriteEndArray();
                w.WriteStartArray("data_offsets");
                w.WriteNumberValue(offset);
                w.WriteNumberValue(offset + nbytes);
                w.WriteEndArray();
                w.WriteEndObject();
                offset += nbytes;
            }
            w.WriteEndObject();
        }
        int pad = (int)((8 - header.Length % 8) % 8);
        for (int i = 0; i < pad; i++) header.WriteByte((byte)' ');
        Span<byte> len = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(len, (ulong)header.Length);
        stream.Write(len);
        stream.Write(header.GetBuffer(), 0, (int)header.Length);
        foreach (var t in contiguous)
            stream.Write(t._storage.RawBytes().Slice(t._offset * t.DType.ElementSize(), t._numel * t.DType.ElementSize()));
        stream.Flush();
    }

    /// <summary>Reads every tensor of a safetensors file, in the order of their data.</summary>
    public static Dictionary<string, Tensor> Load(string path) => Load(path, out _);

    public static Dictionary<string, Tensor> Load(string path, out Dictionary<string, string> metadata)
    {
        using var fs = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        return Load(fs, out metadata, $"'{path}'");
    }

    public static Dictionary<string, Tensor> Load(Stream stream) => Load(stream, out _);

    public static Dictionary<string, Tensor> Load(Stream stream, out Dictionary<string, string> metadata)
    {
        if (!stream.CanSeek)
        {
            var ms = new MemoryStream();
            stream.CopyTo(ms);
            ms.Position = 0;
            stream = ms;
        }
        return Load(stream, out metadata, "the stream");
    }

    /// <summary>Only the metadata (the "__metadata__" strings) of a safetensors file.</summary>
    public static Dictionary<string, string> LoadMetadata(string path)
    {
        using var fs = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        ReadHeader(fs, $"'{path}'", out var metadata, out _);
        return metadata;
    }

    private sealed record Info(string Name, DType DType, int[] Shape, long Begin, long End);

    private static List<Info> ReadHeader(Stream s, string what, out Dictionary<string, string> metadata, out long dataStart)
    {
        long fileLen = s.Length - s.Position;
        long start = s.Position;
        Span<byte> lenBytes = stackalloc byte[8];
        if (fileLen < 8) throw new InvalidDataException($"safetensors: {what} is too short ({fileLen} bytes) to hold the 8-byte header length (HeaderTooSmall)");
        s.ReadExactly(lenBytes);
        ulong n = BinaryPrimitives.ReadUInt64LittleEndian(lenBytes);
        if (n > MaxHeaderSize) throw new InvalidDataException($"safetensors: header length {n} is larger than the {MaxHeaderSize}-byte limit (HeaderTooLarge) in {what}");
        if ((long)n > fileLen - 8) throw new InvalidDataException($"safetensors: header length {n} runs past the end of the {fileLen}-byte file (InvalidHeaderLength; truncated?) in {what}");
        var header = new byte[n];
        s.ReadExactly(header);
        dataStart = start + 8 + (long)n;
        long bufferLen = fileLen - 8 - (long)n;
        if (header.Length == 0 || header[0] != (byte)'{') throw new InvalidDataException($"safetensors: the header does not start with '{{' (InvalidHeaderStart) in {what}");
        if (!System.Text.Unicode.Utf8.IsValid(header))
            throw new InvalidDataException($"safetensors: the header is not valid UTF-8 (InvalidHeader) in {what}");
        JsonDocument doc;
        try { doc = JsonDocument.Parse(header); }
        catch (JsonException e) { throw new InvalidDataException($"safetensors: the header is not valid JSON (InvalidHeaderDeserialization) in {what}: {e.Message}", e); }
        metadata = new Dictionary<string, string>();
        var infos = new List<Info>();
        using (doc)
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Object) throw new InvalidDataException($"safetensors: the header is not a JSON object in {what}");
            foreach (var p in doc.RootElement.EnumerateObject())
            {
                if (p.Name == "__metadata__")
                {
                    if (p.Value.ValueKind != JsonValueKind.Object) throw new InvalidDataException($"safetensors: __metadata__ must be an object of strings in {what}");
                    foreach (var m in p.Value.EnumerateObject())
                    {
                        if (m.Value.ValueKind != JsonValueKind.String) throw new InvalidDataException($"safetensors: __metadata__['{m.Name}'] is not a string in {what}");
                        metadata[m.Name] = m.Value.GetString()!;
                    }
                    continue;
                }
                infos.Add(ParseInfo(p, what));
            }
        }
        // The tensors must tile the data buffer exactly: sorted by offset, each starting where the previous ended.
        infos.Sort((a, b) => a.Begin != b.Begin ? a.Begin.CompareTo(b.Begin) : a.End.CompareTo(b.End));
        long expected = 0;
        foreach (var t in infos)
        {
            if (t.Begin != expected)
                throw new InvalidDataException(t.Begin < expected
                    ? $"safetensors: tensor '{t.Name}' (bytes [{t.Begin}, {t.End})) overlaps the previous tensor, which ends at {expected} (InvalidOffset) in {what}"
                    : $"safetensors: tensor '{t.Name}' starts at byte {t.Begin}, leaving a hole after byte {expected} (InvalidOffset) in {what}");
            expected = t.End;
        }
        if (expected != bufferLen)
            throw new InvalidDataException(expected > bufferLen
                ? $"safetensors: the tensors need {expected} bytes of data but the file has {bufferLen} (truncated?) in {what}"
                : $"safetensors: the tensors cover {expected} bytes but the data buffer has {bufferLen} (MetadataIncompleteBuffer) in {what}");
        return infos;
    }

    private static Info ParseInfo(JsonProperty p, string what)
    {
        string Where() => $"tensor '{p.Name}' in {what}";
        var v = p.Value;
        if (v.ValueKind != JsonValueKind.Object) throw new InvalidDataException($"safetensors: {Where()} is not an object");
        if (!v.TryGetProperty("dtype", out var dt) || dt.ValueKind != JsonValueKind.String)
            throw new InvalidDataException($"safetensors: {Where()} has no dtype");
        var dtype = FromCode(dt.GetString()!) ?? throw new InvalidDataException($"safetensors: {Where()} has dtype {dt.GetString()}, which Flint does not support");
        if (!v.TryGetProperty("shape", out var sh) || sh.ValueKind != JsonValueKind.Array)
            throw new InvalidDataException($"safetensors: {Where()} has no shape");
        var shape = new int[sh.GetArrayLength()];
        long numel = 1;
        int i = 0;
        foreach (var d in sh.EnumerateArray())
        {
            if (d.ValueKind != JsonValueKind.Number || !d.TryGetInt64(out long x) || x < 0 || x > int.MaxValue)
                throw new InvalidDataException($"safetensors: {Where()} has an invalid shape entry {d}");
            shape[i++] = (int)x;
            // checked in double: the product of several large dims must not wrap around before the test
            if ((double)numel * x * dtype.ElementSize() > int.MaxValue)
                throw new InvalidDataException($"safetensors: {Where()} is too large (shape {sh}; Flint reads at most 2 GiB per tensor)");
            numel *= x;
        }
        if (!v.TryGetProperty("data_offsets", out var off) || off.ValueKind != JsonValueKind.Array || off.GetArrayLength() != 2)
            throw new InvalidDataException($"safetensors: {Where()} has no [begin, end] data_offsets");
        long begin = -1, end = -1;
        if (off[0].ValueKind == JsonValueKind.Number) off[0].TryGetInt64(out begin);
        if (off[1].ValueKind == JsonValueKind.Number) off[1].TryGetInt64(out end);
        if (begin < 0 || end < begin) throw new InvalidDataException($"safetensors: {Where()} has invalid data_offsets [{off[0]}, {off[1]}] (InvalidOffset)");
        if (end - begin != numel * dtype.ElementSize())
            throw new InvalidDataException($"safetensors: {Where()} has {end - begin} bytes but shape [{string.Join(", ", shape)}] of {DTypeCode(dtype)} needs {numel * dtype.ElementSize()} (TensorInvalidInfo)");
        return new Info(p.Name, dtype, shape, begin, end);
    }

    private static Dictionary<string, Tensor> Load(Stream s, out Dictionary<string, string> metadata, string what)
    {
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("safetensors needs a little-endian machine");
        var infos = ReadHeader(s, what, out metadata, out long dataStart);
        var result = new Dictionary<string, Tensor>(infos.Count);
        foreach (var info in infos)
        {
            var t = Tensor.Empty(info.Shape, info.DType);
            s.Position = dataStart + info.Begin;
            s.ReadExactly(t._storage.RawBytes());
            StorageTypes.NormalizeBools(t._storage);
            result.Add(info.Name, t);
        }
        return result;
    }
}
