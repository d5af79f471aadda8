using System.Text;

namespace Flint.Serialization;

/// <summary>
/// torch.save's default format (PyTorch ≥ 1.6): a zip archive holding <c>archive/data.pkl</c> (the pickled object),
/// one <c>archive/data/&lt;key&gt;</c> record of raw little-endian bytes per storage, <c>archive/byteorder</c> and
/// <c>archive/version</c>.
/// </summary>
internal static class TorchZipFormat
{
    /// <summary>The format version PyTorch writes (and 1.13 reads).</summary>
    private const string Version = "3\n";

    public static void Save(object? obj, Stream stream, string archiveName = "archive")
    {
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("Torch.Save needs a little-endian machine");
        var pickler = new Pickler();
        byte[] pkl = pickler.Dump(obj);
        var zip = new ZipWriter(stream);
        zip.WriteRecord(archiveName + "/data.pkl", pkl);
        zip.WriteRecord(archiveName + "/byteorder", "little"u8);
        foreach (var (key, storage) in pickler.Storages)
            zip.WriteRecord(archiveName + "/data/" + key, storage.RawBytes());
        zip.WriteRecord(archiveName + "/version", Encoding.ASCII.GetBytes(Version));
        zip.Finish();
    }

    public static object? Load(Stream seekable, string what)
    {
        var zip = new ZipReader(seekable, what);
        // Like PyTorch, the archive's folder name is whatever prefix the first record has.
        string first = zip.Entries[0].Name;
        int slash = first.IndexOf('/');
        if (slash < 0) throw new InvalidDataException($"PytorchStreamReader failed locating file data.pkl: the archive's records are not inside a folder ({what})");
        string prefix = first[..(slash + 1)];
        var pklEntry = zip.Find(prefix + "data.pkl")
            ?? throw new InvalidDataException($"PytorchStreamReader failed locating file data.pkl: file not found (missing record '{prefix}data.pkl' in {what})");
        bool bigEndian = false;
        if (zip.Find(prefix + "byteorder") is { } bo)
        {
            string order = Encoding.ASCII.GetString(zip.ReadAll(bo)).Trim();
            if (order is not ("little" or "big")) throw new InvalidDataException($"{what} is corrupt: unknown byteorder '{order}'");
            bigEndian = order == "big";
        }
        var storages = new Dictionary<string, Storage>();
        Storage LoadStorage(object?[] pidTuple)
        {
            var pid = StoragePid.Parse(pidTuple, what);
            if (storages.TryGetValue(pid.Key, out var s))
            {
                if (s.DType != pid.DType) throw new InvalidDataException($"{what} is corrupt: storage {pid.Key} is used as both {s.DType.Name()} and {pid.DType.Name()}");
                return s;
            }
            string record = prefix + "data/" + pid.Key;
            var entry = zip.Find(record)
                ?? throw new InvalidDataException($"PytorchStreamReader failed locating file data/{pid.Key}: file not found (missing record '{record}' for storage {pid.Key} in {what})");
            long nbytes = pid.Numel * pid.DType.ElementSize();
            if (entry.Size != nbytes)
                throw new InvalidDataException($"{what} is corrupt: record '{record}' has {entry.Size} bytes, but storage {pid.Key} needs {pid.Numel} elements of {pid.DType.Name()} ({nbytes} bytes)");
            zip.CheckFits(entry);
            s = Storage.Allocate(pid.DType, (int)pid.Numel);
            zip.Read(entry, s.RawBytes());
            if (bigEndian) StorageTypes.SwapBytes(s.RawBytes(), pid.DType.ElementSize());
            StorageTypes.NormalizeBools(s);
            storages[pid.Key] = s;
            return s;
        }
        var pkl = zip.ReadAll(pklEntry);
        return new Unpickler(new ByteReader(pkl, $"{prefix}data.pkl of {what}"), LoadStorage, what).Load();
    }
}
