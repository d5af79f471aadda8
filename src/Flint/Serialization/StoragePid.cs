using System.Text;

namespace Flint.Serialization;

/// <summary>A parsed persistent id: ('storage', torch.FloatStorage, key, location, numel[, view_metadata]).</summary>
internal readonly record struct StoragePid(DType DType, string Key, string Location, long Numel, object? ViewMetadata)
{
    public static StoragePid Parse(object?[] pid, string what)
    {
        if (pid.Length < 5) throw new InvalidDataException($"{what} is corrupt: a storage persistent id has {pid.Length} fields, expected 5");
        if (pid[1] is not PyGlobal { Kind: GlobalKind.StorageType } type)
            throw new InvalidDataException($"Weights only load failed: persistent id names {Unpickler.TypeName(pid[1])}, which is not a storage type Flint supports (in {what})");
        string key = pid[2] switch
        {
            string s => s,
            byte[] b => Encoding.ASCII.GetString(b),
            long l => l.ToString(System.Globalization.CultureInfo.InvariantCulture),
            _ => throw new InvalidDataException($"{what} is corrupt: storage key is a {Unpickler.TypeName(pid[2])}"),
        };
        string location = pid[3] as string ?? (pid[3] is byte[] lb ? Encoding.ASCII.GetString(lb) : "cpu");
        if (pid[4] is not long numel || numel < 0) throw new InvalidDataException($"{what} is corrupt: storage {key} has an invalid size");
        if (numel > int.MaxValue) throw new InvalidDataException($"storage {key} has {numel} elements, more than Flint supports in one storage");
        StorageTypes.CheckByteSize(numel, type.DType, what);
        return new StoragePid(type.DType, key, location, numel, pid.Length > 5 ? pid[5] : null);
    }
}
