using System.Text.Json;
using Flint;

namespace Flint.Tests.Reductions;

public class ReduceErrorAndSearchTests
{
    /// <summary>Deterministic test data (values in [-2, 2)) without depending on the RNG ops.</summary>
    internal static Tensor Rand(int seed, DType dtype, params long[] shape)
    {
        var r = new System.Random(seed);
        long n = 1; foreach (var s in shape) n *= s;
        var d = new double[n];
        for (int i = 0; i < n; i++) d[i] = r.NextDouble() * 4 - 2;
        return Torch.Tensor(d, shape, dtype);
    }

    public static IEnumerable<object[]> Errors()
    {
        var f = Fixture.Load("reduce_errors");
        for (int i = 0; i < f.Cases.Count; i++) yield return [i, f.Cases[i].GetProperty("op").GetString()!];
    }

    /// <summary>PyTorch's message, word for word; IndexError maps to IndexOutOfRangeException, RuntimeError to Argument/InvalidOperation.</summary>
    [Theory]
    [MemberData(nameof(Errors))]
    public void ErrorsInPyTorchWords(int index, string op)
    {
        var c = Fixture.Load("reduce_errors").Cases[index];
        var x = Fixture.Tensor(c.GetProperty("base"));
        var kw = new ReduceFixtureTests.Kw(c.GetProperty("kw"));
        var ex = Record.Exception(() => ReduceFixtureTests.Call(op, x, kw));
        Assert.NotNull(ex);
        Assert.Equal(c.GetProperty("message").GetString(), ex.Message);
        if (c.GetProperty("type").GetString() == "IndexError") Assert.IsType<IndexOutOfRangeException>(ex);
        else Assert.True(ex is ArgumentException or InvalidOperationException, ex.GetType().Name);
    }

    [Fact]
    public void SearchsortedMatchesPyTorch()
    {
        foreach (var c in Fixture.Load("reduce_searchsorted").Cases)
        {
            var seq = Fixture.Tensor(c.GetProperty("seq"));
            var v = Fixture.Tensor(c.GetProperty("values"));
            var kw = c.GetProperty("kw");
            bool right = kw.TryGetProperty("right", out var r) && r.GetBoolean();
            string? side = kw.TryGetProperty("side", out var s) ? s.GetString() : null;
            bool i32 = kw.TryGetProperty("out_int32", out var o) && o.GetBoolean();
            TensorAssert.Close(Fixture.Tensor(c.GetProperty("out")), Torch.Searchsorted(seq, v, i32, right, side), 0, 0);
        }
    }

    [Fact]
    public void MaxWithDimDeconstructsIntoValuesAndIndices()
    {
        var x = Torch.Tensor(new[,] { { 1f, 5f, 5f }, { 7f, 0f, 2f } });
        var (values, indices) = x.Max(1);
        Assert.Equal(new[] { 5f, 7f }, values.ToArray<float>());
        Assert.Equal(new[] { 1L, 0L }, indices.ToArray<long>());
        Assert.Equal(DType.Int64, indices.DType);
    }

    [Fact]
    public void IndicesNeverRequireGrad()
    {
        var x = Rand(1, DType.Float32, 3, 4).RequiresGrad_();
        var r = x.Sort(1);
        Assert.True(r.Values.RequiresGrad);
        Assert.False(r.Indices.RequiresGrad);
        Assert.False(x.Argmax().RequiresGrad);
    }

    [Fact]
    public void SumOfIntegersIsInt64AndMeanOfIntegersIsAnError()
    {
        var x = Torch.Tensor(new[] { 1, 2, 3 });
        Assert.Equal(DType.Int64, x.Sum().DType);
        Assert.Equal(DType.Int64, x.Prod().DType);
        Assert.Equal(6L, x.Sum().Item<long>());
        var ex = Assert.Throws<ArgumentException>(() => x.Mean());
        Assert.Equal("mean(): could not infer output dtype. Input dtype must be either a floating point or complex dtype. Got: Int", ex.Message);
    }

    [Fact]
    public void LargeReductionsAgreeAcrossLayoutsAndThreads()
    {
        // above the 32K grain: rows split over cores, columns vectorized down dim 0, and the transposed (copy) layout
        var x = Rand(3, DType.Float64, 300, 257);
        var rows = x.Sum(1); var cols = x.Sum(0); var all = x.Sum();
        var xt = x.T.Contiguous().T; // same values, column-major storage
        TensorAssert.Close(rows, xt.Sum(1), 1e-12, 1e-12);
        TensorAssert.Close(cols, xt.Sum(0), 1e-12, 1e-12);
        var arr = x.ToArray<double>();
        double total = 0; foreach (var v in arr) total += v;
        Assert.Equal(total, all.Item<double>(), 9);
        double c0 = 0; for (int i = 0; i < 300; i++) c0 += arr[i * 257 + 5];
        Assert.Equal(c0, cols.ToArray<double>()[5], 10);
        var m = x.Amax(0); var mt = xt.Amax(0);
        TensorAssert.Close(m, mt, 0, 0);
        var big = Rand(4, DType.Float32, 1, 100000);
        double s = 0; foreach (var v in big.ToArray<float>()) s += v;
        Assert.Equal(s, big.Sum().Item<float>(), 2);
    }

    [Fact]
    public void SoftmaxRowsSumToOneOnEveryDim()
    {
        var x = Rand(5, DType.Float32, 4, 5, 6);
        for (int d = 0; d < 3; d++)
        {
            var s = x.Softmax(d).Sum(d);
            TensorAssert.Close(Torch.Ones(s.Shape), s, 1e-5, 1e-5);
            TensorAssert.Close(x.Softmax(d).Log(), x.LogSoftmax(d), 1e-5, 1e-5);
        }
    }

    [Fact]
    public void ArgmaxOfLongRowsFindsTheFirstExtremeAndTheFirstNaN()
    {
        // rows of 100: the vectorized two-pass path (extreme, then first position)
        var d = new double[3 * 100];
        var r = new System.Random(7);
        for (int i = 0; i < d.Length; i++) d[i] = Math.Round(r.NextDouble() * 10); // many ties
        d[100 + 61] = double.NaN; d[100 + 80] = double.NaN;
        d[200 + 99] = 50; // the max in the scalar tail
        foreach (var dt in new[] { DType.Float32, DType.Float64 })
        {
            var x = Torch.Tensor(d, [3, 100], dt);
            var (v, i) = x.Max(1);
            var (vn, inn) = x.Min(1);
            for (int row = 0; row < 3; row++)
            {
                var line = d.AsSpan(row * 100, 100);
                int firstNaN = line.IndexOf(double.NaN);
                double mx = double.MinValue, mn = double.MaxValue; int imx = 0, imn = 0;
                for (int j = 0; j < 100; j++) { if (line[j] > mx) { mx = line[j]; imx = j; } if (line[j] < mn) { mn = line[j]; imn = j; } }
                Assert.Equal(firstNaN >= 0 ? firstNaN : imx, i.ToArray<long>()[row]);
                Assert.Equal(firstNaN >= 0 ? firstNaN : imn, inn.ToArray<long>()[row]);
                Assert.Equal(firstNaN >= 0 ? double.NaN : mx, v.Double().ToArray<double>()[row]);
                Assert.Equal(firstNaN >= 0 ? double.NaN : mn, vn.Double().ToArray<double>()[row]);
            }
            Assert.Equal(x.Argmax(1).ToArray<long>(), i.ToArray<long>());
        }
    }

    [Fact]
    public void StdOfConstantRowsHasZeroGradientAsInPyTorch()
    {
        var x = Torch.Tensor(new[,] { { 2.0, 2.0, 2.0 }, { 1.0, 2.0, 4.0 } }, DType.Float64).RequiresGrad_();
        x.Std(1).Sum().Backward();
        var g = x.Grad!.ToArray<double>();
        Assert.Equal(new[] { 0.0, 0.0, 0.0 }, g[..3]);
        Assert.All(g[3..], v => Assert.True(double.IsFinite(v) && v != 0));
    }
}
