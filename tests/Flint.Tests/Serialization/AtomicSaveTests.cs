using System.Collections;
using Flint.Serialization;

namespace Flint.Tests.Serialization;

/// <summary>A save that fails part-way leaves the previous file byte-identical and no temporary file behind.</summary>
public sealed class AtomicSaveTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("flint-atomic-").FullName;
    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string[] Files() => Directory.GetFiles(_dir).Select(Path.GetFileName).ToArray()!;

    /// <summary>A list whose enumeration blows up after its first item: the pickler fails mid-object.</summary>
    private sealed class Exploding : ArrayList
    {
        public Exploding() { Add(1); Add(2); }
        public override IEnumerator GetEnumerator() { yield return this[0]; throw new IOException("simulated failure while serializing"); }
    }

    [Fact]
    public void FailureWhileSerializingKeepsTheOldFile()
    {
        string path = Path.Combine(_dir, "model.pt");
        Torch.Save(RoundTripTests.SeedCheckpoint(), path);
        var before = File.ReadAllBytes(path);
        var bad = new Dictionary<string, object?> { ["weights"] = Torch.Ones(1000), ["broken"] = new Exploding() };
        var e = Assert.Throws<IOException>(() => Torch.Save(bad, path));
        Assert.Contains("simulated failure", e.Message);
        Assert.Equal(before, File.ReadAllBytes(path));
        Assert.Equal(new[] { "model.pt" }, Files());
        // Also an object the pickler refuses.
        Assert.Throws<ArgumentException>(() => Torch.Save(new List<object?> { Torch.Ones(3), new Uri("http://x") }, path));
        Assert.Equal(before, File.ReadAllBytes(path));
        Assert.Equal(new[] { "model.pt" }, Files());
        CheckpointLoads(path);
    }

    [Fact]
    public void FailureWhileWritingBytesKeepsTheOldFile()
    {
        string path = Path.Combine(_dir, "ckpt.pt");
        Torch.Save(RoundTripTests.SeedCheckpoint(), path);
        var before = File.ReadAllBytes(path);
        // A crash after half the new bytes reached the disk.
        Assert.Throws<IOException>(() => AtomicFile.Write(path, s =>
        {
            s.Write(new byte[before.Length / 2]);
            s.Flush();
            throw new IOException("simulated crash mid-write");
        }));
        Assert.Equal(before, File.ReadAllBytes(path));
        Assert.Equal(new[] { "ckpt.pt" }, Files());
    }

    [Fact]
    public void SuccessfulSaveReplacesTheFile()
    {
        string path = Path.Combine(_dir, "m.pt");
        Torch.Save(Torch.Ones(2), path);
        Torch.Save(Torch.Zeros(3), path);
        Assert.Equal(new float[] { 0, 0, 0 }, Torch.Load<Tensor>(path).ToArray<float>());
        Assert.Equal(new[] { "m.pt" }, Files());
    }

    [Fact]
    public void SafeTensorsSaveIsAtomicToo()
    {
        string path = Path.Combine(_dir, "w.safetensors");
        SafeTensors.Save(new Dictionary<string, Tensor> { ["a"] = Torch.Ones(4) }, path);
        var before = File.ReadAllBytes(path);
        Assert.Throws<ArgumentException>(() => SafeTensors.Save(new Dictionary<string, Tensor> { ["b"] = Torch.Ones(4), ["__metadata__"] = Torch.Ones(1) }, path));
        Assert.Equal(before, File.ReadAllBytes(path));
        Assert.Equal(new[] { "w.safetensors" }, Files());
    }

    [Fact]
    public void NextSaveRemovesTheTemporaryFileOfAKilledSave()
    {
        string path = Path.Combine(_dir, "ck.pt");
        // What a save killed before its rename (kill -9) leaves behind: a half-written temporary beside the target.
        string stale = Path.Combine(_dir, ".ck.pt.0123456789ab.tmp");
        File.WriteAllBytes(stale, new byte[100]);
        // A save in progress in another thread or process holds its temporary open: it must be left alone.
        string live = Path.Combine(_dir, ".ck.pt.ba9876543210.tmp");
        string other = Path.Combine(_dir, ".other.pt.0123456789ab.tmp");
        File.WriteAllBytes(other, new byte[1]);
        using (new FileStream(live, FileMode.CreateNew, FileAccess.Write, FileShare.None))
        {
            Torch.Save(Torch.Ones(2), path);
            Assert.Equal(new[] { ".ck.pt.ba9876543210.tmp", ".other.pt.0123456789ab.tmp", "ck.pt" }, Files().Order());
        }
        Assert.Equal(new float[] { 1, 1 }, Torch.Load<Tensor>(path).ToArray<float>());
    }

    [Fact]
    public void MissingDirectoryIsAClearError()
        => Assert.Throws<DirectoryNotFoundException>(() => Torch.Save(Torch.Ones(1), Path.Combine(_dir, "nope", "x.pt")));

    private static void CheckpointLoads(string path)
    {
        var ck = Torch.Load<OrderedDict>(path);
        Assert.Equal(5L, ck["epoch"]);
    }
}
