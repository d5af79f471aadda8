using System.Text.Json;
using Flint.NN;
using F = Flint.NN.Functional;

namespace Flint.Tests.NN;

public class VisionTests
{
    static List<JsonElement> Cases(string kind)
    {
        var list = Fixture.Load("vision").Cases.Where(c => c.GetProperty("kind").GetString() == kind).ToList();
        Assert.NotEmpty(list);
        return list;
    }

    static Tensor T(JsonElement c, string name, bool grad = false)
    {
        var t = Fixture.Tensor(c.GetProperty(name));
        return grad ? t.RequiresGrad_(true) : t;
    }

    static Size S(JsonElement e) => e.ValueKind == JsonValueKind.Number ? e.GetInt32() : e.EnumerateArray().Select(v => v.GetInt32()).ToArray();
    static bool? B(JsonElement e) => e.ValueKind == JsonValueKind.Null ? null : e.GetBoolean();
    static string Name(JsonElement c) => c.GetProperty("name").GetString()!;

    static void CheckGrad(JsonElement c, Tensor y, Tensor[] inputs, string[] gradNames)
    {
        TensorAssert.Close(T(c, "y"), y, what: Name(c));
        var gs = Torch.Autograd.Grad([y], inputs, [T(c, "gy")]);
        for (int i = 0; i < inputs.Length; i++)
        {
            var g = gs[i];
            Assert.NotNull(g);
            TensorAssert.Close(T(c, gradNames[i]), g, 1e-4, 1e-4, what: Name(c) + " " + gradNames[i]);
        }
    }

    [Fact]
    public void InterpolateMatchesPyTorch()
    {
        foreach (var c in Cases("interpolate"))
        {
            var x = T(c, "x", true);
            var sz = c.GetProperty("size"); var sc = c.GetProperty("scale");
            long[]? size = sz.ValueKind == JsonValueKind.Null ? null : sz.EnumerateArray().Select(v => v.GetInt64()).ToArray();
            double[]? scale = sc.ValueKind == JsonValueKind.Null ? null : sc.EnumerateArray().Select(v => v.GetDouble()).ToArray();
            var y = F.Interpolate(x, size, scale, c.GetProperty("mode").GetString()!, B(c.GetProperty("align")), B(c.GetProperty("recompute")));
            CheckGrad(c, y, [x], ["gx"]);
        }
    }

    [Fact]
    public void PixelShuffleMatchesPyTorch()
    {
        foreach (var c in Cases("shuffle"))
        {
            var x = T(c, "x"); int r = c.GetProperty("r").GetInt32();
            var y = new PixelShuffle(r).Call(x);
            TensorAssert.Close(T(c, "y"), y, 0, 0);
            TensorAssert.Close(x, new PixelUnshuffle(r).Call(y), 0, 0);
        }
        Assert.Throws<ArgumentException>(() => F.PixelShuffle(Torch.Zeros(1, 3, 2, 2), 2));
    }

    [Fact]
    public void UnfoldFoldMatchPyTorch()
    {
        foreach (var c in Cases("unfold"))
        {
            var x = T(c, "x", true);
            var y = F.Unfold(x, S(c.GetProperty("k")), S(c.GetProperty("d")), S(c.GetProperty("p")), S(c.GetProperty("s")));
            CheckGrad(c, y, [x], ["gx"]);
        }
        foreach (var c in Cases("fold"))
        {
            var x = T(c, "x", true);
            var y = F.Fold(x, S(c.GetProperty("out")), S(c.GetProperty("k")), S(c.GetProperty("d")), S(c.GetProperty("p")), S(c.GetProperty("s")));
            CheckGrad(c, y, [x], ["gx"]);
        }
    }

    [Fact]
    public void GridSampleMatchesPyTorch()
    {
        foreach (var c in Cases("grid"))
        {
            var x = T(c, "x", true); var g = T(c, "grid", true);
            var y = F.GridSample(x, g, c.GetProperty("mode").GetString()!, c.GetProperty("pad").GetString()!, c.GetProperty("align").GetBoolean());
            TensorAssert.Close(T(c, "y"), y, what: Name(c));
            var gs = Torch.Autograd.Grad([y], [x, g], [T(c, "gy")], allowUnused: true);
            var gx = gs[0];
            Assert.NotNull(gx);
            TensorAssert.Close(T(c, "gx"), gx, 1e-4, 1e-4, what: Name(c) + " gx");
            TensorAssert.Close(T(c, "ggrid"), gs[1] ?? Torch.ZerosLike(g), 1e-4, 1e-4, what: Name(c) + " ggrid");
        }
    }

    [Fact]
    public void AffineGridMatchesPyTorch()
    {
        foreach (var c in Cases("affine"))
        {
            var th = T(c, "theta", true);
            var y = F.AffineGrid(th, c.GetProperty("size").EnumerateArray().Select(v => v.GetInt64()).ToArray(), c.GetProperty("align").GetBoolean());
            CheckGrad(c, y, [th], ["gtheta"]);
        }
    }

    [Fact]
    public void GradChecks()
    {
        var x = Torch.Randn([1, 2, 3, 4], DType.Float64, requiresGrad: true);
        foreach (var mode in new[] { "bilinear", "bicubic" })
            foreach (var align in new[] { false, true })
            {
                Assert.True(Torch.Autograd.GradCheck(a => F.Interpolate(a[0], null, [1.7, 0.6], mode, align), [x]));
                Assert.True(Torch.Autograd.GradGradCheck(a => F.Interpolate(a[0], [5, 3], null, mode, align), [x]));
            }
        Assert.True(Torch.Autograd.GradCheck(a => F.Interpolate(a[0], null, [2.5], "nearest"), [x]));
        Assert.True(Torch.Autograd.GradCheck(a => F.Unfold(a[0], 2, 1, 1, 2), [x]));
        Assert.True(Torch.Autograd.GradGradCheck(a => F.Unfold(a[0], 2, 1, 1, 2), [x]));
        var cols = Torch.Randn([1, 8, 6], DType.Float64, requiresGrad: true);
        Assert.True(Torch.Autograd.GradCheck(a => F.Fold(a[0], (3, 4), 2), [cols]));
        // keep the grid away from integer pixel coordinates, where bilinear sampling has kinks
        var grid = (Torch.Rand([1, 2, 3, 2], DType.Float64) * 1.6 - 0.8).Detach().RequiresGrad_(true);
        foreach (var pad in new[] { "zeros", "border", "reflection" })
            Assert.True(Torch.Autograd.GradCheck(a => F.GridSample(a[0], a[1], "bilinear", pad, false), [x, grid]));
        var theta = Torch.Randn([2, 2, 3], DType.Float64, requiresGrad: true);
        Assert.True(Torch.Autograd.GradCheck(a => F.AffineGrid(a[0], [2, 1, 3, 4], false), [theta]));
    }

    [Fact]
    public void ModuleReprs()
    {
        Assert.Equal("Upsample(scale_factor=2.0, mode=nearest)", new Upsample(scaleFactor: 2).ToString());
        Assert.Equal("Upsample(size=(3, 4), mode=bilinear)", new Upsample((3, 4), mode: "bilinear").ToString());
        Assert.Equal("Upsample(size=3, mode=bilinear)", new Upsample(3, mode: "bilinear", alignCorners: true).ToString());
        Assert.Equal("UpsamplingNearest2d(scale_factor=2.0, mode=nearest)", new UpsamplingNearest2d(scaleFactor: 2).ToString());
        Assert.Equal("PixelShuffle(upscale_factor=2)", new PixelShuffle(2).ToString());
        Assert.Equal("PixelUnshuffle(downscale_factor=3)", new PixelUnshuffle(3).ToString());
        Assert.Equal("Unfold(kernel_size=2, dilation=1, padding=0, stride=1)", new Unfold(2).ToString());
        Assert.Equal("Fold(output_size=(4, 5), kernel_size=(2, 3), dilation=1, padding=0, stride=2)", new Fold((4, 5), (2, 3), stride: 2).ToString());
        var up = new Upsample(scaleFactor: 2.0, mode: "bilinear").Call(Torch.Ones(1, 1, 2, 2));
        Assert.Equal(new long[] { 1, 1, 4, 4 }, up.Shape);
    }

    [Fact]
    public void Errors()
    {
        var x = Torch.Zeros(1, 1, 4, 4);
        Assert.Equal("align_corners option can only be set with the interpolating modes: linear | bilinear | bicubic | trilinear",
            Assert.Throws<ArgumentException>(() => F.Interpolate(x, [2, 2], null, "nearest", true)).Message);
        Assert.Equal("Got 4D input, but linear mode needs 3D input",
            Assert.Throws<ArgumentException>(() => F.Interpolate(x, [2, 2], null, "linear")).Message);
        Assert.Equal("only one of size or scale_factor should be defined",
            Assert.Throws<ArgumentException>(() => F.Interpolate(x, [2, 2], [2.0])).Message);
        Assert.Throws<ArgumentException>(() => F.Fold(Torch.Zeros(1, 5, 4), (3, 3), 2));
    }
}

public class VisionLayoutTests
{
    [Fact]
    public void NonContiguousInputsGiveTheSameResults()
    {
        var x = Torch.Randn([2, 3, 5, 4]);
        var xt = x.Transpose(2, 3).Contiguous().Transpose(2, 3); // same values, transposed strides
        Assert.False(xt.IsContiguous());
        TensorAssert.Close(F.Interpolate(x, null, [1.5], "bicubic"), F.Interpolate(xt, null, [1.5], "bicubic"), 0, 0);
        TensorAssert.Close(F.Interpolate(x, [3, 7], null, "nearest"), F.Interpolate(xt, [3, 7], null, "nearest"), 0, 0);
        TensorAssert.Close(F.Unfold(x, 2, padding: 1), F.Unfold(xt, 2, padding: 1), 0, 0);
        TensorAssert.Close(F.PixelUnshuffle(x.Narrow(3, 0, 4).Narrow(2, 0, 4), 2), F.PixelUnshuffle(xt.Narrow(2, 0, 4), 2), 0, 0);
        var g = Torch.Rand([2, 3, 3, 2]) * 2 - 1;
        TensorAssert.Close(F.GridSample(x, g, alignCorners: true), F.GridSample(xt, g.Transpose(1, 2).Contiguous().Transpose(1, 2), alignCorners: true), 0, 0);
    }

    [Fact]
    public void NearestKeepsIntegerDTypeAndFloat64RunsInDouble()
    {
        var xi = Torch.Arange(12, DType.Int64).Reshape(1, 1, 3, 4);
        var y = F.Interpolate(xi, [6, 8]);
        Assert.Equal(DType.Int64, y.DType);
        Assert.Equal(new long[] { 0, 0, 1, 1, 2, 2, 3, 3 }, y[0, 0, 0].ToArray<long>());
        var xd = Torch.Randn([1, 1, 3, 3], DType.Float64);
        Assert.Equal(DType.Float64, F.Interpolate(xd, null, [2.0], "bilinear").DType);
        Assert.Equal(new long[] { 1, 1, 6, 6 }, F.Interpolate(xd, 2.0, "bicubic").Shape);
        Assert.Equal(new long[] { 1, 1, 4, 4 }, F.Interpolate(xd, 4, "bilinear").Shape);
        // align_corners=True maps the corners exactly
        var yd = F.Interpolate(xd, [5, 5], null, "bilinear", true);
        Assert.Equal(xd[0, 0, 2, 2].Item<double>(), yd[0, 0, 4, 4].Item<double>());
    }
}
