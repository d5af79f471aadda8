using Flint.Serialization;

namespace Flint.Tests.Serialization;

/// <summary>Checkpoints written by real PyTorch 1.13 (tools/fixtures/gen_checkpoints.py) load with every detail.</summary>
public class TorchLoadTests
{
    [Theory]
    [InlineData("dtypes")]
    [InlineData("views")]
    [InlineData("sequential_state_dict")]
    [InlineData("adam_state_dict")]
    [InlineData("checkpoint")]
    [InlineData("legacy_checkpoint")]
    [InlineData("parameter")]
    public void LoadsPyTorchFile(string name)
    {
        var obj = Torch.Load(CheckpointExpect.PathOf(name + ".pt"));
        CheckpointExpect.Matches(name, obj);
    }

    [Fact]
    public void LoadsFromStream()
    {
        using var fs = File.OpenRead(CheckpointExpect.PathOf("views.pt"));
        CheckpointExpect.Matches("views", Torch.Load(fs));
        // A non-seekable stream is buffered first.
        var bytes = File.ReadAllBytes(CheckpointExpect.PathOf("legacy_checkpoint.pt"));
        CheckpointExpect.Matches("legacy_checkpoint", Torch.Load(new NonSeekable(bytes)));
    }

    [Fact]
    public void ViewsShareStorageAndWritesShowThrough()
    {
        var d = (OrderedDict)Torch.Load(CheckpointExpect.PathOf("views.pt"))!;
        var b = (Tensor)d["base"]!;
        var t = (Tensor)d["transposed"]!;
        Assert.True(b.SharesStorageWith(t));
        Assert.Same(d["base"], d["same_again"]);   // one object in the file → one object loaded
        b.StorageSpan<float>()[7] = 100f;          // base[1, 1] is transposed[1, 1]
        Assert.Equal(100f, t.ToArray<float>()[1 * 4 + 1]);
    }

    [Fact]
    public void SeedCheckpointHasTheExpectedShape()
    {
        var ckpt = Torch.Load<OrderedDict>(CheckpointExpect.PathOf("checkpoint.pt"));
        Assert.False(ckpt.IsOrderedDict);
        Assert.Equal(5L, ckpt["epoch"]);
        var sd = ((OrderedDict)ckpt["state_dict"]!).ToStateDict();
        Assert.Equal(new[] { "0.weight", "0.bias", "3.weight", "3.bias" }, sd.Keys);
        Assert.Equal(new long[] { 10, 4 }, sd["0.weight"].Shape);
        var opt = (OrderedDict)ckpt["opt"]!;
        var state = (OrderedDict)opt["state"]!;
        var s0 = (OrderedDict)state[0]!;                  // int keys: found with a C# int
        Assert.Equal(2f, ((Tensor)s0["step"]!).Item<float>());
        var group = (OrderedDict)((List<object?>)opt["param_groups"]!)[0]!;
        Assert.Equal(0.01, group["lr"]);
        Assert.Equal(new object?[] { 0.9, 0.999 }, (object?[])group["betas"]!);
        Assert.Equal(new List<object?> { 0L, 1L, 2L, 3L }, group["params"]);
        var meta = (OrderedDict)((OrderedDict)ckpt["state_dict"]!).Metadata!;
        Assert.Equal(new object[] { "", "0", "1", "2", "3" }, meta.Keys);
    }

    private sealed class NonSeekable(byte[] data) : MemoryStream(data)
    {
        public override bool CanSeek => false;
    }
}

/// <summary>What PyTorch 2.x writes and 1.13 does not (the fixture is crafted with the real globals' names).</summary>
public class PyTorch2FormatTests
{
    [Fact]
    public void RebuildFromTypeV2_ParameterWithState_Size_DType_Device_Set()
    {
        var d = Torch.Load<OrderedDict>(CheckpointExpect.PathOf("pytorch2_style.pt"));
        var t = Assert.IsType<Tensor>(d["from_type"]);     // _rebuild_from_type_v2 over a 7-argument _rebuild_tensor_v2
        Assert.Equal(new long[] { 3, 2 }, t.Shape);
        Assert.Equal(new long[] { 1, 3 }, t.Stride());
        Assert.Equal(new float[] { 0, 3, 1, 4, 2, 5 }, t.ToArray<float>());
        var p = Assert.IsType<Flint.NN.Parameter>(d["param_state"]);
        Assert.True(p.RequiresGrad);
        Assert.Equal(3, p.StorageOffset);
        Assert.True(p.SharesStorageWith(t));
        Assert.Equal(new object?[] { 2L, 3L }, d["size"]);
        Assert.Equal(DType.Float16, d["dtype"]);
        Assert.Equal("cpu", d["device"]);
        var set = Assert.IsType<HashSet<object?>>(d["set"]);
        Assert.True(set.SetEquals(new object?[] { 1L, 2L }));
    }
}
