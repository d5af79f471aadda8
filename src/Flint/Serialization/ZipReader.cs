using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace Flint.Serialization;

/// <summary>
/// Reads the records of a zip archive (PyTorch's container) from a seekable stream: the central directory (zip64
/// too), then each record's bytes, checked against the directory's CRC-32. Errors name the problem and the record.
/// </summary>
internal sealed class ZipReader
{
    public sealed record Entry(string Name, int Method, uint Crc, long CompressedSize, long Size, long LocalHeaderOffset);

    private readonly Stream _s;
    private readonly string _what;
    public List<Entry> Entries { get; } = new();
    private readonly Dictionary<string, Entry> _byName = new();

    public ZipReader(Stream seekable, string what)
    {
        _s = seekable; _what = what;
        ReadCentralDirectory();
    }

    private InvalidDataException Bad(string message) => new($"PytorchStreamReader failed reading zip archive: {message} ({_what})");

    private void ReadExactAt(long offset, Span<byte> dst)
    {
        if (offset < 0 || offset + dst.Length > _s.Length) throw Bad($"a read at offset {offset} of {dst.Length} bytes runs past the end of the {_s.Length}-byte file (truncated?)");
        _s.Position = offset;
        _s.ReadExactly(dst);
    }

    private void ReadCentralDirectory()
    {
        long len = _s.Length;
        if (len < 22) throw Bad("failed finding central directory (the file is too short to be a zip archive: truncated?)");
        int tail = (int)Math.Min(len, 22 + 65535);
        var buf = new byte[tail];
        ReadExactAt(len - tail, buf);
        int eocd = -1;
        for (int i = tail - 22; i >= 0; i--)
            if (BinaryPrimitives.ReadUInt32LittleEndian(buf.AsSpan(i)) == 0x06054b50) { eocd = i; break; }
        if (eocd < 0) throw Bad("failed finding central directory (no end-of-central-directory record: the file is truncated or not a zip archive)");
        var e = buf.AsSpan(eocd);
        long count = BinaryPrimitives.ReadUInt16LittleEndian(e[10..]);
        long cdSize = BinaryPrimitives.ReadUInt32LittleEndian(e[12..]);
        long cdOffset = BinaryPrimitives.ReadUInt32LittleEndian(e[16..]);
        long eocdPos = len - tail + eocd;
        bool needsZip64 = count == 0xFFFF || cdSize == 0xFFFFFFFF || cdOffset == 0xFFFFFFFF;
        // zip64: a locator just before the end record points at the zip64 end record. When it is there, its fields
        // are the archive's (miniz, PyTorch's reader, does the same), whether or not the classic ones overflowed.
        Span<byte> loc = stackalloc byte[20];
        if (eocdPos >= 20)
        {
            ReadExactAt(eocdPos - 20, loc);
            if (BinaryPrimitives.ReadUInt32LittleEndian(loc) == 0x07064b50)
            {
                long z64 = BinaryPrimitives.ReadInt64LittleEndian(loc[8..]);
                if (z64 < 0 || z64 > eocdPos - 20 - 56) throw Bad($"the zip64 end-of-central-directory record's offset {z64} lies outside the file (truncated?)");
                Span<byte> rec = stackalloc byte[56];
                ReadExactAt(z64, rec);
                if (BinaryPrimitives.ReadUInt32LittleEndian(rec) != 0x06064b50) throw Bad("bad zip64 end-of-central-directory record");
                count = BinaryPrimitives.ReadInt64LittleEndian(rec[32..]);
                cdSize = BinaryPrimitives.ReadInt64LittleEndian(rec[40..]);
                cdOffset = BinaryPrimitives.ReadInt64LittleEndian(rec[48..]);
                needsZip64 = false;
            }
        }
        if (needsZip64) throw Bad("zip64 end-of-central-directory locator is missing");
        if (cdOffset < 0 || cdSize < 0 || cdOffset + cdSize > eocdPos || cdSize > int.MaxValue)
            throw Bad($"the central directory (offset {cdOffset}, {cdSize} bytes) lies outside the file (truncated?)");
        var cd = new byte[cdSize];
        ReadExactAt(cdOffset, cd);
        int p = 0;
        for (long n = 0; n < count; n++)
        {
            if (p + 46 > cd.Length || BinaryPrimitives.ReadUInt32LittleEndian(cd.AsSpan(p)) != 0x02014b50)
                throw Bad($"central directory entry {n} is corrupt");
            var h = cd.AsSpan(p);
            int method = BinaryPrimitives.ReadUInt16LittleEndian(h[10..]);
            uint crc = BinaryPrimitives.ReadUInt32LittleEndian(h[16..]);
            long csize = BinaryPrimitives.ReadUInt32LittleEndian(h[20..]);
            long size = BinaryPrimitives.ReadUInt32LittleEndian(h[24..]);
            int nameLen = BinaryPrimitives.ReadUInt16LittleEndian(h[28..]);
            int extraLen = BinaryPrimitives.ReadUInt16LittleEndian(h[30..]);
            int commentLen = BinaryPrimitives.ReadUInt16LittleEndian(h[32..]);
            long offset = BinaryPrimitives.ReadUInt32LittleEndian(h[42..]);
            if (p + 46 + nameLen + extraLen + commentLen > cd.Length) throw Bad($"central directory entry {n} is corrupt");
            string name = Encoding.UTF8.GetString(h.Slice(46, nameLen));
            var extra = h.Slice(46 + nameLen, extraLen);
            while (extra.Length >= 4)
            {
                int id = BinaryPrimitives.ReadUInt16LittleEndian(extra), sz = BinaryPrimitives.ReadUInt16LittleEndian(extra[2..]);
                if (4 + sz > extra.Length) break;
                if (id == 0x0001)
                {
                    var z = extra.Slice(4, sz);
                    if (size == 0xFFFFFFFF && z.Length >= 8) { size = BinaryPrimitives.ReadInt64LittleEndian(z); z = z[8..]; }
                    if (csize == 0xFFFFFFFF && z.Length >= 8) { csize = BinaryPrimitives.ReadInt64LittleEndian(z); z = z[8..]; }
                    if (offset == 0xFFFFFFFF && z.Length >= 8) offset = BinaryPrimitives.ReadInt64LittleEndian(z);
                }
                extra = extra[(4 + sz)..];
            }
            var entry = new Entry(name, method, crc, csize, size, offset);
            Entries.Add(entry);
            _byName.TryAdd(name, entry);
            p += 46 + nameLen + extraLen + commentLen;
        }
        if (Entries.Count == 0) throw Bad("the archive has no records");
    }

    public bool Has(string name) => _byName.ContainsKey(name);
    public Entry? Find(string name) => _byName.TryGetValue(name, out var e) ? e : null;

    /// <summary>
    /// Throws unless the record's bytes can be in the file: stored records fit in it, deflated ones inflate at most
    /// 1032:1 (deflate's limit). Call it before allocating the record's size, which a corrupt directory may inflate.
    /// </summary>
    public void CheckFits(Entry e)
    {
        long most = e.Method == 8 ? e.CompressedSize * 1032 + 1024 : e.CompressedSize;
        if (e.CompressedSize < 0 || e.CompressedSize > _s.Length || e.Size < 0 || e.Size > most)
            throw Bad($"record '{e.Name}' claims {e.Size} bytes, more than the {_s.Length}-byte file can hold (corrupt or truncated)");
    }

    /// <summary>Reads a whole record into <paramref name="dst"/>, which must be exactly the record's size.</summary>
    public void Read(Entry e, Span<byte> dst)
    {
        if (dst.Length != e.Size) throw Bad($"record '{e.Name}' has {e.Size} bytes, expected {dst.Length}");
        CheckFits(e);
        Span<byte> lh = stackalloc byte[30];
        ReadExactAt(e.LocalHeaderOffset, lh);
        if (BinaryPrimitives.ReadUInt32LittleEndian(lh) != 0x04034b50) throw Bad($"bad local header magic for record '{e.Name}'");
        long dataStart = e.LocalHeaderOffset + 30 + BinaryPrimitives.ReadUInt16LittleEndian(lh[26..]) + BinaryPrimitives.ReadUInt16LittleEndian(lh[28..]);
        if (e.Method == 0)
        {
            if (e.CompressedSize != e.Size) throw Bad($"stored record '{e.Name}' has different compressed and uncompressed sizes");
            if (dataStart + e.Size > _s.Length) throw Bad($"record '{e.Name}' runs past the end of the file (truncated?)");
            ReadExactAt(dataStart, dst);
        }
        else if (e.Method == 8)
        {
            if (dataStart + e.CompressedSize > _s.Length) throw Bad($"record '{e.Name}' runs past the end of the file (truncated?)");
            _s.Position = dataStart;
            try
            {
                using var inflate = new DeflateStream(new SubStream(_s, dataStart, e.CompressedSize), CompressionMode.Decompress, leaveOpen: false);
                inflate.ReadExactly(dst);
            }
            catch (Exception ex) when (ex is InvalidDataException or EndOfStreamException)
            {
                throw Bad($"record '{e.Name}' does not inflate: {ex.Message}");
            }
        }
        else throw Bad($"record '{e.Name}' uses unsupported compression method {e.Method}");
        uint crc = Crc32.Compute(dst);
        if (crc != e.Crc) throw Bad($"CRC-32 mismatch in record '{e.Name}' (file has 0x{e.Crc:x8}, data has 0x{crc:x8}): the file is corrupt");
    }

    public byte[] ReadAll(Entry e)
    {
        if (e.Size > Array.MaxLength) throw Bad($"record '{e.Name}' is too large ({e.Size} bytes)");
        CheckFits(e);
        var b = new byte[e.Size];
        Read(e, b);
        return b;
    }

    /// <summary>A read-only window on part of a stream (for inflating one record).</summary>
    private sealed class SubStream(Stream inner, long start, long length) : Stream
    {
        private long _pos;
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => length;
        public override long Position { get => _pos; set => throw new NotSupportedException(); }
        public override int Read(byte[] buffer, int offset, int count)
        {
            count = (int)Math.Min(count, length - _pos);
            if (count <= 0) return 0;
            inner.Position = start + _pos;
            int n = inner.Read(buffer, offset, count);
            _pos += n;
            return n;
        }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
