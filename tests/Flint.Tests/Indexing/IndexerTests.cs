using Flint;

namespace Flint.Tests.Indexing;

/// <summary>The C# forms of indexing (ints, ^, ranges), aliasing of basic indexing, errors, gradchecks.</summary>
public class IndexerTests
{
    private static Tensor R(params long[] s) => Torch.Randn(s, DType.Float64, new Generator(3)).RequiresGrad_();

    [Fact]
    public void CSharpIndicesAndRangesAreViews()
    {
        var x = Torch.Arange(12).Reshape(3, 4);
        Assert.Equal(new long[] { 4, 5, 6, 7 }, x[1].ToArray<long>());
        Assert.Equal(new long[] { 8, 9, 10, 11 }, x[^1].ToArray<long>());
        Assert.Equal(new long[] { 4, 5, 6, 7, 8, 9, 10, 11 }, x[1..3].ToArray<long>());
        Assert.Equal(new long[] { 0, 4, 8 }, x[.., 0].ToArray<long>());
        Assert.Equal(new long[] { 1, 2, 5, 6 }, x[..^1, 1..^1].ToArray<long>());
        Assert.Equal(new long[] { 0, 2, 8, 10 }, x[Torch.Slice(0, 10, 2), Torch.Slice(step: 2)].ToArray<long>());
        Assert.Equal(new long[] { 1, 3, 1, 3 }, x[TensorIndex.None, .., TensorIndex.None, 1..].Shape);
        Assert.Equal(7L, x[1, ^1].Item<long>());
        Assert.True(x[1..].SharesStorageWith(x));
        Assert.False(x[Torch.Tensor(new long[] { 0, 2 })].SharesStorageWith(x));
    }

    [Fact]
    public void AssignmentWritesThrough()
    {
        var x = Torch.Zeros(3, 4);
        int v = x.Version;
        x[1] = Torch.Tensor(new[] { 1f, 2f, 3f, 4f });
        x[.., 0] = Torch.ScalarTensor(9f);
        x.IndexPut_([TensorIndex.Ellipsis, ^1], 5);
        x[x.Eq0()] = Torch.ScalarTensor(-1f);
        Assert.True(x.Version > v);
        Assert.Equal(new float[] { 9, -1, -1, 5, 9, 2, 3, 5, 9, -1, -1, 5 }, x.ToArray<float>());
    }

    [Fact]
    public void AssignmentIntoAViewOfANonLeafIsDifferentiable()
    {
        var a = R(3, 2);
        var b = a * 2;
        b[Torch.Tensor(new long[] { 0, 0 })] = R(2).Detach() * 0 + a[2];
        var g = Torch.Autograd.Grad(b.Sum(), [a])[0]!;
        // row 0 was overwritten (gets nothing), row 2 contributes twice more through the write
        Assert.Equal(new[] { 0.0, 0, 2, 2, 4, 4 }, g.ToArray<double>());
    }

    [Fact]
    public void IndexErrorsInPyTorchsWords()
    {
        var a = Torch.Zeros(2, 3);
        Assert.Equal("index 5 is out of bounds for dimension 0 with size 2", Assert.Throws<IndexOutOfRangeException>(() => a[5]).Message);
        Assert.Equal("index 7 is out of bounds for dimension 1 with size 3", Assert.Throws<IndexOutOfRangeException>(() => a[.., 7]).Message);
        Assert.Equal("too many indices for tensor of dimension 2", Assert.Throws<IndexOutOfRangeException>(() => a[0, 0, 0]).Message);
        Assert.Equal("index 7 is out of bounds for dimension 0 with size 2", Assert.Throws<IndexOutOfRangeException>(() => a[Torch.Tensor(new long[] { 7 })]).Message);
        Assert.Equal("The shape of the mask [3] at index 0 does not match the shape of the indexed tensor [2, 3] at index 0",
            Assert.Throws<IndexOutOfRangeException>(() => a[Torch.Tensor(new[] { true, false, true })]).Message);
        Assert.Equal("an index can only have a single ellipsis ('...')", Assert.Throws<IndexOutOfRangeException>(() => a[TensorIndex.Ellipsis, TensorIndex.Ellipsis]).Message);
        var x = Torch.Zeros(3);
        Assert.Equal("index 5 is out of bounds for dimension 0 with size 3", Assert.Throws<IndexOutOfRangeException>(() => x[5] = Torch.ScalarTensor(1f)).Message);
    }

    public static IEnumerable<object[]> Fns() => new (string, Func<Tensor[], Tensor>, Func<Tensor[]>)[]
    {
        ("basic", x => x[0][1.., TensorIndex.None, Torch.Slice(0, 3, 2)], () => [R(3, 4)]),
        ("advanced", x => x[0][Torch.Tensor(new long[] { 2, 0, 2 }), 1..], () => [R(3, 4)]),
        ("advanced-separated", x => x[0][Torch.Tensor(new long[] { 1, 0 }), .., Torch.Tensor(new long[] { 1, 1 })], () => [R(2, 3, 2)]),
        ("mask", x => x[0][x[0].Detach().Gt0()], () => [R(3, 4)]),
        ("index_put", x => x[0].IndexPut([Torch.Tensor(new long[] { 0, 2 })], x[1]), () => [R(3, 2), R(2)]),
        ("index_put_acc", x => x[0].IndexPut([Torch.Tensor(new long[] { 0, 0 })], x[1], true), () => [R(3, 2), R(2, 2)]),
        ("masked_fill", x => x[0].MaskedFill(Torch.Tensor(new[] { true, false }), 2.0), () => [R(3, 2)]),
        ("masked_select", x => x[0].MaskedSelect(Torch.Tensor(new[] { true, false })), () => [R(3, 2)]),
        ("masked_scatter", x => x[0].MaskedScatter(Torch.Tensor(new[] { true, false, true }), x[1]), () => [R(2, 3), R(5)]),
    }.Select(t => new object[] { t.Item1, t.Item2, t.Item3 });

    [Theory]
    [MemberData(nameof(Fns))]
    public void GradCheckAndGradGradCheck(string name, Func<Tensor[], Tensor> fn, Func<Tensor[]> inputs)
    {
        Assert.True(Torch.Autograd.GradCheck(fn, inputs()), name);
        Assert.True(Torch.Autograd.GradGradCheck(fn, inputs()), name);
    }
}

internal static class MaskHelpers
{
    // Comparison ops belong to the pointwise family; these tests only need masks, built from values directly.
    public static Tensor Eq0(this Tensor x) => Mask(x, v => v == 0);
    public static Tensor Gt0(this Tensor x) => Mask(x, v => v > 0);
    private static Tensor Mask(Tensor x, Func<double, bool> f)
        => Torch.Tensor(x.Detach().To(DType.Float64).ToArray<double>().Select(f).ToArray(), x.Shape);
}
