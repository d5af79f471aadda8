using Flint.Serialization;

namespace Flint.Tests.Serialization;

/// <summary>Builds zip checkpoints by hand (to craft broken or hostile ones) and edits existing ones.</summary>
internal static class ZipHelper
{
    public static byte[] Make(params (string Name, byte[] Data)[] records)
    {
        var ms = new MemoryStream();
        var w = new ZipWriter(ms);
        foreach (var (name, data) in records) w.WriteRecord(name, data);
        w.Finish();
        return ms.ToArray();
    }

    /// <summary>A checkpoint whose data.pkl is the given pickle (plus a version record).</summary>
    public static byte[] WithPickle(byte[] pkl, params (string Name, byte[] Data)[] more)
        => Make([("archive/data.pkl", pkl), .. more, ("archive/version", "3\n"u8.ToArray())]);

    /// <summary>The records of a zip file, in order.</summary>
    public static List<(string Name, byte[] Data)> Records(byte[] zip)
    {
        var r = new ZipReader(new MemoryStream(zip), "test");
        return r.Entries.Select(e => (e.Name, r.ReadAll(e))).ToList();
    }

    public static object? LoadBytes(byte[] data) => Torch.Load(new MemoryStream(data));
}
