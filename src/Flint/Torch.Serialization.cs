using Flint.Serialization;

namespace Flint;

public static partial class Torch
{
    /// <summary>
    /// torch.save: writes <paramref name="obj"/> (a tensor, a state dict, or dictionaries / lists / tuples of them
    /// with numbers, strings, bools and null — e.g. <c>{epoch, state_dict, opt}</c>) in PyTorch's zip format, which
    /// torch.load reads. Tensors sharing a storage are written as one storage record and come back sharing it.
    /// The save is atomic: the file is written beside the target and renamed over it only when complete, so a
    /// failure leaves the previous file intact.
    /// </summary>
    public static void Save(object? obj, string path)
        => AtomicFile.Write(path, s => TorchZipFormat.Save(obj, s));

    /// <summary>torch.save to a stream (written from its current position).</summary>
    public static void Save(object? obj, Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        TorchZipFormat.Save(obj, stream);
    }

    /// <summary>
    /// torch.load with weights_only semantics: reads PyTorch's zip format and the legacy pre-1.6 format and returns
    /// plain objects — <see cref="Flint.Tensor"/>, <see cref="OrderedDict"/> (dicts and OrderedDicts, integer keys as
    /// long), <c>List&lt;object?&gt;</c>, tuples as <c>object?[]</c>, long, double, bool, string, byte[], null.
    /// Only the pickle globals tensors and containers need are accepted; anything else throws
    /// <see cref="InvalidDataException"/> naming it, and nothing in the file is run. Corrupt or truncated files throw
    /// <see cref="InvalidDataException"/> saying what is wrong.
    /// </summary>
    public static object? Load(string path)
    {
        using var fs = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        return LoadSeekable(fs, $"'{path}'");
    }

    /// <summary>torch.load from a stream (read from its current position; a non-seekable stream is buffered).</summary>
    public static object? Load(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (stream.CanSeek && stream.Position == 0) return LoadSeekable(stream, "the stream");
        var ms = new MemoryStream();
        stream.CopyTo(ms);
        ms.Position = 0;
        return LoadSeekable(ms, "the stream");
    }

    /// <summary>Torch.Load, cast: <c>var sd = Torch.Load&lt;OrderedDict&gt;(path)</c>.</summary>
    public static T Load<T>(string path)
    {
        var obj = Load(path);
        return obj is T t ? t : throw new InvalidCastException($"'{path}' holds a {Unpickler.TypeName(obj)}, not a {typeof(T).Name}");
    }

    private static object? LoadSeekable(Stream s, string what)
    {
        Span<byte> head = stackalloc byte[4];
        int n = s.ReadAtLeast(head, 4, throwOnEndOfStream: false);
        s.Position = 0;
        if (n == 0) throw new InvalidDataException($"EOF: {what} is empty (Ran out of input)");
        if (n >= 2 && head[0] == (byte)'P' && head[1] == (byte)'K') return TorchZipFormat.Load(s, what);
        if (TorchLegacyFormat.LooksLegacy(head[..n])) return TorchLegacyFormat.Load(s, what);
        if (n >= 1 && head[0] == 0x80) throw new InvalidDataException($"Invalid magic number; corrupt file? ({what} is a pickle but not a PyTorch checkpoint)");
        throw new InvalidDataException($"invalid load key, '{(head[0] >= 32 && head[0] < 127 ? ((char)head[0]).ToString() : "\\x" + head[0].ToString("x2"))}': {what} is neither a PyTorch zip checkpoint nor a legacy one");
    }
}
