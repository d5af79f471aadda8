using Flint.Serialization;

namespace Flint.Tests.Serialization;

/// <summary>
/// Seeded mutation fuzzing of the loaders over the committed checkpoint fixtures: byte flips, truncations at many
/// offsets, pickle opcode swaps and text-opcode garbage (inside a rebuilt zip, so the CRC still matches and the
/// unpickler sees them), resized and dropped records, and broken safetensors headers. Every variant either loads or
/// fails with an InvalidDataException; any other exception is a bug in a loader. Deterministic (fixed seeds).
/// </summary>
public class LoaderFuzzTests
{
    private static readonly string[] ZipFixtures =
        ["checkpoint.pt", "dtypes.pt", "views.pt", "sequential_state_dict.pt", "adam_state_dict.pt", "parameter.pt",
         "pytorch2_style.pt"];

    /// <summary>Pickle opcodes, including the text (protocol 0) ones whose arguments are decimal lines.</summary>
    private static readonly byte[] Opcodes =
        "(.0125NIJKLFGXVTUBC)t]l}dsuaeghjpqrcRbQ"u8.ToArray()
            .Concat(new byte[] { 0x80, 0x85, 0x86, 0x87, 0x88, 0x89, 0x8a, 0x8b, 0x8c, 0x8d, 0x8e, 0x8f, 0x90, 0x91, 0x93, 0x94, 0x95, 0x96 })
            .ToArray();

    private static byte[] Fixture(string file) => File.ReadAllBytes(CheckpointExpect.PathOf(file));

    private sealed class Failures
    {
        public readonly List<string> List = new();
        public int Loaded, Rejected;

        public void Check(string what, Func<object?> load)
        {
            try { load(); Loaded++; }
            catch (InvalidDataException) { Rejected++; }
            catch (Exception e) { if (List.Count < 20) List.Add($"{what}: {e.GetType().Name}: {e.Message}"); }
        }

        public void AssertNone(int atLeast)
        {
            Assert.True(List.Count == 0, "untyped exceptions:\n" + string.Join("\n", List));
            Assert.True(Loaded + Rejected >= atLeast, $"only {Loaded + Rejected} variants ran");
        }
    }

    private static object? LoadPt(byte[] b) => ZipHelper.LoadBytes(b);

    private static byte[] Flip(Random rng, byte[] src, int count)
    {
        var b = (byte[])src.Clone();
        for (int i = 0; i < count; i++) b[rng.Next(b.Length)] ^= (byte)(1 << rng.Next(8));
        return b;
    }

    [Fact]
    public void RawByteFlipsAndTruncationsOfEveryCheckpointLoadOrThrowInvalidData()
    {
        var f = new Failures();
        var rng = new Random(1234);
        foreach (var file in ZipFixtures.Append("legacy_checkpoint.pt"))
        {
            var full = Fixture(file);
            for (int i = 0; i < 150; i++) { var b = Flip(rng, full, 1 + rng.Next(3)); f.Check($"{file} flips #{i}", () => LoadPt(b)); }
            for (int cut = 1; cut < full.Length; cut += Math.Max(1, full.Length / 60))
            {
                var b = full[..cut];
                f.Check($"{file} cut at {cut}", () => LoadPt(b));
            }
        }
        f.AssertNone(1500);
    }

    [Fact]
    public void MutatedPicklesAndRecordsInsideValidZipsLoadOrThrowInvalidData()
    {
        var f = new Failures();
        var rng = new Random(99);
        foreach (var file in ZipFixtures)
        {
            var records = ZipHelper.Records(Fixture(file));
            int pklIndex = records.FindIndex(r => r.Name.EndsWith("data.pkl"));
            var pkl = records[pklIndex].Data;
            byte[] With(int index, byte[] data)
            {
                var rs = records.ToArray();
                rs[index] = (rs[index].Name, data);
                return ZipHelper.Make(rs);
            }
            for (int i = 0; i < 80; i++)
            {
                var p = (byte[])pkl.Clone();
                p[rng.Next(p.Length)] = Opcodes[rng.Next(Opcodes.Length)];   // opcode swap
                var z = With(pklIndex, p);
                f.Check($"{file} opcode swap #{i}", () => LoadPt(z));
            }
            for (int i = 0; i < 60; i++)
            {
                var z = With(pklIndex, Flip(rng, pkl, 1 + rng.Next(2)));
                f.Check($"{file} pickle flips #{i}", () => LoadPt(z));
            }
            for (int i = 0; i < 40; i++)
            {
                // a text opcode with a malformed decimal argument spliced in somewhere
                var op = "ILFgp"[rng.Next(5)];
                var arg = new[] { "12x", "", "-", "1.5.5", "0x10", "nan", "inf", "99999999999999999999999", " 7", "1e400" }[rng.Next(10)];
                int at = rng.Next(pkl.Length);
                var p = pkl[..at].Concat(System.Text.Encoding.ASCII.GetBytes($"{op}{arg}\n")).Concat(pkl[at..]).ToArray();
                var z = With(pklIndex, p);
                f.Check($"{file} text opcode {op}{arg} at {at}", () => LoadPt(z));
            }
            for (int cut = 0; cut < pkl.Length; cut += Math.Max(1, pkl.Length / 30))
            {
                var z = With(pklIndex, pkl[..cut]);
                f.Check($"{file} pickle cut at {cut}", () => LoadPt(z));
            }
            for (int r = 0; r < records.Count; r++)
            {
                if (r == pklIndex) continue;
                var data = records[r].Data;
                foreach (int delta in new[] { -8, -1, 1, 4, 4096 })
                {
                    var resized = delta < 0 ? data[..Math.Max(0, data.Length + delta)] : data.Concat(new byte[delta]).ToArray();
                    var z = With(r, resized);
                    f.Check($"{file} record {records[r].Name} resized by {delta}", () => LoadPt(z));
                }
                var dropped = ZipHelper.Make(records.Where((_, i) => i != r).ToArray());
                f.Check($"{file} record {records[r].Name} dropped", () => LoadPt(dropped));
            }
        }
        f.AssertNone(1000);
    }

    [Fact]
    public void MutatedSafetensorsLoadOrThrowInvalidData()
    {
        var f = new Failures();
        var rng = new Random(7);
        var full = Fixture("tensors.safetensors");
        long headerLen = BitConverter.ToInt64(full, 0);
        object? Load(byte[] b) => SafeTensors.Load(new MemoryStream(b));
        for (int i = 0; i < 300; i++)
        {
            var b = (byte[])full.Clone();
            int at = 8 + rng.Next((int)headerLen);
            b[at] = rng.Next(4) == 0 ? (byte)(0x80 + rng.Next(0x80)) : (byte)rng.Next(256); // high bytes: invalid UTF-8
            f.Check($"header byte {at} = 0x{b[at]:x2}", () => Load(b));
        }
        for (int i = 0; i < 200; i++) { var b = Flip(rng, full, 1 + rng.Next(3)); f.Check($"flips #{i}", () => Load(b)); }
        for (int cut = 0; cut < full.Length; cut += 5) { var b = full[..cut]; f.Check($"cut at {cut}", () => Load(b)); }
        foreach (long len in new[] { 0L, 1, 7, headerLen - 1, headerLen + 1, full.Length, long.MaxValue, -1 })
        {
            var b = (byte[])full.Clone();
            BitConverter.TryWriteBytes(b.AsSpan(0, 8), len);
            f.Check($"header length {len}", () => Load(b));
        }
        f.AssertNone(600);
    }

    [Theory]
    [InlineData("I12x\n.", "INT")]
    [InlineData("L1.5L\n.", "LONG")]
    [InlineData("F1.5.5\n.", "FLOAT")]
    [InlineData("N p-3x\n.", "PUT")]
    [InlineData("g\n.", "GET")]
    public void TextOpcodesWithBadNumbersAreInvalidData(string pickle, string opcode)
    {
        var pkl = System.Text.Encoding.ASCII.GetBytes(pickle.Replace(" ", ""));
        var e = Assert.Throws<InvalidDataException>(() => LoadPt(ZipHelper.WithPickle(pkl)));
        Assert.Contains(opcode, e.Message);
    }

    [Theory]
    [InlineData("F1.5\n.", 1.5)]
    [InlineData("Finf\n.", double.PositiveInfinity)]
    [InlineData("F-inf\n.", double.NegativeInfinity)]
    [InlineData("F1e-3\n.", 1e-3)]
    public void TextFloatsReadAsPythonWritesThem(string pickle, double value)
        => Assert.Equal(value, LoadPt(ZipHelper.WithPickle(System.Text.Encoding.ASCII.GetBytes(pickle))));

    [Fact]
    public void SafetensorsHeaderThatIsNotUtf8IsInvalidData()
    {
        var full = Fixture("tensors.safetensors");
        int name = Array.IndexOf(full, (byte)'"', 8) + 1; // the first character of the first key
        full[name] = 0xff;
        var e = Assert.Throws<InvalidDataException>(() => SafeTensors.Load(new MemoryStream(full)));
        Assert.Contains("UTF-8", e.Message);
    }
}

/// <summary>Zip archives with zip64 end records (written by Python's zipfile, tools/fixtures/gen_zip64.py).</summary>
public class Zip64Tests
{
    private static byte[] Zip64() => File.ReadAllBytes(CheckpointExpect.PathOf("zip64.pt"));

    private static int EndRecord(byte[] b)
    {
        for (int i = b.Length - 22; i >= 0; i--)
            if (BitConverter.ToUInt32(b, i) == 0x06054b50) return i;
        throw new InvalidOperationException("no end record");
    }

    [Fact]
    public void ZipWithZip64EndRecordsLoads() => CheckpointExpect.Matches("zip64", ZipHelper.LoadBytes(Zip64()));

    [Fact]
    public void TheZip64EndRecordIsWhatLocatesTheDirectory()
    {
        // Spoil the classic end record's count, size and offset (without the 0xFFFF markers): the zip64 record,
        // which PyTorch's reader also prefers, still locates the central directory.
        var b = Zip64();
        int end = EndRecord(b);
        BitConverter.TryWriteBytes(b.AsSpan(end + 10, 2), (ushort)1);
        BitConverter.TryWriteBytes(b.AsSpan(end + 12, 4), 5u);
        BitConverter.TryWriteBytes(b.AsSpan(end + 16, 4), 3u);
        CheckpointExpect.Matches("zip64", ZipHelper.LoadBytes(b));
    }

    [Fact]
    public void ACorruptZip64EndRecordIsInvalidData()
    {
        var b = Zip64();
        int end = EndRecord(b);
        long z64 = BitConverter.ToInt64(b, end - 20 + 8);
        b[z64] ^= 0xff; // its signature
        Assert.Contains("zip64", Assert.Throws<InvalidDataException>(() => ZipHelper.LoadBytes(b)).Message);
        b = Zip64();
        BitConverter.TryWriteBytes(b.AsSpan(end - 20 + 8, 8), (long)b.Length * 4); // the locator points past the end
        Assert.Contains("zip64", Assert.Throws<InvalidDataException>(() => ZipHelper.LoadBytes(b)).Message);
    }
}
