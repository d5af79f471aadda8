using System.Text.Json;
using Flint;
using F = Flint.NN.Functional;

namespace Flint.Tests.Parity;

/// <summary>
/// Issue 10's semantics, against parity_semantics.json from real PyTorch (tools/fixtures/gen_parity_semantics.py):
/// gradient dtypes, edge gradients of the losses, sign(NaN), order-0 norms, nonzero's layout, empty selections.
/// </summary>
public class SemanticsTests
{
    private static JsonElement Case(string name)
        => Fixture.Load("parity_semantics").Cases.Single(c => c.GetProperty("name").GetString() == name);

    private static Tensor T(JsonElement c, string key) => Fixture.Tensor(c.GetProperty(key));

    [Fact]
    public void EachGradientArrivesInItsInputsDType()
    {
        var c = Case("grad_dtypes");
        var a = T(c, "a").RequiresGrad_(); var b = T(c, "b").RequiresGrad_();
        var outp = (a + b) * b + a * 2;
        TensorAssert.Close(T(c, "out"), outp);
        outp.Backward(Torch.OnesLike(outp));
        TensorAssert.Close(T(c, "ga"), a.Grad!);
        TensorAssert.Close(T(c, "gb"), b.Grad!);
        // Torch.Autograd.Grad goes through the same engine
        var a2 = T(c, "a").RequiresGrad_();
        var g = Torch.Autograd.Grad([(a2 * T(c, "b")).Sum()], [a2]);
        Assert.Equal(DType.Float32, g[0]!.DType);
    }

    [Theory]
    [InlineData("bce_edges", true)]
    [InlineData("bce_edges_f32", false)]
    public void BinaryCrossEntropyGradientIsFiniteAtZeroAndOne(string name, bool none)
    {
        var c = Case(name);
        var x = T(c, "x").RequiresGrad_();
        var loss = F.BinaryCrossEntropy(x, T(c, "y"), reduction: none ? Flint.NN.Reduction.None : Flint.NN.Reduction.Mean);
        TensorAssert.Close(T(c, "out"), loss);
        loss.Backward(Torch.OnesLike(loss));
        TensorAssert.Close(T(c, "grad"), x.Grad!, rtol: 1e-6);
    }

    [Fact]
    public void BinaryCrossEntropyGradChecksInBothArguments()
    {
        var x = Torch.Tensor(new[] { 0.2, 0.7, 0.45, 0.9 }, DType.Float64).RequiresGrad_();
        var y = Torch.Tensor(new[] { 0.0, 1.0, 0.3, 0.6 }, DType.Float64).RequiresGrad_();
        Assert.True(Torch.Autograd.GradCheck(a => F.BinaryCrossEntropy(a[0], a[1]), [x, y]));
        Assert.True(Torch.Autograd.GradGradCheck(a => F.BinaryCrossEntropy(a[0], a[1], reduction: Flint.NN.Reduction.Sum), [x, y]));
    }

    [Theory]
    [InlineData("ce_all_ignored", -100)]
    [InlineData("ce_some_ignored", 2)]
    public void CrossEntropyWithIgnoredTargetsHasPyTorchsGradient(string name, long ignore)
    {
        var c = Case(name);
        var x = T(c, "x").RequiresGrad_();
        var loss = F.CrossEntropy(x, T(c, "t"), ignoreIndex: ignore);
        TensorAssert.Close(T(c, "out"), loss);
        loss.Backward();
        TensorAssert.Close(T(c, "grad"), x.Grad!);
    }

    [Fact]
    public void SignOfNaNIsZero()
    {
        var c = Case("sign");
        TensorAssert.Close(T(c, "out"), T(c, "x").Sign());
        TensorAssert.Close(T(c, "sgn"), Torch.Sgn(T(c, "x")));
        Assert.Equal(new[] { 0.0 }, Torch.Tensor(new[] { double.NaN }).Sign().ToArray<double>());
    }

    [Theory]
    [InlineData("vector_norm_ord0", true)]
    [InlineData("norm_p0", false)]
    public void OrderZeroNormsLeaveTheGradientUndefined(string name, bool linalg)
    {
        var c = Case(name);
        Assert.Equal(JsonValueKind.Null, c.GetProperty("grad").ValueKind);
        var x = T(c, "x").RequiresGrad_();
        var n = linalg ? Torch.Linalg.VectorNorm(x, 0) : x.Norm(0);
        TensorAssert.Close(T(c, "out"), n);
        n.Backward();
        Assert.Null(x.Grad);
        var y = T(c, "x").RequiresGrad_();
        (Torch.Linalg.VectorNorm(y, 0) + y.Sum()).Backward(); // another path still delivers its gradient
        Assert.Equal(new[] { 1f, 1, 1 }, y.Grad!.ToArray<float>());
    }

    [Theory]
    [InlineData("nonzero_2d")]
    [InlineData("nonzero_1d")]
    [InlineData("nonzero_empty")]
    [InlineData("nonzero_0d")]
    public void NonzeroHasPyTorchsStridesAndContiguousColumns(string name)
    {
        var c = Case(name);
        var nz = T(c, "x").Nonzero();
        TensorAssert.Close(T(c, "out"), nz);
        Assert.Equal(c.GetProperty("strides").EnumerateArray().Select(e => e.GetInt64()), nz.Stride());
        var cols = Torch.Where(T(c, "x"));
        var want = c.GetProperty("cols").EnumerateArray().ToList();
        var offsets = c.GetProperty("col_offsets").EnumerateArray().Select(e => e.GetInt64()).ToList();
        Assert.Equal(want.Count, cols.Length);
        for (int i = 0; i < cols.Length; i++)
        {
            TensorAssert.Close(Fixture.Tensor(want[i]), cols[i]);
            Assert.Equal(offsets[i], cols[i].StorageOffset);
        }
    }

    [Theory]
    [InlineData("mask_all_false")]
    [InlineData("mask_rows_all_false")]
    public void AnAllFalseMaskSelectsNothing(string name)
    {
        var c = Case(name);
        TensorAssert.Close(T(c, "out"), T(c, "x")[T(c, "mask")]);
    }

    [Fact]
    public void AssigningThroughAnAllFalseMaskWritesNothing()
    {
        var c = Case("mask_assign_all_false");
        var y = T(c, "x").Clone();
        y[Torch.Zeros([2, 3], DType.Bool)] = Torch.ScalarTensor(5f);
        y[Torch.Zeros([2], DType.Bool)] = Torch.ScalarTensor(7f);
        TensorAssert.Close(T(c, "out"), y);
    }

    [Fact]
    public void IndexingByTheColumnsOfAnEmptyNonzeroGivesAnEmptyTensor()
    {
        var c = Case("index_empty_nonzero");
        var x = T(c, "x");
        var nz = Torch.Zeros(2, 3).Nonzero();
        var (rows, cols) = (nz[.., 0], nz[.., 1]);
        Assert.Equal(c.GetProperty("col_offset").GetInt64(), cols.StorageOffset);
        TensorAssert.Close(T(c, "out"), x.Index(rows, cols));
        // the same columns at a non-zero offset (a view PyTorch also accepts)
        var wide = Torch.Zeros([0, 3], DType.Int64);
        TensorAssert.Close(T(c, "out"), x.Index(wide[.., 1], wide[.., 2]));
    }

    [Fact]
    public void IndexSelectWithAnEmptyIndexViewAtAnOffsetIsEmpty()
    {
        var c = Case("index_select_empty_view");
        var x = T(c, "x").RequiresGrad_();
        var idx = Torch.Tensor(new long[] { 1, 2, 3 })[3..];
        Assert.Equal(c.GetProperty("idx_offset").GetInt64(), idx.StorageOffset);
        var sel = x.IndexSelect(1, idx);
        TensorAssert.Close(T(c, "out"), sel);
        sel.Sum().Backward();
        TensorAssert.Close(T(c, "grad"), x.Grad!);
    }
}
