using Flint.Ops;
using Xunit;

namespace Flint.Tests.Pointwise;

/// <summary>
/// In-place elementwise ops (add_, mul_, exp_ …) write straight into their tensor when nothing records them, and keep
/// PyTorch's in-place semantics either way: results, aliasing through views, version counters, autograd.
/// </summary>
public class InPlaceTests
{
    // 10: the scalar tail only; 100 000: split across threads; 3 000 000: streaming stores
    public static TheoryData<int> Sizes => new() { 10, 100_000, 3_000_000 };

    private static readonly (string Name, Func<Tensor, Tensor, Tensor> InPlace, Func<Tensor, Tensor, Tensor> OutOfPlace)[] Binary =
    [
        ("add_", (x, y) => x.Add_(y), (x, y) => x + y),
        ("add_ alpha", (x, y) => x.Add_(y, 2.5), (x, y) => x.Add(y, 2.5)),
        ("sub_", (x, y) => x.Sub_(y), (x, y) => x - y),
        ("mul_", (x, y) => x.Mul_(y), (x, y) => x * y),
        ("div_", (x, y) => x.Div_(y), (x, y) => x / y),
        ("div_ floor", (x, y) => x.Div_(y, "floor"), (x, y) => x.Div(y, "floor")),
        ("add_ scalar", (x, _) => x.Add_(0.25), (x, _) => x + 0.25),
        ("mul_ scalar", (x, _) => x.Mul_(-3), (x, _) => x * -3),
        ("div_ scalar", (x, _) => x.Div_(7), (x, _) => x / 7),
        ("floor_divide_", (x, y) => x.FloorDivide_(y), (x, y) => x.FloorDivide(y)),
        ("pow_", (x, y) => x.Pow_(y), (x, y) => x.Pow(y)),
        ("pow_ scalar", (x, _) => x.Pow_(3), (x, _) => x.Pow(3)),
        ("pow_ 0.5", (x, _) => x.Pow_(0.5), (x, _) => x.Pow(0.5)),
        ("fmod_", (x, y) => x.Fmod_(y), (x, y) => x.Fmod(y)),
        ("remainder_", (x, y) => x.Remainder_(y), (x, y) => x.Remainder(y)),
        ("remainder_ scalar", (x, _) => x.Remainder_(0.3), (x, _) => x.Remainder(0.3)),
        ("atan2_", (x, y) => x.Atan2_(y), (x, y) => x.Atan2(y)),
        ("hypot_", (x, y) => x.Hypot_(y), (x, y) => x.Hypot(y)),
    ];

    private static readonly (string Name, Func<Tensor, Tensor> InPlace, Func<Tensor, Tensor> OutOfPlace)[] Unary =
    [
        ("neg_", x => x.Neg_(), x => x.Neg()), ("abs_", x => x.Abs_(), x => x.Abs()), ("exp_", x => x.Exp_(), x => x.Exp()),
        ("log_", x => x.Log_(), x => x.Log()), ("sqrt_", x => x.Sqrt_(), x => x.Sqrt()), ("rsqrt_", x => x.Rsqrt_(), x => x.Rsqrt()),
        ("reciprocal_", x => x.Reciprocal_(), x => x.Reciprocal()), ("sin_", x => x.Sin_(), x => x.Sin()),
        ("cos_", x => x.Cos_(), x => x.Cos()), ("tanh_", x => x.Tanh_(), x => x.Tanh()),
        ("sigmoid_", x => x.Sigmoid_(), x => x.Sigmoid()), ("relu_", x => x.Relu_(), x => x.Relu()),
        ("exp2_", x => x.Exp2_(), x => x.Exp2()), ("expm1_", x => x.Expm1_(), x => x.Expm1()),
        ("log2_", x => x.Log2_(), x => x.Log2()), ("log10_", x => x.Log10_(), x => x.Log10()),
        ("log1p_", x => x.Log1p_(), x => x.Log1p()), ("square_", x => x.Square_(), x => x.Square()),
        ("tan_", x => x.Tan_(), x => x.Tan()), ("asin_", x => x.Asin_(), x => x.Asin()), ("acos_", x => x.Acos_(), x => x.Acos()),
        ("atan_", x => x.Atan_(), x => x.Atan()), ("sinh_", x => x.Sinh_(), x => x.Sinh()), ("cosh_", x => x.Cosh_(), x => x.Cosh()),
        ("asinh_", x => x.Asinh_(), x => x.Asinh()), ("acosh_", x => x.Acosh_(), x => x.Acosh()),
        ("atanh_", x => x.Atanh_(), x => x.Atanh()), ("erf_", x => x.Erf_(), x => x.Erf()), ("erfc_", x => x.Erfc_(), x => x.Erfc()),
        ("erfinv_", x => x.Erfinv_(), x => x.Erfinv()), ("lgamma_", x => x.Lgamma_(), x => x.Lgamma()),
        ("digamma_", x => x.Digamma_(), x => x.Digamma()), ("floor_", x => x.Floor_(), x => x.Floor()),
        ("ceil_", x => x.Ceil_(), x => x.Ceil()), ("trunc_", x => x.Trunc_(), x => x.Trunc()),
        ("round_", x => x.Round_(), x => x.Round()), ("round_ 2", x => x.Round_(2), x => x.Round(2)),
        ("frac_", x => x.Frac_(), x => x.Frac()), ("sign_", x => x.Sign_(), x => x.Sign()),
        ("logit_", x => x.Logit_(), x => x.Logit()), ("logit_ eps", x => x.Logit_(0.1), x => x.Logit(0.1)),
        ("nan_to_num_", x => x.NanToNum_(), x => x.NanToNum()), ("silu_", x => x.Silu_(), x => x.Silu()),
        ("mish_", x => x.Mish_(), x => x.Mish()), ("elu_", x => x.Elu_(0.5), x => x.Elu(0.5)), ("selu_", x => x.Selu_(), x => x.Selu()),
        ("leaky_relu_", x => x.LeakyRelu_(0.2), x => x.LeakyRelu(0.2)), ("hardtanh_", x => x.Hardtanh_(), x => x.Hardtanh()),
        ("hardsigmoid_", x => x.Hardsigmoid_(), x => x.Hardsigmoid()), ("hardswish_", x => x.Hardswish_(), x => x.Hardswish()),
        ("clamp_", x => x.Clamp_(-0.5, 0.7), x => x.Clamp(-0.5, 0.7)), ("clip_", x => x.Clip_(null, 0.3), x => x.Clip(null, 0.3)),
        ("clamp_min_", x => x.ClampMin_(0.1), x => x.ClampMin(0.1)), ("clamp_max_", x => x.ClampMax_(-0.1), x => x.ClampMax(-0.1)),
        ("relu6_", x => x.Relu6_(), x => x.Relu6()), ("celu_", x => x.Celu_(0.7), x => x.Celu(0.7)),
        ("F.relu inplace", x => Flint.NN.Functional.Relu(x, inplace: true), x => x.Relu()),
        ("F.leaky_relu inplace", x => Flint.NN.Functional.LeakyRelu(x, 0.3, inplace: true), x => x.LeakyRelu(0.3)),
    ];

    [Theory]
    [MemberData(nameof(Sizes))]
    public void WritesTheOutOfPlaceResultIntoItsOwnStorage(int n)
    {
        foreach (var dt in n > 1_000_000 ? [DType.Float32] : new[] { DType.Float32, DType.Float64 }) // the large size for its streaming stores
        {
            var x0 = Torch.Randn([n], dt, new Generator(1));
            var y = Torch.Rand([n], dt, new Generator(2)) + 0.5;
            foreach (var (name, inPlace, outOfPlace) in Binary)
            {
                var x = x0.Clone();
                var storage = x.Storage;
                int version = x.Version;
                var r = inPlace(x, y);
                Assert.Same(x, r);
                Assert.Same(storage, x.Storage);
                Assert.Equal(version + 1, x.Version);
                TensorAssert.Close(outOfPlace(x0, y), x, 0, 0, what: $"{name} {dt} n={n}");
            }
            foreach (var (name, inPlace, outOfPlace) in Unary)
            {
                var x = x0.Clone();
                var storage = x.Storage;
                Assert.Same(x, inPlace(x));
                Assert.Same(storage, x.Storage);
                // bit for bit (float64 sin and cos on millions of elements would differ by an ulp in a few places:
                // TensorPrimitives computes some elements of an in-place span by another path, as between span lengths)
                TensorAssert.Close(outOfPlace(x0), x, 0, 0, what: $"{name} {dt} n={n}");
            }
        }
    }

    [Fact]
    public void IntegerTensorsAndBroadcastOperands()
    {
        var i = Torch.Arange(12).View(3, 4);
        i.Mul_(3).Sub_(Torch.Tensor(new long[] { 1, 2, 3, 4 }));
        Assert.Equal(new long[] { -1, 1, 3, 5, 11, 13, 15, 17, 23, 25, 27, 29 }, i.Flatten().ToArray<long>());
        i.Clamp_(0, 20);
        Assert.Equal(new long[] { 0, 1, 3, 5, 11, 13, 15, 17, 20, 20, 20, 20 }, i.Flatten().ToArray<long>());
        // a float result cannot go into an int tensor, and a smaller tensor cannot take a broadcast result
        Assert.Equal("result type Float can't be cast to the desired output type Long",
            Assert.Throws<InvalidOperationException>(() => i.Mul_(2.5)).Message);
        Assert.Equal("result type Float can't be cast to the desired output type Long",
            Assert.Throws<InvalidOperationException>(() => i.Clamp_(0.5)).Message);
        Assert.Equal("output with shape [4] doesn't match the broadcast shape [3, 4]",
            Assert.Throws<ArgumentException>(() => Torch.Zeros(4).Add_(Torch.Ones(3, 4))).Message);
    }

    [Fact]
    public void ViewsSeeTheWriteAndOverlapsReadTheOldValues()
    {
        var b = Torch.Zeros(4, 8);
        b[1].Add_(1);               // a contiguous view: written in place through the base's storage
        b.T[2].Mul_(5);             // a strided view (column 2): computed aside, copied in
        var expected = Torch.Zeros(4, 8);
        expected[1] = Torch.Ones(8);
        expected[1, 2] = Torch.Tensor(5f);
        TensorAssert.Close(expected, b, 0, 0);

        var x = Torch.Arange(10, dtype: DType.Float32);
        x.Mul_(x);                  // the same tensor on both sides
        TensorAssert.Close(Torch.Arange(10, dtype: DType.Float32).Square(), x, 0, 0);

        var t = Torch.Arange(10, dtype: DType.Float32);
        t.Narrow(0, 1, 9).Add_(t.Narrow(0, 0, 9)); // overlapping views: every element from the old values
        Assert.Equal(new float[] { 0, 1, 3, 5, 7, 9, 11, 13, 15, 17 }, t.ToArray<float>());
    }

    [Fact]
    public void AutogradSeesTheWriteAsBefore()
    {
        // a value saved for backward, then overwritten without grad: backward reports it
        var w = Torch.Ones([3], requiresGrad: true);
        var x = Torch.Tensor(new[] { 1f, 2f, 3f });
        var y = (w * x).Sum();
        x.Mul_(2);
        Assert.Contains("modified by an inplace operation", Assert.ThrowsAny<Exception>(() => y.Backward()).Message);

        // recorded in-place ops still differentiate: d(3·a)/da = 3
        var a = Torch.Tensor(new[] { 1f, 2f }, requiresGrad: true);
        var c = a * 1;
        c.Mul_(3);
        c.Sum().Backward();
        Assert.Equal(new[] { 3f, 3f }, a.Grad!.ToArray<float>());

        // the manual SGD step: under no_grad a leaf that requires grad is updated in place and stays a leaf
        var p = Torch.Tensor(new[] { 1f, 2f }, requiresGrad: true);
        using (Torch.NoGrad()) p.Sub_(Torch.Tensor(new[] { 0.5f, 0.5f }));
        Assert.True(p.IsLeaf);
        Assert.Null(p.GradFn);
        Assert.Equal(new[] { 0.5f, 1.5f }, p.ToArray<float>());

        // a leaf that requires grad refuses an in-place op while grad is on
        Assert.Throws<InvalidOperationException>(() => p.Add_(1));
    }

    private sealed class Recorder : DispatchMode
    {
        public readonly List<string> Names = new();
        public override Tensor[] Dispatch(Op op, Tensor?[] inputs) { Names.Add(op.Name); return Dispatcher.Redispatch(op, inputs); }
    }

    [Fact]
    public void AModeStillSeesTheCopyOfAnInPlaceOp()
    {
        var x = Torch.Ones(4);
        var rec = new Recorder();
        using (rec.Push()) x.Add_(Torch.Ones(4));
        Assert.Equal(["add", "copy_"], rec.Names);
        Assert.Equal(new[] { 2f, 2f, 2f, 2f }, x.ToArray<float>());
    }
}

/// <summary>The direct write rents no temporary from the pool (pool state is global: this runs alone).</summary>
[Collection("BufferPool")]
public class InPlaceNoTemporaryTests
{
    [Fact]
    public void AnUnrecordedInPlaceOpRentsNothingAndARecordedOneDoes()
    {
        const int n = 1 << 20;
        var x = Torch.Ones(n);
        var y = Torch.Ones(n);
        x.Mul_(2); // warm
        Settle();
        long before = BufferPool.Stats().OutstandingBytes;
        x.Mul_(y).Add_(y).Exp_();
        new Flint.NN.ReLU(inplace: true).Call(x);
        Assert.True(BufferPool.Stats().OutstandingBytes - before < n * sizeof(float), "a temporary was rented");
        Assert.Equal(MathF.Exp(3f), x[n - 1].Item<float>());

        var w = Torch.Ones([n], requiresGrad: true) * 1; // a non-leaf that requires grad: autograd records the op
        Settle();
        before = BufferPool.Stats().OutstandingBytes;
        w.Mul_(y);
        Assert.True(BufferPool.Stats().OutstandingBytes - before >= n * sizeof(float), "the recorded form computes aside");
    }

    /// <summary>Hands every dead tensor's array back now, so no drain lowers the count mid-measurement.</summary>
    private static void Settle()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        _ = Torch.Ones(1) + 1f; // a safe point: pending arrays join the pool
    }
}
