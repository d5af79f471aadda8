using System.Numerics;

namespace Flint.Serialization;

/// <summary>
/// The pre-1.6 format (torch.save(..., _use_new_zipfile_serialization=False)): five things in a row — the pickled
/// magic number, the protocol version 1001, a sys_info dict, the object pickle (persistent ids
/// ('storage', type, key, location, numel, view_metadata)), the list of storage keys — then each storage's raw
/// bytes prefixed by its int64 element count.
/// </summary>
internal static class TorchLegacyFormat
{
    private static readonly BigInteger Magic = BigInteger.Parse("119547037146038801333356");   // 0x1950a86a20f9469cfc6c
    private const long ProtocolVersion = 1001;

    /// <summary>True when the first bytes are PROTO 2, LONG1 of 10 bytes: the pickled magic number.</summary>
    public static bool LooksLegacy(ReadOnlySpan<byte> head) => head.Length >= 4 && head[0] == 0x80 && head[2] == 0x8a && head[3] == 10;

    public static object? Load(Stream stream, string what)
    {
        var r = new ByteReader(stream, what);
        var magic = new Unpickler(r, null, what).Load();
        if (!(magic is BigInteger m && m == Magic)) throw new InvalidDataException($"Invalid magic number; corrupt file? ({what})");
        var protocol = new Unpickler(r, null, what).Load();
        if (protocol is not long p || p != ProtocolVersion) throw new InvalidDataException($"Invalid protocol version: {protocol} ({what})");
        var sysInfo = new Unpickler(r, null, what).Load() as OrderedDict
            ?? throw new InvalidDataException($"{what} is corrupt: the sys_info record is not a dict");
        if (sysInfo.TryGetValue("little_endian", out var le) && le is false)
            throw new InvalidDataException($"{what} was written on a big-endian machine; Flint reads little-endian legacy files only");

        var roots = new Dictionary<string, Storage>();
        Storage LoadStorage(object?[] pidTuple)
        {
            var pid = StoragePid.Parse(pidTuple, what);
            if (!roots.TryGetValue(pid.Key, out var root))
            {
                // The storage bytes come after this pickle: allocate now, fill below.
                if (stream.CanSeek && pid.Numel * pid.DType.ElementSize() > stream.Length - r.Position)
                    throw r.Truncated();
                root = Storage.Allocate(pid.DType, (int)pid.Numel, zeroed: true);
                roots[pid.Key] = root;
            }
            else if (root.DType != pid.DType)
                throw new InvalidDataException($"{what} is corrupt: storage {pid.Key} is used as both {root.DType.Name()} and {pid.DType.Name()}");
            if (pid.ViewMetadata is object?[] { Length: 3 } view)
            {
                // Very old files stored views of storages: (view_key, offset, view_size).
                if (view[1] is not long off || view[2] is not long size) throw new InvalidDataException($"{what} is corrupt: bad storage view metadata");
                if (off > int.MaxValue || size > int.MaxValue) throw new InvalidDataException($"{what} is corrupt: storage view out of range");
                return StorageTypes.Slice(root, (int)off, (int)size);
            }
            if (pid.ViewMetadata is not null) throw new InvalidDataException($"{what} is corrupt: bad storage view metadata");
            return root;
        }
        var result = new Unpickler(r, LoadStorage, what).Load();

        var keys = new Unpickler(r, null, what).Load() as List<object?>
            ?? throw new InvalidDataException($"{what} is corrupt: the storage key list is missing");
        foreach (var k in keys)
        {
            if (k is not string key || !roots.TryGetValue(key, out var s))
                throw new InvalidDataException($"{what} is corrupt: storage key {k ?? "None"} in the key list was not referenced by the object");
            long numel = r.ReadInt64();
            if (numel != s.Length) throw new InvalidDataException($"{what} is corrupt: storage {key} has {numel} elements in the data section but {s.Length} in its persistent id");
            r.ReadExact(s.RawBytes());
            StorageTypes.NormalizeBools(s);
        }
        if (keys.Count != roots.Count)
            throw new InvalidDataException($"{what} is corrupt: {roots.Count - keys.Count} storages have no data section (missing data)");
        return result;
    }
}
