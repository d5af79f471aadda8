namespace Flint.Tests.Serialization;

/// <summary>Truncated, corrupt or incomplete checkpoints fail with an InvalidDataException that says what is wrong.</summary>
public class CorruptFileTests
{
    private static byte[] Fixture(string file) => File.ReadAllBytes(CheckpointExpect.PathOf(file));

    private static string Fails(byte[] data)
        => Assert.ThrowsAny<InvalidDataException>(() => ZipHelper.LoadBytes(data)).Message;

    [Theory]
    [InlineData("checkpoint.pt")]
    [InlineData("legacy_checkpoint.pt")]
    [InlineData("dtypes.pt")]
    public void TruncatedAnywhereIsAClearError(string file)
    {
        var full = Fixture(file);
        // Cut inside the header, the pickle, the storages, the central directory, and one byte short of the end.
        foreach (int cut in new[] { 1, 3, 10, 40, 100, 300, full.Length / 3, full.Length / 2, full.Length - 200, full.Length - 23, full.Length - 1 })
        {
            if (cut <= 0 || cut >= full.Length) continue;
            var msg = Fails(full[..cut]);
            Assert.False(string.IsNullOrWhiteSpace(msg));
            Assert.True(msg.Contains("truncated", StringComparison.OrdinalIgnoreCase) || msg.Contains("central directory") || msg.Contains("corrupt")
                        || msg.Contains("magic") || msg.Contains("invalid load key") || msg.Contains("EOF"),
                $"cut at {cut} of {file}: unhelpful message: {msg}");
        }
    }

    [Fact]
    public void TruncatedLegacyFileSaysTruncated()
    {
        var full = Fixture("legacy_checkpoint.pt");
        foreach (int cut in new[] { 200, 1000, full.Length - 10 })
            Assert.Contains("truncated", Fails(full[..cut]));
    }

    [Fact]
    public void TruncatedZipSaysCentralDirectory()
    {
        var full = Fixture("checkpoint.pt");
        Assert.Contains("failed finding central directory", Fails(full[..(full.Length / 2)]));
    }

    [Fact]
    public void EmptyFile() => Assert.Contains("empty", Fails([]));

    [Fact]
    public void NotACheckpoint()
    {
        Assert.Contains("invalid load key, 'h'", Fails("hello world"u8.ToArray()));
        // A pickle that is not a torch file: the legacy magic number is missing.
        Assert.Contains("Invalid magic number", Fails([0x80, 2, (byte)'K', 1, (byte)'.']));
    }

    [Fact]
    public void MissingStorageRecordIsNamed()
    {
        var records = ZipHelper.Records(Fixture("sequential_state_dict.pt"));
        var storage = records.First(r => r.Name.Contains("/data/"));
        var without = records.Where(r => r.Name != storage.Name).ToArray();
        var msg = Fails(ZipHelper.Make(without));
        Assert.Contains("missing record '" + storage.Name + "'", msg);
    }

    [Fact]
    public void MissingDataPklIsNamed()
    {
        var records = ZipHelper.Records(Fixture("views.pt"));
        var msg = Fails(ZipHelper.Make(records.Where(r => !r.Name.EndsWith("data.pkl")).ToArray()));
        Assert.Contains("data.pkl", msg);
    }

    [Fact]
    public void StorageRecordOfTheWrongSize()
    {
        var records = ZipHelper.Records(Fixture("views.pt"));
        int i = records.FindIndex(r => r.Name.EndsWith("/data/0"));
        records[i] = (records[i].Name, records[i].Data[..^4]);
        Assert.Contains("needs", Fails(ZipHelper.Make(records.ToArray())));
    }

    [Fact]
    public void FlippedByteInStorageFailsTheCrc()
    {
        var data = Fixture("views.pt");
        // Find the first storage's bytes (the float 1.0 of arange(24) at element 1: 00 00 80 3f) and corrupt one.
        var pattern = new byte[] { 0, 0, 0x80, 0x3f };
        int at = data.AsSpan().IndexOf(pattern);
        Assert.True(at > 0);
        data[at + 3] ^= 0x40;
        Assert.Contains("CRC-32 mismatch", Fails(data));
    }

    [Fact]
    public void CorruptPickleOpcode()
    {
        var records = ZipHelper.Records(Fixture("views.pt"));
        int i = records.FindIndex(r => r.Name.EndsWith("data.pkl"));
        var original = records[i].Data;
        var pkl = original.ToArray();
        pkl[2] = 0xff;   // after PROTO 2: not an opcode
        records[i] = (records[i].Name, pkl);
        Assert.Contains("invalid load key", Fails(ZipHelper.Make(records.ToArray())));
        // And a pickle cut short inside the zip (no STOP).
        records[i] = (records[i].Name, original[..40]);
        Assert.Contains("truncated", Fails(ZipHelper.Make(records.ToArray())));
    }

    /// <summary>_rebuild_tensor_v2(FloatStorage of numel elements, offset, (size,), (1,)) in a zip with an 8-byte data/0.</summary>
    private static byte[] OneTensor(string numelOp, int offset, int size)
    {
        var pkl = new List<byte> { 0x80, 2 };
        void S(string s) => pkl.AddRange(System.Text.Encoding.Latin1.GetBytes(s));
        void Str(string s) { pkl.Add((byte)'X'); pkl.AddRange(BitConverter.GetBytes(s.Length)); S(s); }
        S("ctorch._utils\n_rebuild_tensor_v2\n(("); Str("storage"); S("ctorch\nFloatStorage\n"); Str("0"); Str("cpu");
        S(numelOp + "tQK" + (char)offset + "K" + (char)size + "\u0085K\u0001\u0085\u0089ccollections\nOrderedDict\n)RtR.");
        return ZipHelper.WithPickle(pkl.ToArray(), ("archive/data/0", new byte[8]));
    }

    [Fact]
    public void TensorReachingPastItsStorageIsRefused()
        => Assert.Contains("needs 5 elements, but its storage has 2", Fails(OneTensor("K\u0002", 1, 4)));

    [Fact]
    public void HugeStorageClaimsAreCheckedBeforeAllocating()
    {
        // 2^28 floats (1 GiB) claimed, 8 bytes present: refused from the record size, nothing allocated.
        Assert.Contains("needs 268435456 elements", Fails(OneTensor("J\0\0\0\u0010", 0, 2)));
        // 2^30 floats (4 GiB) is beyond what Flint handles in one storage: a clear NotSupportedException.
        var e = Assert.Throws<NotSupportedException>(() => ZipHelper.LoadBytes(OneTensor("J\0\0\0\u0040", 0, 2)));
        Assert.Contains("2 GiB", e.Message);
    }
}

/// <summary>Valid variations of the container that other writers produce.</summary>
public class ContainerVariantTests
{
    [Fact]
    public void DeflatedRecordsLoad()
    {
        // A checkpoint re-zipped by a generic tool compresses its records; PyTorch's reader inflates them too.
        var records = ZipHelper.Records(File.ReadAllBytes(CheckpointExpect.PathOf("checkpoint.pt")));
        var ms = new MemoryStream();
        using (var z = new System.IO.Compression.ZipArchive(ms, System.IO.Compression.ZipArchiveMode.Create, leaveOpen: true))
            foreach (var (name, data) in records)
                using (var s = z.CreateEntry(name, System.IO.Compression.CompressionLevel.Optimal).Open()) s.Write(data);
        CheckpointExpect.Matches("checkpoint", ZipHelper.LoadBytes(ms.ToArray()));
    }

    [Fact]
    public void BigEndianFilesAreSwapped()
    {
        // PyTorch ≥ 2.0 on a big-endian machine writes byteorder "big" and big-endian storages.
        var records = ZipHelper.Records(File.ReadAllBytes(CheckpointExpect.PathOf("dtypes.pt")));
        var swapped = new List<(string, byte[])>();
        var pkl = records.First(r => r.Name.EndsWith("data.pkl"));
        // The element size of each storage comes from the loaded tensors.
        var loaded = (Flint.Serialization.OrderedDict)ZipHelper.LoadBytes(ZipHelper.Make(records.ToArray()))!;
        foreach (var (name, data) in records)
        {
            if (!name.Contains("/data/")) { swapped.Add((name, data)); continue; }
            int elem = ElementSizeOf(loaded, data.Length, name);
            var copy = data.ToArray();
            for (int i = 0; i + elem <= copy.Length; i += elem) Array.Reverse(copy, i, elem);
            swapped.Add((name, copy));
        }
        swapped.Add((pkl.Name.Replace("data.pkl", "byteorder"), "big"u8.ToArray()));
        CheckpointExpect.Matches("dtypes", ZipHelper.LoadBytes(ZipHelper.Make(swapped.ToArray())));
    }

    private static int ElementSizeOf(Flint.Serialization.OrderedDict d, int bytes, string record)
    {
        // Storages and tensors pair up one to one in this fixture; match by storage identity through the key order.
        string key = record[(record.LastIndexOf('/') + 1)..];
        int index = int.Parse(key);
        var storages = new List<Storage>();
        foreach (var (_, v) in d)
            if (v is Tensor t && !storages.Any(s => ReferenceEquals(s, t.Storage))) storages.Add(t.Storage);
        var st = storages[index];
        Assert.Equal(bytes, st.ByteLength);
        return st.DType.ElementSize();
    }

    [Fact]
    public void BoolBytesOtherThanOneReadAsTrue()
    {
        var t = Torch.Tensor(new[] { true, false, true });
        var ms = new MemoryStream();
        Torch.Save(t, ms);
        var records = ZipHelper.Records(ms.ToArray());
        int i = records.FindIndex(r => r.Name.EndsWith("/data/0"));
        records[i] = (records[i].Name, new byte[] { 7, 0, 255 });
        var back = (Tensor)ZipHelper.LoadBytes(ZipHelper.Make(records.ToArray()))!;
        Assert.Equal(new[] { true, false, true }, back.ToArray<bool>());
        Assert.Equal(new byte[] { 1, 0, 1 }, back.Storage.AsBytes().ToArray());
    }
}
