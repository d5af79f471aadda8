using System.Buffers.Binary;

namespace Flint.Serialization;

/// <summary>
/// Buffered forward-only reads over a stream, with errors that say the data ended early. The pickle VM and the legacy
/// format's storage section read through one instance, so bytes buffered past a pickle's STOP are not lost.
/// </summary>
internal sealed class ByteReader
{
    private readonly Stream? _stream;
    private readonly byte[] _buf;
    private int _pos, _len;
    private long _consumedBefore;   // bytes of the stream before _buf[0]
    private readonly string _what;

    public ByteReader(Stream stream, string what, int bufferSize = 1 << 16)
    {
        _stream = stream; _buf = new byte[bufferSize]; _what = what;
    }

    /// <summary>Reads from an in-memory buffer (no stream behind it).</summary>
    public ByteReader(byte[] data, string what)
    {
        _buf = data; _len = data.Length; _what = what;
    }

    /// <summary>Bytes consumed so far.</summary>
    public long Position => _consumedBefore + _pos;

    private bool Fill()
    {
        if (_stream is null) return false;
        _consumedBefore += _pos;
        int keep = _len - _pos;
        if (keep > 0) Buffer.BlockCopy(_buf, _pos, _buf, 0, keep);
        _pos = 0; _len = keep;
        int n = _stream.Read(_buf, _len, _buf.Length - _len);
        _len += n;
        return n > 0;
    }

    public Exception Truncated() => new InvalidDataException($"{_what} is truncated: the data ended after {Position} bytes (pickle data was truncated)");

    public bool AtEnd => _pos >= _len && !Fill();

    public byte ReadByte()
    {
        if (_pos >= _len && !Fill()) throw Truncated();
        return _buf[_pos++];
    }

    public void ReadExact(Span<byte> dst)
    {
        while (dst.Length > 0)
        {
            if (_pos >= _len && !Fill()) throw Truncated();
            int n = Math.Min(dst.Length, _len - _pos);
            _buf.AsSpan(_pos, n).CopyTo(dst);
            _pos += n;
            dst = dst[n..];
        }
    }

    public byte[] ReadBytes(long count)
    {
        if (count < 0 || count > Array.MaxLength) throw new InvalidDataException($"{_what}: invalid length {count}");
        // Do not trust a length from the file with a large allocation before the bytes are known to exist.
        if (_stream is not null && _stream.CanSeek && count > _stream.Length - Position) throw Truncated();
        if (_stream is null && count > _len - _pos) throw Truncated();
        var b = new byte[count];
        ReadExact(b);
        return b;
    }

    public ushort ReadUInt16() { Span<byte> b = stackalloc byte[2]; ReadExact(b); return BinaryPrimitives.ReadUInt16LittleEndian(b); }
    public int ReadInt32() { Span<byte> b = stackalloc byte[4]; ReadExact(b); return BinaryPrimitives.ReadInt32LittleEndian(b); }
    public uint ReadUInt32() { Span<byte> b = stackalloc byte[4]; ReadExact(b); return BinaryPrimitives.ReadUInt32LittleEndian(b); }
    public long ReadInt64() { Span<byte> b = stackalloc byte[8]; ReadExact(b); return BinaryPrimitives.ReadInt64LittleEndian(b); }
    public double ReadDoubleBigEndian() { Span<byte> b = stackalloc byte[8]; ReadExact(b); return BinaryPrimitives.ReadDoubleBigEndian(b); }

    /// <summary>A text line without its '\n' (protocol-0 opcodes and GLOBAL's module/name), at most maxLength bytes.</summary>
    public string ReadLine(int maxLength = 1 << 16)
    {
        var sb = new List<byte>();
        while (true)
        {
            byte c = ReadByte();
            if (c == (byte)'\n') break;
            if (sb.Count >= maxLength) throw new InvalidDataException($"{_what}: a text line is longer than {maxLength} bytes");
            sb.Add(c);
        }
        return System.Text.Encoding.UTF8.GetString(sb.ToArray());
    }
}
