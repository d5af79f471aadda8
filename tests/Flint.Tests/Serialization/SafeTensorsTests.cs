using System.Buffers.Binary;
using System.Text;
using Flint.Serialization;

namespace Flint.Tests.Serialization;

public class SafeTensorsTests
{
    [Fact]
    public void LoadsTheFixtureWithMetadata()
    {
        var path = CheckpointExpect.PathOf("tensors.safetensors");
        var tensors = SafeTensors.Load(path, out var meta);
        var exp = Fixture.Load("checkpoints/tensors.safetensors").Cases[0];
        Assert.Equal("pt", meta["format"]);
        Assert.Equal("flint fixture", meta["note"]);
        Assert.Equal(SafeTensors.LoadMetadata(path), meta);
        var names = exp.GetProperty("tensors").EnumerateObject().Select(p => p.Name).OrderBy(x => x).ToArray();
        Assert.Equal(names, tensors.Keys.OrderBy(x => x).ToArray());
        foreach (var p in exp.GetProperty("tensors").EnumerateObject())
            TensorAssert.Close(Fixture.Tensor(p.Value), tensors[p.Name], 0, 0, what: p.Name);
    }

    [Fact]
    public void RoundTripsEveryDTypeAndNonContiguousInputs()
    {
        var src = new Dictionary<string, Tensor>();
        foreach (var (k, v) in RoundTripTests.EveryDType()) src[k] = (Tensor)v!;
        var b = Torch.Arange(12, dtype: DType.Float64).View(3, 4);
        src["transposed"] = b.t();
        src["view"] = new Tensor(b.Storage, 5, [2, 2], [4, 1]);
        var ms = new MemoryStream();
        SafeTensors.Save(src, ms, new Dictionary<string, string> { ["epoch"] = "3" });
        ms.Position = 0;
        var back = SafeTensors.Load(ms, out var meta);
        Assert.Equal("3", meta["epoch"]);
        Assert.Equal(src.Count, back.Count);
        foreach (var (k, v) in src)
        {
            Assert.Equal(v.DType, back[k].DType);
            Assert.Equal(v.Shape, back[k].Shape);
            Assert.True(back[k].IsContiguous());
            Assert.Equal(v.Contiguous().To(DType.Float64).ToArray<double>(), back[k].To(DType.Float64).ToArray<double>());
        }
        // Header length is a multiple of 8, and data starts right after it.
        var bytes = ms.ToArray();
        Assert.Equal(0UL, BinaryPrimitives.ReadUInt64LittleEndian(bytes) % 8);
    }

    private static byte[] File(string header, int dataBytes)
    {
        var h = Encoding.UTF8.GetBytes(header);
        var result = new byte[8 + h.Length + dataBytes];
        BinaryPrimitives.WriteUInt64LittleEndian(result, (ulong)h.Length);
        h.CopyTo(result, 8);
        return result;
    }

    private static string Fails(byte[] data)
        => Assert.ThrowsAny<InvalidDataException>(() => SafeTensors.Load(new MemoryStream(data))).Message;

    [Fact]
    public void ValidatesOffsets()
    {
        Assert.Contains("overlaps", Fails(File("""{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}""", 8)));
        Assert.Contains("hole", Fails(File("""{"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}""", 8)));
        Assert.Contains("needs 8", Fails(File("""{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,4]}}""", 4)));
        Assert.Contains("truncated", Fails(File("""{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}""", 4)));
        Assert.Contains("MetadataIncompleteBuffer", Fails(File("""{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}""", 8)));
        Assert.Contains("invalid data_offsets", Fails(File("""{"a":{"dtype":"F32","shape":[0],"data_offsets":[4,0]}}""", 8)));
        Assert.Contains("dtype F8_E4M3", Fails(File("""{"a":{"dtype":"F8_E4M3","shape":[1],"data_offsets":[0,1]}}""", 1)));
        Assert.Contains("invalid shape", Fails(File("""{"a":{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}}""", 4)));
        Assert.Contains("__metadata__", Fails(File("""{"__metadata__":{"a":1}}""", 0)));
    }

    [Fact]
    public void ValidatesTheHeader()
    {
        Assert.Contains("too short", Fails([1, 2, 3]));
        var huge = new byte[16];
        BinaryPrimitives.WriteUInt64LittleEndian(huge, 1UL << 40);
        Assert.Contains("HeaderTooLarge", Fails(huge));
        var past = new byte[16];
        BinaryPrimitives.WriteUInt64LittleEndian(past, 100);
        Assert.Contains("InvalidHeaderLength", Fails(past));
        Assert.Contains("InvalidHeaderStart", Fails(File("[1]", 0)));
        Assert.Contains("not valid JSON", Fails(File("{\"a\":", 0)));
    }

    [Fact]
    public void TruncatedFixtureFails()
    {
        var full = System.IO.File.ReadAllBytes(CheckpointExpect.PathOf("tensors.safetensors"));
        foreach (int cut in new[] { 4, 20, full.Length - 100, full.Length - 1 })
            Fails(full[..cut]);
    }
}
