using System.Text.Json;
using Flint;

namespace Flint.Tests.Conv;

public class PoolingTests
{
    public static IEnumerable<object[]> Cases() => Enumerable.Range(0, Fixture.Load("pool").Cases.Count).Select(i => new object[] { i });

    private static int[]? Ints(JsonElement kw, string name)
    {
        if (!kw.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null) return null;
        return v.ValueKind == JsonValueKind.Array ? v.EnumerateArray().Select(e => e.GetInt32()).ToArray() : [v.GetInt32()];
    }

    private static bool Flag(JsonElement kw, string name, bool dflt) => kw.TryGetProperty(name, out var v) ? v.GetBoolean() : dflt;

    [Theory]
    [MemberData(nameof(Cases))]
    public void MatchesPyTorch(int index)
    {
        var c = Fixture.Load("pool").Cases[index];
        var fn = c.GetProperty("fn").GetString()!;
        var kw = c.GetProperty("kw");
        var x = Fixture.Tensor(c.GetProperty("x")).RequiresGrad_();
        int sd = fn.Contains("1d") ? 1 : fn.Contains("3d") ? 3 : 2;
        Tensor y; Tensor? idx = null;
        var k = Ints(kw, "kernel_size"); var s = Ints(kw, "stride"); var p = Ints(kw, "padding"); var d = Ints(kw, "dilation");
        bool ceil = Flag(kw, "ceil_mode", false);
        switch (fn)
        {
            case var _ when fn.StartsWith("max_pool"):
                (y, idx) = Torch.MaxPoolWithIndices(x, sd, k!, s, p, d, ceil);
                break;
            case var _ when fn.StartsWith("avg_pool"):
                var div = Ints(kw, "divisor_override");
                y = sd switch
                {
                    1 => Torch.AvgPool1d(x, k!, s, p, ceil, Flag(kw, "count_include_pad", true)),
                    2 => Torch.AvgPool2d(x, k!, s, p, ceil, Flag(kw, "count_include_pad", true), div?[0]),
                    _ => Torch.AvgPool3d(x, k!, s, p, ceil, Flag(kw, "count_include_pad", true), div?[0]),
                };
                break;
            case var _ when fn.StartsWith("adaptive_avg"):
                y = sd == 1 ? Torch.AdaptiveAvgPool1d(x, Ints(kw, "output_size")!) : Torch.AdaptiveAvgPool2d(x, Ints(kw, "output_size")!);
                break;
            case var _ when fn.StartsWith("adaptive_max"):
                (y, idx) = Torch.AdaptiveMaxPoolWithIndices(x, sd, Ints(kw, "output_size")!);
                break;
            default:
                y = Torch.MaxUnpool2d(x, Fixture.Tensor(c.GetProperty("indices")), k!);
                break;
        }
        var tol = x.DType == DType.Float64 ? 1e-12 : 1e-6;
        TensorAssert.Close(Fixture.Tensor(c.GetProperty("y")), y, tol, tol, what: "y");
        if (idx is not null && c.GetProperty("indices").ValueKind != JsonValueKind.Null)
            Assert.Equal(Fixture.Tensor(c.GetProperty("indices")).ToArray<long>(), idx.ToArray<long>());
        (y * Fixture.Tensor(c.GetProperty("gy"))).Sum().Backward();
        TensorAssert.Close(Fixture.Tensor(c.GetProperty("dx")), x.Grad!, tol, tol, what: "dx");
    }

    private static Tensor Rnd(int seed, params long[] shape)
    {
        var t = Torch.Empty(shape, DType.Float64);
        new Generator((ulong)seed).Normal(t.AsSpan<double>());
        return t.RequiresGrad_();
    }

    [Fact]
    public void GradCheckAndGradGradCheck()
    {
        var x = Rnd(3, 1, 2, 5, 5);
        Assert.True(Torch.Autograd.GradCheck(t => Torch.MaxPool2d(t[0], [2], [1]), [x]));
        Assert.True(Torch.Autograd.GradGradCheck(t => Torch.MaxPool2d(t[0], [2], [1]), [x]));
        Assert.True(Torch.Autograd.GradCheck(t => Torch.AvgPool2d(t[0], [3], [2], [1], countIncludePad: false), [x]));
        Assert.True(Torch.Autograd.GradGradCheck(t => Torch.AvgPool2d(t[0], [3], [2], [1]), [x]));
        Assert.True(Torch.Autograd.GradCheck(t => Torch.AdaptiveAvgPool2d(t[0], [3, 2]), [x]));
        Assert.True(Torch.Autograd.GradCheck(t => Torch.AdaptiveMaxPool2d(t[0], [2, 2]), [x]));
    }

    [Fact]
    public void GradFnNamesFollowPyTorch()
    {
        var x = Rnd(1, 1, 1, 4, 4);
        Assert.Equal("MaxPool2DWithIndicesBackward0", Torch.MaxPool2d(x, [2]).GradFn!.Name);
        Assert.Equal("AvgPool2DBackward0", Torch.AvgPool2d(x, [2]).GradFn!.Name);
        Assert.Equal("AdaptiveAvgPool2DBackward0", Torch.AdaptiveAvgPool2d(x, [1]).GradFn!.Name);
    }

    [Fact]
    public void BadPaddingIsReported()
    {
        var ex = Assert.Throws<ArgumentException>(() => Torch.MaxPool2d(Torch.Ones([1, 1, 4, 4]), [2], [2], [2]));
        Assert.Equal("pad should be at most half of effective kernel size, but got pad=2, kernel_size=2 and dilation=1", ex.Message);
    }
}
