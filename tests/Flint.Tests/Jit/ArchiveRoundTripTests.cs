using System.Diagnostics;
using Flint.Jit;
using Flint.NN;
using Flint.Tests.Graphs;
using Flint.Tests.NN;

namespace Flint.Tests.Jit;

/// <summary>Torch.Jit.Save writes a TorchScript archive that Torch.Jit.Load runs without the C# model class.</summary>
[Collection("DefaultGenerator")]
public class ArchiveRoundTripTests
{
    public static IEnumerable<object[]> Models() => TraceTests.Models().Select(m => new[] { m[0], m[1], m[3] });

    private static byte[] Replace(byte[] zip, string name, byte[] data)
        => Flint.Tests.Serialization.ZipHelper.Make(Flint.Tests.Serialization.ZipHelper.Records(zip)
            .Select(r => r.Name == name ? (r.Name, data) : r).ToArray());

    private static string TempFile() => Path.Combine(Path.GetTempPath(), $"flint-jit-{Guid.NewGuid():N}.pt");

    [Theory]
    [MemberData(nameof(Models))]
    public void SavedTraceLoadsAndGivesTheSameOutputs(string id, Func<Module<Tensor, Tensor>> make, long[] shape)
    {
        Torch.ManualSeed(7);
        var model = make();
        model.Eval();
        var traced = Torch.Jit.Trace(model, Torch.Randn(shape));
        var path = TempFile();
        try
        {
            Torch.Jit.Save(traced, path);
            var loaded = Torch.Jit.Load(path);
            Assert.Equal(traced.Parameters().Count(), loaded.Parameters().Count());
            Assert.False(loaded.Training);
            var x = Torch.Randn(shape);
            using (Torch.NoGrad())
                Assert.True(loaded.Call(x).Equal(traced.Call(x)), $"{id}: loaded output differs");
            // the loaded module is trainable: gradients reach its own parameters
            loaded.Call(x).Square().Sum().Backward();
            Assert.All(loaded.Parameters(), p => Assert.NotNull(p.Grad));
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void TheArchiveHasPyTorchsRecords()
    {
        var m = new CustomModel();
        m.Eval();
        var traced = Torch.Jit.Trace(m, Torch.Randn(1, 4));
        using var ms = new MemoryStream();
        Torch.Jit.Save(traced, ms);
        var names = Flint.Tests.Serialization.ZipHelper.Records(ms.ToArray()).Select(r => r.Name).ToList();
        foreach (var expected in new[] { "archive/data.pkl", "archive/constants.pkl", "archive/version", "archive/byteorder",
                     "archive/code/__torch__.py", "archive/code/__torch__/torch/nn/modules/linear.py", "archive/data/0" })
            Assert.Contains(expected, names);
        var code = System.Text.Encoding.UTF8.GetString(
            Flint.Tests.Serialization.ZipHelper.Records(ms.ToArray()).First(r => r.Name == "archive/code/__torch__.py").Data);
        Assert.Contains("class CustomModel(Module):", code);
        Assert.Contains("hidden : __torch__.torch.nn.modules.linear.Linear", code);
        Assert.Contains("def forward(self,", code);
    }

    [Fact]
    public void DataRecordsAreAlignedTo64Bytes()
    {
        var traced = Torch.Jit.Trace(new Sequential(new Linear(3, 5), new ReLU(), new Linear(5, 2)), Torch.Randn(1, 3));
        using var ms = new MemoryStream();
        Torch.Jit.Save(traced, ms);
        var bytes = ms.ToArray();
        int count = 0;
        for (int off = 0; BitConverter.ToUInt32(bytes, off) == 0x04034b50; count++)
        {
            int size = BitConverter.ToInt32(bytes, off + 18);
            int data = off + 30 + BitConverter.ToUInt16(bytes, off + 26) + BitConverter.ToUInt16(bytes, off + 28);
            Assert.True(data % 64 == 0, $"record {count} starts at {data}");
            off = data + size;
        }
        Assert.True(count >= 8);
    }

    [Fact]
    public void SavingIsAtomic()
    {
        var path = TempFile();
        try
        {
            File.WriteAllText(path, "previous");
            var traced = Torch.Jit.Trace(new Sequential(new Linear(3, 5)), Torch.Randn(1, 3));
            traced.AddConstant("bad", Torch.Ones(2)); // a tensor constant attribute cannot be written: the save fails
            Assert.ThrowsAny<NotSupportedException>(() => Torch.Jit.Save(traced, path));
            Assert.Equal("previous", File.ReadAllText(path));
            Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(path)!, "." + Path.GetFileName(path) + ".*"));
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void ACheckpointIsNotAnArchive()
    {
        using var ms = new MemoryStream();
        Torch.Save(new CustomModel().StateDict(), ms);
        ms.Position = 0;
        Assert.Contains("not a TorchScript archive", Assert.Throws<InvalidDataException>(() => Torch.Jit.Load(ms)).Message);
    }

    /// <summary>
    /// Byte flips and truncations anywhere in an archive (Flint's and PyTorch's) end in a loaded module or an
    /// InvalidDataException, never another exception, a crash or a hang.
    /// </summary>
    [Theory]
    [InlineData("flint")]
    [InlineData("1.13")]
    [InlineData("2.6")]
    public void FuzzedArchivesFailCleanly(string source)
    {
        byte[] original;
        if (source == "flint")
        {
            var traced = Torch.Jit.Trace(new CustomModel(), Torch.Randn(1, 4), checkTrace: false);
            using var ms = new MemoryStream();
            Torch.Jit.Save(traced, ms);
            original = ms.ToArray();
        }
        else original = File.ReadAllBytes(PyTorchArchiveTests.FixturePath(source, "control_flow.script.pt"));
        var rng = new Random(1234);
        var clock = Stopwatch.StartNew();
        int failures = 0;
        for (int trial = 0; trial < 300; trial++)
        {
            var data = (byte[])original.Clone();
            if (trial % 3 == 0) data = data[..rng.Next(data.Length)];
            else for (int k = 0, n = 1 + rng.Next(4); k < n; k++) data[rng.Next(data.Length)] ^= (byte)(1 << rng.Next(8));
            try { Torch.Jit.Load(new MemoryStream(data)); }
            catch (InvalidDataException e) { Assert.False(string.IsNullOrWhiteSpace(e.Message)); failures++; }
        }
        Assert.True(failures > 50, $"only {failures} of 300 damaged archives were refused");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), "fuzzing took too long (a hang?)");
    }

    [Fact]
    public void CodeThatFlintCannotRunIsNamedWithItsLine()
    {
        var bytes = File.ReadAllBytes(PyTorchArchiveTests.FixturePath("1.13", "custom_model.trace.pt"));
        var records = Flint.Tests.Serialization.ZipHelper.Records(bytes);
        var code = records.First(r => r.Name.EndsWith("code/__torch__/torch/nn/modules/activation.py"));
        var text = System.Text.Encoding.UTF8.GetString(code.Data).Replace("torch.relu(", "torch.no_such_op(");
        var patched = Replace(bytes, code.Name, System.Text.Encoding.UTF8.GetBytes(text));
        var e = Assert.Throws<InvalidDataException>(() => Torch.Jit.Load(new MemoryStream(patched)));
        Assert.Contains("Unknown builtin op: aten::no_such_op", e.Message);
        Assert.Contains("code/__torch__/torch/nn/modules/activation.py, line 8", e.Message);
    }

    [Fact]
    public void UnsupportedConstructsAreNamed()
    {
        var bytes = File.ReadAllBytes(PyTorchArchiveTests.FixturePath("1.13", "custom_model.trace.pt"));
        var records = Flint.Tests.Serialization.ZipHelper.Records(bytes);
        var code = records.First(r => r.Name.EndsWith("code/__torch__/torch/nn/modules/activation.py"));
        var text = System.Text.Encoding.UTF8.GetString(code.Data).Replace("return torch.relu(argument_1)", "return [y for y in argument_1]");
        var patched = Replace(bytes, code.Name, System.Text.Encoding.UTF8.GetBytes(text));
        var e = Assert.Throws<InvalidDataException>(() => Torch.Jit.Load(new MemoryStream(patched)));
        Assert.Contains("list comprehension", e.Message);
        Assert.Contains("line 8", e.Message);
    }
}
