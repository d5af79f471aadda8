using static Flint.Tests.Compiler.DecompositionCheck;

namespace Flint.Tests.Compiler;

/// <summary>The composite activations and their backward ops against their eager kernels.</summary>
public class ActivationDecompositionTests
{
    private static readonly long[][] Shapes = [[7], [3, 5], [2, 3, 17], [4, 1, 33]];

    // Both sides sit a few ulp from the exact value: the eager float32 kernels are vectorized approximations (gelu's
    // rational tail is within 5.7e-7 of exact; exp, erf and tanh within a few ulp) and the decompositions round once
    // per op. Where a decomposition subtracts nearly equal terms (gelu's ½(1 + erf) for x ≪ 0, gelu_backward's
    // Φ(x) + x·φ(x)), its error is a few ulp of the terms (up to |g| ≈ 4 here), not of the result: hence an absolute
    // allowance of 4e-6 in float32 (about 32 ulp of 1) and 2e-14 in float64, with 1e-6 and 1e-13 relative.
    internal static Tol TolFor(DType t) => t == DType.Float32 ? new(1e-6, 4e-6) : new(1e-13, 2e-14);

    private static readonly (string Name, Func<Tensor, Tensor> F)[] Unary =
    [
        ("gelu", x => x.Gelu()),
        ("gelu", x => x.Gelu("tanh")),
        ("silu", x => x.Silu()),
        ("mish", x => x.Mish()),
        ("hardsigmoid", x => x.Hardsigmoid()),
        ("hardswish", x => x.Hardswish()),
        ("hardtanh", x => x.Relu6()),
        ("hardtanh", x => x.Hardtanh(-2, 1.5)),
        ("leaky_relu", x => x.LeakyRelu(0.1)),
        ("elu", x => x.Elu()),
        ("elu", x => x.Selu()),
        ("elu", x => x.Celu(0.7)),
        ("softplus", x => x.Softplus()),
        ("softplus", x => x.Softplus(2, 5)),
    ];

    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    public void ActivationsMatchEager(DType dtype)
    {
        foreach (var shape in Shapes)
            foreach (var (name, f) in Unary)
                Check(name, x => [f(x[0])], [Randn(dtype, 4, shape)], TolFor(dtype));
    }

    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    public void ActivationBackwardOpsMatchEager(DType dtype)
    {
        foreach (var shape in Shapes)
        {
            var g = Randn(dtype, 1, shape);
            var x = Randn(dtype, 4, shape);
            Check("gelu_backward", a => [Torch.GeluBackward(a[0], a[1])], [g, x], TolFor(dtype));
            Check("gelu_backward", a => [Torch.GeluBackward(a[0], a[1], "tanh")], [g, x], TolFor(dtype));
            Check("silu_backward", a => [Torch.SiluBackward(a[0], a[1])], [g, x], TolFor(dtype));
            Check("sigmoid_backward", a => [Torch.SigmoidBackward(a[0], a[1])], [g, x.Sigmoid()], TolFor(dtype));
            Check("tanh_backward", a => [Torch.TanhBackward(a[0], a[1])], [g, x.Tanh()], TolFor(dtype));
            Check("threshold_backward", a => [Torch.ThresholdBackward(a[0], a[1], 0)], [g, x], TolFor(dtype));
            Check("threshold_backward", a => [Torch.ThresholdBackward(a[0], a[1], 0.5)], [g, x], TolFor(dtype));
        }
    }

    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    public void BackwardOpsBroadcastTheirInputs(DType dtype)
    {
        var g = Randn(dtype, 1, 4, 1, 6);
        var x = Randn(dtype, 4, 3, 6);
        Check("gelu_backward", a => [Torch.GeluBackward(a[0], a[1])], [g, x], TolFor(dtype));
        Check("threshold_backward", a => [Torch.ThresholdBackward(a[0], a[1], 0)], [g, x], TolFor(dtype));
    }

    [Fact]
    public void ReluOfAGradientFlowsThroughThresholdBackward()
    {
        // relu's derivative is threshold_backward: a graph of relu's backward decomposes to where()
        var x = Randn(DType.Float32, 1, 5, 8);
        Check("relu", a => [a[0].Relu()], [x], TolFor(DType.Float32));
        var (_, ops) = RunDecomposed(() => [Torch.ThresholdBackward(x, x, 0)]);
        Assert.Contains(ops, op => op.Name == "where");
    }
}
