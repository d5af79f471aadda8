using System.Buffers.Binary;
using System.Text;

namespace Flint.Serialization;

/// <summary>
/// Writes an uncompressed zip archive as PyTorch's PyTorchFileWriter does: every record stored (method 0) with its
/// data aligned to 64 bytes by padding the local header's extra field ("FB" + 'Z's), so a reader can map storages
/// straight from the file. Zip64 records are added only where a size or offset needs them.
/// </summary>
internal sealed class ZipWriter
{
    private const int Alignment = 64;
    private readonly Stream _s;
    private long _pos;
    private readonly List<(byte[] Name, uint Crc, long Size, long Offset)> _entries = new();

    public ZipWriter(Stream s) { _s = s; }

    private void Write(ReadOnlySpan<byte> b) { _s.Write(b); _pos += b.Length; }
    private void U16(int v) { Span<byte> b = stackalloc byte[2]; BinaryPrimitives.WriteUInt16LittleEndian(b, (ushort)v); Write(b); }
    private void U32(uint v) { Span<byte> b = stackalloc byte[4]; BinaryPrimitives.WriteUInt32LittleEndian(b, v); Write(b); }
    private void U64(long v) { Span<byte> b = stackalloc byte[8]; BinaryPrimitives.WriteInt64LittleEndian(b, v); Write(b); }

    public void WriteRecord(string name, ReadOnlySpan<byte> data)
    {
        var nameBytes = Encoding.UTF8.GetBytes(name);
        uint crc = Crc32.Compute(data);
        long offset = _pos;
        bool zip64 = offset >= 0xFFFFFFFFL;   // a span is < 2 GiB, so only the offset can need zip64
        int zip64Len = zip64 ? 20 : 0;   // header id + size + uncompressed + compressed
        // Pad so the data starts on a 64-byte boundary; the padding field needs at least its 4-byte header.
        long headerEnd = offset + 30 + nameBytes.Length + zip64Len;
        int pad = (int)((Alignment - (headerEnd + 4) % Alignment) % Alignment);
        if (headerEnd % Alignment == 0) pad = -4;   // already aligned: no padding field at all
        int extraLen = zip64Len + (pad >= 0 ? 4 + pad : 0);

        U32(0x04034b50);
        U16(zip64 ? 45 : 20);       // version needed
        U16(0x0800);                // flags: UTF-8 names
        U16(0);                     // method: stored
        U16(0); U16(0);             // time, date (PyTorch writes zeros too)
        U32(crc);
        U32(zip64 ? 0xFFFFFFFF : (uint)data.Length);
        U32(zip64 ? 0xFFFFFFFF : (uint)data.Length);
        U16(nameBytes.Length);
        U16(extraLen);
        Write(nameBytes);
        if (zip64) { U16(0x0001); U16(16); U64(data.Length); U64(data.Length); }
        if (pad >= 0)
        {
            U16(0x4246);            // "FB"
            U16(pad);
            Span<byte> z = stackalloc byte[pad];
            z.Fill((byte)'Z');
            Write(z);
        }
        Write(data);
        _entries.Add((nameBytes, crc, data.Length, offset));
    }

    /// <summary>Writes the central directory and end records; call once after the last record.</summary>
    public void Finish()
    {
        long cdStart = _pos;
        foreach (var (name, crc, size, offset) in _entries)
        {
            bool bigSize = size >= 0xFFFFFFFFL, bigOff = offset >= 0xFFFFFFFFL;
            int zip64Len = (bigSize ? 16 : 0) + (bigOff ? 8 : 0);
            U32(0x02014b50);
            U16(bigSize || bigOff ? 45 : 20);   // version made by
            U16(bigSize || bigOff ? 45 : 20);   // version needed
            U16(0x0800);
            U16(0);
            U16(0); U16(0);
            U32(crc);
            U32(bigSize ? 0xFFFFFFFF : (uint)size);
            U32(bigSize ? 0xFFFFFFFF : (uint)size);
            U16(name.Length);
            U16(zip64Len > 0 ? zip64Len + 4 : 0);
            U16(0);             // comment length
            U16(0);             // disk number
            U16(0);             // internal attributes
            U32(0);             // external attributes
            U32(bigOff ? 0xFFFFFFFF : (uint)offset);
            Write(name);
            if (zip64Len > 0)
            {
                U16(0x0001); U16(zip64Len);
                if (bigSize) { U64(size); U64(size); }
                if (bigOff) U64(offset);
            }
        }
        long cdSize = _pos - cdStart;
        bool zip64End = _entries.Count >= 0xFFFF || cdStart >= 0xFFFFFFFFL || cdSize >= 0xFFFFFFFFL;
        if (zip64End)
        {
            long z64 = _pos;
            U32(0x06064b50); U64(44); U16(45); U16(45); U32(0); U32(0);
            U64(_entries.Count); U64(_entries.Count); U64(cdSize); U64(cdStart);
            U32(0x07064b50); U32(0); U64(z64); U32(1);
        }
        U32(0x06054b50);
        U16(0); U16(0);
        U16(zip64End ? 0xFFFF : _entries.Count);
        U16(zip64End ? 0xFFFF : _entries.Count);
        U32(zip64End ? 0xFFFFFFFF : (uint)cdSize);
        U32(zip64End ? 0xFFFFFFFF : (uint)cdStart);
        U16(0);
        _s.Flush();
    }
}
