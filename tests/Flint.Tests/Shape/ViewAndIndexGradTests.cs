using Flint;

namespace Flint.Tests.Shape;

/// <summary>GradCheck and GradGradCheck (float64) of the view, join and gather/scatter ops; aliasing; error wording.</summary>
public class ViewAndIndexGradTests
{
    private static Tensor R(params long[] s) { lock (Generator.Default) return Torch.Randn(s, DType.Float64, new Generator(7)).RequiresGrad_(); }
    private static Tensor Idx(long[] v, params long[] shape) => Torch.Tensor(v, shape);

    public static IEnumerable<object[]> Fns() => new (string, Func<Tensor[], Tensor>, Func<Tensor[]>)[]
    {
        ("select", x => x[0].Select(1, -1) * 1.5, () => [R(3, 4)]),
        ("narrow", x => x[0].Narrow(0, 1, 2), () => [R(3, 4)]),
        ("slice", x => x[0].Slice(1, 0, 4, 2), () => [R(3, 4)]),
        ("squeeze", x => x[0].Squeeze(), () => [R(1, 3, 1)]),
        ("unsqueeze", x => x[0].T.Unsqueeze(1), () => [R(3, 2)]),
        ("unfold", x => x[0].Unfold(1, 3, 1), () => [R(2, 5)]),
        ("diagonal", x => x[0].Diagonal(-1, 0, 1), () => [R(4, 3)]),
        ("as_strided", x => x[0].AsStrided([3, 3], [1, 1], 0), () => [R(6)]),
        ("flatten", x => x[0].T.Flatten(), () => [R(3, 2)]),
        ("movedim", x => x[0].Movedim(0, 2), () => [R(2, 3, 2)]),
        ("cat", x => Torch.Cat([x[0], x[1].T], 1), () => [R(2, 3), R(4, 2)]),
        ("split", x => x[0].Split(2, 1)[1] * 2.0, () => [R(3, 5)]),
        ("split_with_sizes", x => { var p = x[0].T.Split([1, 3], 0); return p[0].Sum() + p[1] * p[1]; }, () => [R(3, 4)]),
        ("chunk", x => { var p = x[0].Chunk(3, 0); return p[0] * 2.0 + p[2] * 3.0; }, () => [R(6, 2)]),
        ("stack", x => Torch.Stack([x[0], x[1]], 2), () => [R(2, 3), R(2, 3)]),
        ("gather", x => x[0].Gather(1, Idx([0, 2, 2, 1, 0, 0], 2, 3)), () => [R(2, 3)]),
        ("scatter", x => x[0].Scatter(0, Idx([1, 0, 2], 1, 3), x[1]), () => [R(3, 3), R(1, 3)]),
        ("scatter_value", x => x[0].Scatter(1, Idx([1, 0], 2, 1), 3.0), () => [R(2, 3)]),
        ("scatter_add", x => x[0].ScatterAdd(0, Idx([1, 1, 0, 0, 1, 1], 2, 3), x[1]), () => [R(2, 3), R(2, 3)]),
        ("index_select", x => x[0].IndexSelect(0, Idx([2, 0, 2], 3)), () => [R(3, 2)]),
        ("index_add", x => x[0].IndexAdd(1, Idx([1, 1], 2), x[1], 0.5), () => [R(2, 3), R(2, 2)]),
    }.Select(t => new object[] { t.Item1, t.Item2, t.Item3 });

    [Theory]
    [MemberData(nameof(Fns))]
    public void GradCheckAndGradGradCheck(string name, Func<Tensor[], Tensor> fn, Func<Tensor[]> inputs)
    {
        Assert.True(Torch.Autograd.GradCheck(fn, inputs()), name);
        Assert.True(Torch.Autograd.GradGradCheck(fn, inputs()), name);
    }

    [Fact]
    public void ViewsShareStorageAndVersion()
    {
        var x = Torch.Zeros(3, 4);
        var v = x.Select(0, 1);
        var n = x.Narrow(1, 1, 2);
        var u = x.Unsqueeze(0).Squeeze(0).Unfold(1, 2, 2);
        Assert.True(v.SharesStorageWith(x));
        Assert.Same(x, v._base);
        Assert.Same(x, u._base);
        int before = x.Version;
        v.Fill_(7);
        Assert.Equal(before + 1, x.Version);
        Assert.Equal(x.Version, n.Version);
        Assert.Equal(new float[] { 0, 0, 0, 0, 7, 7, 7, 7, 0, 0, 0, 0 }, x.ToArray<float>());
        Assert.Equal(new float[] { 0, 0, 7, 7, 0, 0 }, n.ToArray<float>());
        Assert.Equal(new long[] { 3, 2, 2 }, u.Shape);
    }

    [Fact]
    public void SplitGradientIsZeroForPiecesWithoutGradientAndPiecesAreViews()
    {
        // PyTorch: a, b, c = x.chunk(3); (a*2 + c*3).sum().backward() gives rows of 2, 0, 3
        var x = Torch.Ones(6, 4).RequiresGrad_();
        var p = x.Chunk(3, 0);
        (p[0] * 2 + p[2] * 3).Sum().Backward();
        Assert.Equal(new float[] { 2, 2, 2, 2, 2, 2, 2, 2, 0, 0, 0, 0, 0, 0, 0, 0, 3, 3, 3, 3, 3, 3, 3, 3 }, x.Grad!.ToArray<float>());
        var y = Torch.Zeros(4, 3);
        y.Split(2, 0)[1].Fill_(5f); // the pieces share y's storage
        Assert.Equal(new float[] { 0, 0, 0, 0, 0, 0, 5, 5, 5, 5, 5, 5 }, y.ToArray<float>());
    }

    [Fact]
    public void GradFnNames()
    {
        var x = R(3, 4);
        Assert.Equal("SelectBackward0", x.Select(0, 1).GradFn!.Name);
        Assert.Equal("SliceBackward0", x.Narrow(0, 1, 1).GradFn!.Name);
        Assert.Equal("SqueezeBackward1", x.Squeeze(0).GradFn!.Name);
        Assert.Equal("UnsqueezeBackward0", x.Unsqueeze(0).GradFn!.Name);
        Assert.Equal("CatBackward0", Torch.Cat([x, x]).GradFn!.Name);
        Assert.Equal("SplitBackward0", x.Split(2)[0].GradFn!.Name);
        Assert.Equal("SplitWithSizesBackward0", x.Split([1, 2])[1].GradFn!.Name);
        Assert.Equal("SplitBackward0", x.Chunk(2, 1)[0].GradFn!.Name);
        Assert.Equal("StackBackward0", Torch.Stack([x, x]).GradFn!.Name);
        Assert.Equal("GatherBackward0", x.Gather(0, Idx([0], 1, 1)).GradFn!.Name);
        Assert.Equal("IndexSelectBackward0", x.IndexSelect(0, Idx([0], 1)).GradFn!.Name);
    }

    [Fact]
    public void ErrorMessagesInPyTorchsWords()
    {
        var a = Torch.Zeros(2, 3);
        Assert.Equal("Sizes of tensors must match except in dimension 1. Expected size 2 but got size 3 for tensor number 1 in the list.",
            Assert.Throws<ArgumentException>(() => Torch.Cat([a, Torch.Zeros(3, 3)], 1)).Message);
        Assert.Equal("Tensors must have same number of dimensions: got 2 and 1", Assert.Throws<ArgumentException>(() => Torch.Cat([a, Torch.Zeros(3)])).Message);
        Assert.Equal("torch.cat(): expected a non-empty list of Tensors", Assert.Throws<ArgumentException>(() => Torch.Cat([])).Message);
        Assert.Equal("stack expects each tensor to be equal size, but got [2, 3] at entry 0 and [3, 3] at entry 1",
            Assert.Throws<ArgumentException>(() => Torch.Stack([a, Torch.Zeros(3, 3)])).Message);
        Assert.Equal("select(): index 5 out of range for tensor of size [2, 3] at dimension 0", Assert.Throws<IndexOutOfRangeException>(() => a.Select(0, 5)).Message);
        Assert.Equal("start (1) + length (5) exceeds dimension size (2).", Assert.Throws<ArgumentException>(() => a.Narrow(0, 1, 5)).Message);
        Assert.Equal("index out of range in self", Assert.Throws<IndexOutOfRangeException>(() => a.IndexSelect(0, Idx([5], 1))).Message);
        Assert.Equal("index 5 is out of bounds for dimension 0 with size 2", Assert.Throws<IndexOutOfRangeException>(() => a.Gather(0, Idx([5], 1, 1))).Message);
        Assert.Equal("gather(): Expected dtype int64 for index", Assert.Throws<ArgumentException>(() => a.Gather(0, Torch.Zeros(1, 1))).Message);
        Assert.Equal("maximum size for tensor at dimension 1 is 3 but size is 4", Assert.Throws<ArgumentException>(() => a.Unfold(1, 4, 1)).Message);
        Assert.Equal("flatten() has invalid args: start_dim cannot come after end_dim", Assert.Throws<ArgumentException>(() => a.Flatten(1, 0)).Message);
        Assert.Equal("unflatten: Provided sizes [2, 2] don't multiply up to the size of dim 1 (3) in the input tensor", Assert.Throws<ArgumentException>(() => a.Unflatten(1, 2, 2)).Message);
        Assert.Equal("Dimension out of range (expected to be in range of [-3, 2], but got 3)", Assert.Throws<IndexOutOfRangeException>(() => a.Unsqueeze(3)).Message);
        Assert.Equal("index_add_(): Number of indices (1) should be equal to source.size(dim): (2), for dim: 0",
            Assert.Throws<ArgumentException>(() => a.IndexAdd(0, Idx([0], 1), Torch.Zeros(2, 3))).Message);
    }
}

public class ShapeOpGradTests
{
    private static Tensor R(params long[] s) => Torch.Randn(s, DType.Float64, new Generator(11)).RequiresGrad_();

    public static IEnumerable<object[]> Fns() => new (string, Func<Tensor[], Tensor>, Func<Tensor[]>)[]
    {
        ("split", x => x[0].Split(2, 1)[1] * 2, () => [R(2, 5)]),
        ("chunk", x => x[0].Chunk(2, 0)[0], () => [R(3, 2)]),
        ("unbind", x => x[0].Unbind(1)[2], () => [R(2, 3)]),
        ("flip", x => x[0].Flip(0, 1), () => [R(2, 3)]),
        ("roll", x => x[0].Roll([1, -1], [0, 1]), () => [R(3, 2)]),
        ("repeat", x => x[0].Repeat(2, 1, 2), () => [R(2, 3)]),
        ("repeat_interleave", x => x[0].RepeatInterleave(2, 1), () => [R(2, 3)]),
        ("tril", x => x[0].Tril(-1), () => [R(3, 3)]),
        ("triu", x => x[0].T.Triu(1), () => [R(3, 4)]),
        ("diag", x => x[0].Diag(1), () => [R(3)]),
        ("diag_embed", x => x[0].DiagEmbed(0, 0, 2), () => [R(2, 3)]),
        ("pad_constant", x => Torch.Pad(x[0], [1, -1, 2, 0], value: 3), () => [R(2, 3)]),
        ("pad_reflect", x => Torch.Pad(x[0], [2, 1], "reflect"), () => [R(2, 4)]),
        ("pad_replicate", x => Torch.Pad(x[0], [1, 2, 1, 0], "replicate"), () => [R(1, 2, 3)]),
        ("pad_circular", x => Torch.Pad(x[0], [2, 1], "circular"), () => [R(1, 2, 3)]),
        ("meshgrid", x => Torch.Meshgrid([x[0], x[1]], "xy")[0], () => [R(3), R(2)]),
        ("hstack", x => Torch.Hstack([x[0], x[1]]), () => [R(2, 1), R(2, 2)]),
    }.Select(t => new object[] { t.Item1, t.Item2, t.Item3 });

    [Theory]
    [MemberData(nameof(Fns))]
    public void GradCheckAndGradGradCheck(string name, Func<Tensor[], Tensor> fn, Func<Tensor[]> inputs)
    {
        Assert.True(Torch.Autograd.GradCheck(fn, inputs()), name);
        Assert.True(Torch.Autograd.GradGradCheck(fn, inputs()), name);
    }

    [Fact]
    public void ShapeOpErrors()
    {
        var a = Torch.Zeros(2, 3);
        Assert.Equal("Number of dimensions of repeat dims can not be smaller than number of dimensions of tensor", Assert.Throws<ArgumentException>(() => a.Repeat(2)).Message);
        Assert.Equal("split_size can only be 0 if dimension size is 0, but got dimension size of 2", Assert.Throws<ArgumentException>(() => a.Split(0)).Message);
        Assert.Equal("chunk expects `chunks` to be greater than 0, got: 0", Assert.Throws<ArgumentException>(() => a.Chunk(0)).Message);
        Assert.Equal("shifts and dimensions must align. shifts: 1, dims:2", Assert.Throws<ArgumentException>(() => a.Roll([1], [0, 1])).Message);
        Assert.Equal("Argument #4: Padding size should be less than the corresponding input dimension, but got: padding (5, 5) at dimension 1 of input [2, 3]",
            Assert.Throws<ArgumentException>(() => Torch.Pad(a, [5, 5], "reflect")).Message);
    }
}

public class LayoutErrorTests
{
    [Fact]
    public void LayoutErrorsInPyTorchsWords()
    {
        var a = Torch.Zeros(2, 3);
        Assert.Equal("permute(sparse_coo): number of dimensions in the tensor input does not match the length of the desired ordering of dimensions i.e. input.dim() = 2 is not equal to len(dims) = 1",
            Assert.Throws<ArgumentException>(() => a.Permute(0)).Message);
        Assert.Equal("permute(): duplicate dims are not allowed.", Assert.Throws<ArgumentException>(() => a.Permute(0, 0)).Message);
        Assert.Equal("expand(torch.IntTensor{[2, 3]}, size=[3]): the number of sizes provided (1) must be greater or equal to the number of dimensions in the tensor (2)",
            Assert.Throws<ArgumentException>(() => a.Int().Expand(3)).Message);
        Assert.Equal("only one dimension can be inferred", Assert.Throws<ArgumentException>(() => a.View(-1, -1)).Message);
        Assert.Equal("shape '[5]' is invalid for input of size 6", Assert.Throws<ArgumentException>(() => a.Reshape(5)).Message);
        Assert.Equal("view size is not compatible with input tensor's size and stride (at least one dimension spans across two contiguous subspaces). Use .reshape(...) instead.",
            Assert.Throws<InvalidOperationException>(() => a.T.View(6)).Message);
        Assert.Equal("narrow() cannot be applied to a 0-dim tensor.", Assert.Throws<ArgumentException>(() => Torch.ScalarTensor(3.0).Narrow(0, 0, 1)).Message);
        Assert.Equal("select() cannot be applied to a 0-dim tensor.", Assert.Throws<IndexOutOfRangeException>(() => Torch.ScalarTensor(3.0).Select(0, 0)).Message);
        Assert.Equal("diagonal dimensions cannot be identical 0, 0", Assert.Throws<ArgumentException>(() => a.Diagonal(0, 0, 0)).Message);
        Assert.Equal("step is 0 but must be > 0", Assert.Throws<ArgumentException>(() => a.Unfold(0, 2, 0)).Message);
    }

    [Fact]
    public void ReshapeCopiesOnlyWhenItMust()
    {
        var a = Torch.Arange(6.0).Reshape(2, 3);
        Assert.True(a.Reshape(3, 2).SharesStorageWith(a));
        var c = a.T.Reshape(6);
        Assert.False(c.SharesStorageWith(a));
        Assert.Equal(new float[] { 0, 3, 1, 4, 2, 5 }, c.ToArray<float>());
    }
}
