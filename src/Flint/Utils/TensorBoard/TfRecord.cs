using System.Buffers.Binary;
using Flint.Serialization;

namespace Flint.Utils.TensorBoard;

/// <summary>
/// TFRecord framing, the container of TensorBoard's event files: each record is its length (uint64, little-endian),
/// the masked CRC-32C of those 8 bytes, the data, and the masked CRC-32C of the data.
/// </summary>
internal static class TfRecord
{
    /// <summary>Appends one record holding <paramref name="data"/>.</summary>
    public static void Write(Stream stream, ReadOnlySpan<byte> data)
    {
        Span<byte> header = stackalloc byte[12];
        BinaryPrimitives.WriteUInt64LittleEndian(header, (ulong)data.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(header[8..], Crc32C.Masked(header[..8]));
        Span<byte> footer = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(footer, Crc32C.Masked(data));
        stream.Write(header);
        stream.Write(data);
        stream.Write(footer);
    }

    /// <summary>
    /// Reads every record of <paramref name="stream"/>, checking both CRCs; a corrupt or truncated record is an
    /// <see cref="InvalidDataException"/> that says which.
    /// </summary>
    public static List<byte[]> ReadAll(Stream stream)
    {
        var records = new List<byte[]>();
        Span<byte> header = stackalloc byte[12];
        Span<byte> footer = stackalloc byte[4];
        while (true)
        {
            int n = stream.ReadAtLeast(header, 12, throwOnEndOfStream: false);
            if (n == 0) return records;
            if (n < 12) throw new InvalidDataException($"record {records.Count} is truncated in its header");
            if (BinaryPrimitives.ReadUInt32LittleEndian(header[8..]) != Crc32C.Masked(header[..8]))
                throw new InvalidDataException($"record {records.Count} has a corrupt length (its CRC does not match)");
            ulong length = BinaryPrimitives.ReadUInt64LittleEndian(header);
            if (length > int.MaxValue) throw new InvalidDataException($"record {records.Count} claims {length} bytes");
            var data = new byte[length];
            if (stream.ReadAtLeast(data, data.Length, throwOnEndOfStream: false) < data.Length
                || stream.ReadAtLeast(footer, 4, throwOnEndOfStream: false) < 4)
                throw new InvalidDataException($"record {records.Count} is truncated");
            if (BinaryPrimitives.ReadUInt32LittleEndian(footer) != Crc32C.Masked(data))
                throw new InvalidDataException($"record {records.Count} has corrupt data (its CRC does not match)");
            records.Add(data);
        }
    }
}
