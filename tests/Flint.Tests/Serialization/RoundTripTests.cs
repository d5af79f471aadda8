using System.Collections;
using System.Numerics;
using Flint.Serialization;

namespace Flint.Tests.Serialization;

/// <summary>Flint → file → Flint keeps values, dtypes, views, shared storages, containers and Python types.</summary>
public class RoundTripTests
{
    private static object? RoundTrip(object? obj)
    {
        var ms = new MemoryStream();
        Torch.Save(obj, ms);
        ms.Position = 0;
        return Torch.Load(ms);
    }

    internal static Dictionary<string, object?> EveryDType() => new()
    {
        ["f32"] = Torch.Tensor(new float[,] { { 1.5f, -2f, float.NaN }, { float.PositiveInfinity, -0f, 3e-38f } }),
        ["f64"] = Torch.Tensor(new[] { Math.PI, -1e300, double.NegativeInfinity }, DType.Float64),
        ["f16"] = Torch.Tensor(new[] { 0.5, -1.25, 65504.0 }, DType.Float16),
        ["bf16"] = Torch.Tensor(new[] { 1.0, -2.5, 3.0e38 }, DType.BFloat16),
        ["i64"] = Torch.Tensor(new[] { long.MinValue, long.MaxValue, 0L }),
        ["i32"] = Torch.Tensor(new[] { int.MinValue, int.MaxValue }),
        ["i16"] = Torch.Tensor(new short[] { short.MinValue, 7 }),
        ["i8"] = Torch.Tensor(new sbyte[] { -128, 127 }),
        ["u8"] = Torch.Tensor(new byte[] { 0, 255 }),
        ["bool"] = Torch.Tensor(new[] { true, false, true }),
        ["scalar"] = Torch.Tensor(2.5f),
        ["empty"] = Torch.Zeros(0, 3),
    };

    [Fact]
    public void EveryDType_ExactValues()
    {
        var src = EveryDType();
        var back = Assert.IsType<OrderedDict>(RoundTrip(src));
        Assert.False(back.IsOrderedDict);   // a Dictionary saves as a plain dict
        Assert.Equal(src.Keys, back.Keys.Cast<string>());
        foreach (var (k, v) in src)
        {
            var a = (Tensor)v!;
            var b = Assert.IsType<Tensor>(back[k]);
            Assert.Equal(a.DType, b.DType);
            Assert.Equal(a.Shape, b.Shape);
            Assert.Equal(a.Storage.AsBytes().ToArray(), b.Storage.AsBytes().ToArray());   // bit-exact (NaN, -0)
        }
    }

    [Fact]
    public void ViewsKeepOffsetsStridesAndShareOneStorageRecord()
    {
        var b = Torch.Arange(24, dtype: DType.Float32).View(4, 6);
        var slice = new Tensor(b.Storage, 7, [2, 3], [6, 2]);         // b[1:3, 1::2]
        var expanded = new Tensor(b.Storage, 2, [3, 4], [0, 1]);      // stride 0
        var src = new OrderedDict { ["base"] = b, ["t"] = b.t(), ["slice"] = slice, ["expanded"] = expanded, ["again"] = b };
        var ms = new MemoryStream();
        Torch.Save(src, ms);
        Assert.Single(ZipHelper.Records(ms.ToArray()), r => r.Name.Contains("/data/"));
        var back = Assert.IsType<OrderedDict>(Torch.Load(new MemoryStream(ms.ToArray())));
        var bb = (Tensor)back["base"]!;
        foreach (var key in new[] { "t", "slice", "expanded" })
        {
            var x = (Tensor)back[key]!;
            var y = (Tensor)src[key]!;
            Assert.True(bb.SharesStorageWith(x), key);
            Assert.Equal(y.Stride(), x.Stride());
            Assert.Equal(y.StorageOffset, x.StorageOffset);
            Assert.Equal(y.ToArray<float>(), x.ToArray<float>());
        }
        Assert.Same(bb, back["again"]);
    }

    /// <summary>The seed tutorial's checkpoint: {epoch, state_dict, opt} with an Adam-style optimizer state.</summary>
    internal static Dictionary<string, object?> SeedCheckpoint()
    {
        var w = Torch.Arange(40, dtype: DType.Float32).View(10, 4);
        var bias = Torch.Arange(10, dtype: DType.Float32);
        var stateDict = new OrderedDict { ["hidden.weight"] = w, ["hidden.bias"] = bias };
        stateDict.Metadata = new OrderedDict { [""] = new OrderedDict(false) { ["version"] = 1 }, ["hidden"] = new OrderedDict(false) { ["version"] = 1 } };
        return new Dictionary<string, object?>
        {
            ["epoch"] = 5,
            ["state_dict"] = stateDict,
            ["opt"] = new Dictionary<string, object?>
            {
                ["state"] = new Dictionary<int, object?>
                {
                    [0] = new Dictionary<string, object?> { ["step"] = Torch.Tensor(2f), ["exp_avg"] = Torch.ZerosLike(w), ["exp_avg_sq"] = Torch.OnesLike(w) },
                    [1] = new Dictionary<string, object?> { ["step"] = Torch.Tensor(2f), ["exp_avg"] = Torch.ZerosLike(bias), ["exp_avg_sq"] = Torch.OnesLike(bias) },
                },
                ["param_groups"] = new List<object?>
                {
                    new Dictionary<string, object?>
                    {
                        ["lr"] = 0.01, ["betas"] = (0.9, 0.999), ["eps"] = 1e-8, ["weight_decay"] = 0, ["amsgrad"] = false,
                        ["maximize"] = false, ["foreach"] = null, ["capturable"] = false, ["params"] = new List<int> { 0, 1 },
                    },
                },
            },
        };
    }

    [Fact]
    public void SeedCheckpoint_IntKeysTuplesAndMetadata()
    {
        var back = Assert.IsType<OrderedDict>(RoundTrip(SeedCheckpoint()));
        Assert.Equal(5L, back["epoch"]);
        var sd = Assert.IsType<OrderedDict>(back["state_dict"]);
        Assert.True(sd.IsOrderedDict);
        Assert.Equal(new object[] { "hidden.weight", "hidden.bias" }, sd.Keys);
        var meta = Assert.IsType<OrderedDict>(sd.Metadata);
        Assert.Equal(1L, ((OrderedDict)meta["hidden"]!)["version"]);
        Assert.Equal(Enumerable.Range(0, 40).Select(i => (float)i), ((Tensor)sd["hidden.weight"]!).ToArray<float>());
        var opt = (OrderedDict)back["opt"]!;
        var state = (OrderedDict)opt["state"]!;
        Assert.Equal(new object[] { 0L, 1L }, state.Keys);
        Assert.Equal(2f, ((Tensor)((OrderedDict)state[1]!)["step"]!).Item<float>());
        var group = (OrderedDict)((List<object?>)opt["param_groups"]!)[0]!;
        Assert.Equal(new object?[] { 0.9, 0.999 }, Assert.IsType<object?[]>(group["betas"]));
        Assert.Null(group["foreach"]);
        Assert.True(group.ContainsKey("foreach"));
        Assert.Equal(new List<object?> { 0L, 1L }, group["params"]);
        Assert.Equal(1e-8, group["eps"]);
    }

    [Theory]
    [InlineData("dtypes")]
    [InlineData("views")]
    [InlineData("sequential_state_dict")]
    [InlineData("adam_state_dict")]
    [InlineData("checkpoint")]
    [InlineData("legacy_checkpoint")]
    [InlineData("parameter")]
    public void PyTorchFile_ResavedByFlint_LoadsIdentically(string name)
    {
        var obj = Torch.Load(CheckpointExpect.PathOf(name + ".pt"));
        CheckpointExpect.Matches(name, RoundTrip(obj));
    }

    [Fact]
    public void PythonScalarsAndContainers()
    {
        var self = new List<object?> { 1 };
        self.Add(self);   // a list that contains itself
        var src = new List<object?>
        {
            long.MaxValue, long.MinValue, BigInteger.Pow(2, 70), -BigInteger.Pow(2, 100), 0, 255, 256, 65536, -1,
            -0.0, double.NaN, 1e-310, "héllo ✓", "", true, false, null,
            new byte[] { 0, 1, 255 }, Array.Empty<byte>(), new object?[] { 1, "a" }, Array.Empty<object?>(), (1, 2.5, "x"),
            new object?[] { 1, 2, 3, 4, 5 }, self, new Dictionary<double, object?> { [1.5] = "f" }, DType.BFloat16,
        };
        var back = Assert.IsType<List<object?>>(RoundTrip(src));
        Assert.Equal(long.MaxValue, back[0]);
        Assert.Equal(long.MinValue, back[1]);
        Assert.Equal(BigInteger.Pow(2, 70), back[2]);
        Assert.Equal(-BigInteger.Pow(2, 100), back[3]);
        Assert.Equal(new object?[] { 0L, 255L, 256L, 65536L, -1L }, back.GetRange(4, 5));
        Assert.True(double.IsNegative((double)back[9]!) && (double)back[9]! == 0);
        Assert.True(double.IsNaN((double)back[10]!));
        Assert.Equal(1e-310, back[11]);
        Assert.Equal("héllo ✓", back[12]);
        Assert.Equal("", back[13]);
        Assert.Equal(new object?[] { true, false, null }, back.GetRange(14, 3));
        Assert.Equal(new byte[] { 0, 1, 255 }, back[17]);
        Assert.Equal(Array.Empty<byte>(), back[18]);
        Assert.Equal(new object?[] { 1L, "a" }, back[19]);
        Assert.Equal(Array.Empty<object?>(), back[20]);
        Assert.Equal(new object?[] { 1L, 2.5, "x" }, back[21]);
        Assert.Equal(new object?[] { 1L, 2L, 3L, 4L, 5L }, back[22]);
        var loop = Assert.IsType<List<object?>>(back[23]);
        Assert.Same(loop, loop[1]);
        Assert.Equal("f", ((OrderedDict)back[24]!)[1.5]);
        Assert.Equal(DType.BFloat16, back[25]);
    }

    [Fact]
    public void RequiresGradIsKept()
    {
        var p = Torch.Ones([3], requiresGrad: true);
        var back = (List<object?>)RoundTrip(new List<object?> { p, Torch.Ones(2) })!;
        Assert.True(((Tensor)back[0]!).RequiresGrad);
        Assert.True(((Tensor)back[0]!).IsLeaf);
        Assert.False(((Tensor)back[1]!).RequiresGrad);
    }

    [Fact]
    public void ManyEntriesAreBatched()
    {
        // More than one SETITEMS / APPENDS batch (1000 items each) and more than 256 memo entries.
        var d = new Dictionary<string, object?>();
        for (int i = 0; i < 2500; i++) d["k" + i] = new List<object?> { i, Torch.Tensor((long)i) };
        var back = (OrderedDict)RoundTrip(d)!;
        Assert.Equal(2500, back.Count);
        var last = (List<object?>)back["k2499"]!;
        Assert.Equal(2499L, last[0]);
        Assert.Equal(2499L, ((Tensor)last[1]!).Item<long>());
    }

    [Fact]
    public void UnsupportedObjectsAreNamed()
    {
        var e = Assert.Throws<ArgumentException>(() => Torch.Save(new { a = 1 }, new MemoryStream()));
        Assert.Contains("cannot serialize an object of type", e.Message);
    }

    [Fact]
    public void StateDictHelpers()
    {
        var sd = new Dictionary<string, Tensor> { ["a.weight"] = Torch.Ones(2, 2), ["a.bias"] = Torch.Zeros(2) };
        var back = Assert.IsType<OrderedDict>(RoundTrip(OrderedDict.FromStateDict(sd)));
        Assert.True(back.IsOrderedDict);
        var typed = back.ToStateDict();
        Assert.Equal(sd.Keys, typed.Keys);
        Assert.Equal(new float[] { 1, 1, 1, 1 }, typed["a.weight"].ToArray<float>());
        // A generic IDictionary<string, Tensor> that is not a non-generic IDictionary saves too.
        var ro = (IReadOnlyDictionary<string, Tensor>)new System.Collections.ObjectModel.ReadOnlyDictionary<string, Tensor>(sd);
        Assert.Equal(2, ((OrderedDict)RoundTrip(ro)!).Count);
    }
}
