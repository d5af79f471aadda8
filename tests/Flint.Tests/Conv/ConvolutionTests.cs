using System.Text.Json;
using Flint;

namespace Flint.Tests.Conv;

public class ConvolutionTests
{
    public static IEnumerable<object[]> Cases() => Enumerable.Range(0, Fixture.Load("conv").Cases.Count).Select(i => new object[] { i });

    private static int[] Ints(JsonElement c, string name) => c.GetProperty(name).EnumerateArray().Select(e => e.GetInt32()).ToArray();

    private static Tensor Run(JsonElement c, Tensor x, Tensor w, Tensor? b)
    {
        int sd = c.GetProperty("spatial").GetInt32(), groups = c.GetProperty("groups").GetInt32();
        var stride = Ints(c, "stride"); var dil = Ints(c, "dilation");
        if (c.GetProperty("kind").GetString() == "transpose")
            return Torch.Convolution(x, w, b, sd, stride, Ints(c, "padding"), dil, true, Ints(c, "output_padding"), groups);
        var pad = c.GetProperty("padding");
        if (pad.ValueKind == JsonValueKind.String)
            return sd switch
            {
                1 => Torch.Conv1d(x, w, b, stride, pad.GetString()!, dil, groups),
                2 => Torch.Conv2d(x, w, b, stride, pad.GetString()!, dil, groups),
                _ => Torch.Conv3d(x, w, b, stride, pad.GetString()!, dil, groups),
            };
        return Torch.Convolution(x, w, b, sd, stride, Ints(c, "padding"), dil, false, null, groups);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void MatchesPyTorchValuesAndGradients(int index)
    {
        var c = Fixture.Load("conv").Cases[index];
        var x = Fixture.Tensor(c.GetProperty("x")).RequiresGrad_();
        var w = Fixture.Tensor(c.GetProperty("w")).RequiresGrad_();
        var b = c.GetProperty("b").ValueKind == JsonValueKind.Null ? null : Fixture.Tensor(c.GetProperty("b")).RequiresGrad_();
        var y = Run(c, x, w, b);
        var tol = x.DType == DType.Float64 ? 1e-10 : 2e-5;
        TensorAssert.Close(Fixture.Tensor(c.GetProperty("y")), y, tol, tol, what: "y");
        (y * Fixture.Tensor(c.GetProperty("gy"))).Sum().Backward();
        TensorAssert.Close(Fixture.Tensor(c.GetProperty("dx")), x.Grad!, tol, tol, what: "dx");
        TensorAssert.Close(Fixture.Tensor(c.GetProperty("dw")), w.Grad!, tol, tol, what: "dw");
        if (b is not null) TensorAssert.Close(Fixture.Tensor(c.GetProperty("db")), b.Grad!, tol, tol, what: "db");
    }

    [Theory]
    [InlineData(false, 1, 1, 0, 1)]
    [InlineData(false, 2, 2, 1, 1)]
    [InlineData(false, 1, 1, 1, 2)]
    [InlineData(true, 1, 2, 1, 1)]
    public void GradCheck2d(bool transposed, int groups, int stride, int padding, int dilation)
    {
        var gen = new Generator(1);
        Tensor Rnd(params long[] shape) { var t = Torch.Empty(shape, DType.Float64); gen.Normal(t.AsSpan<double>()); return t.RequiresGrad_(); }
        var x = Rnd(1, 2, 5, 5);
        var w = Rnd(2, 2 / groups, 3, 3);
        var b = Rnd(2);
        Assert.True(Torch.Autograd.GradCheck(t => Torch.Convolution(t[0], t[1], t[2], 2, [stride], [padding], [dilation], transposed, null, groups), [x, w, b]));
    }

    [Fact]
    public void UnbatchedInputKeepsItsRank()
    {
        var x = Torch.Ones([3, 8]);
        var w = Torch.Ones([2, 3, 3]);
        Assert.Equal(new long[] { 2, 6 }, Torch.Conv1d(x, w).Shape);
    }

    [Fact]
    public void ChannelMismatchIsReportedInPyTorchsWords()
    {
        var ex = Assert.Throws<ArgumentException>(() => Torch.Conv2d(Torch.Ones([64, 3, 28, 28]), Torch.Ones([6, 1, 5, 5])));
        Assert.Equal("Given groups=1, weight of size [6, 1, 5, 5], expected input[64, 3, 28, 28] to have 1 channels, but got 3 channels instead", ex.Message);
        var ex2 = Assert.Throws<ArgumentException>(() => Torch.Conv2d(Torch.Ones([1, 1, 2, 2]), Torch.Ones([1, 1, 5, 5])));
        Assert.Equal("Calculated padded input size per channel: (2 x 2). Kernel size: (5 x 5). Kernel size can't be greater than actual input size", ex2.Message);
        var ex3 = Assert.Throws<ArgumentException>(() => Torch.Conv2d(Torch.Ones([2, 3]), Torch.Ones([1, 1, 5, 5])));
        Assert.Equal("Expected 3D (unbatched) or 4D (batched) input to conv2d, but got input of size: [2, 3]", ex3.Message);
    }
}
