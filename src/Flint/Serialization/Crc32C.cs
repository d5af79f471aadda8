using System.Buffers.Binary;
using System.Runtime.Intrinsics.X86;

namespace Flint.Serialization;

/// <summary>
/// CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), the checksum of TFRecord files (TensorBoard's event files)
/// and of other storage formats: the processor's crc32 instruction where there is one (SSE4.2, ARMv8 CRC), a table
/// otherwise. Not the zip format's CRC-32 (<see cref="Crc32"/>).
/// </summary>
internal static class Crc32C
{
    private static readonly uint[] Table = MakeTable();

    private static uint[] MakeTable()
    {
        var t = new uint[256];
        for (uint i = 0; i < 256; i++)
        {
            uint c = i;
            for (int k = 0; k < 8; k++) c = (c & 1) != 0 ? 0x82F63B78u ^ (c >> 1) : c >> 1;
            t[i] = c;
        }
        return t;
    }

    /// <summary>The CRC-32C of <paramref name="data"/> (check value: "123456789" gives 0xE3069283).</summary>
    public static uint Compute(ReadOnlySpan<byte> data)
    {
        uint crc = 0xFFFFFFFFu;
        int i = 0;
        if (Sse42.X64.IsSupported)
        {
            ulong c = crc;
            for (; i + 8 <= data.Length; i += 8) c = Sse42.X64.Crc32(c, BinaryPrimitives.ReadUInt64LittleEndian(data[i..]));
            crc = (uint)c;
        }
        else if (System.Runtime.Intrinsics.Arm.Crc32.Arm64.IsSupported)
        {
            for (; i + 8 <= data.Length; i += 8) crc = System.Runtime.Intrinsics.Arm.Crc32.Arm64.ComputeCrc32C(crc, BinaryPrimitives.ReadUInt64LittleEndian(data[i..]));
        }
        return ~Bytes(crc, data[i..]);
    }

    /// <summary>The table-driven CRC alone (what machines without the instruction run; tests compare the two).</summary>
    internal static uint ComputeWithTable(ReadOnlySpan<byte> data) => ~Bytes(0xFFFFFFFFu, data);

    private static uint Bytes(uint crc, ReadOnlySpan<byte> data)
    {
        foreach (var b in data) crc = Table[(crc ^ b) & 0xFF] ^ (crc >> 8);
        return crc;
    }

    /// <summary>
    /// TFRecord's masked CRC: the CRC rotated right by 15 bits plus a constant, so that a CRC stored inside the
    /// data it covers does not checksum to a fixed value.
    /// </summary>
    public static uint Masked(ReadOnlySpan<byte> data)
    {
        uint crc = Compute(data);
        return ((crc >> 15) | (crc << 17)) + 0xA282EAD8u;
    }
}
