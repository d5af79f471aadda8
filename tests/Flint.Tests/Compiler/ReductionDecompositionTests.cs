using static Flint.Tests.Compiler.DecompositionCheck;

namespace Flint.Tests.Compiler;

/// <summary>mean, var, std, logsumexp, nansum, the norms and trace against their eager kernels.</summary>
public class ReductionDecompositionTests
{
    // The eager var, std, logsumexp, norm and trace accumulate in float64 and round once; the decompositions sum in the
    // input's dtype, so in float32 they differ by the rounding of a sum of up to 102 terms: 1e-5 relative (about 80
    // ulp) and 1e-6 absolute. float64: 1e-12 relative, 1e-14 absolute.
    private static Tol TolFor(DType t) => t == DType.Float32 ? new(1e-5, 1e-6) : new(1e-12, 1e-14);

    private static readonly (long[] Shape, int[]? Dims)[] Cases =
        [([7], null), ([3, 5], [1]), ([3, 5], [0]), ([2, 3, 17], [0, 2]), ([2, 3, 17], null), ([4, 1, 33], [-1])];

    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    public void MeanVarStdMatchEager(DType dtype)
    {
        foreach (var (shape, dims) in Cases)
            foreach (var keepdim in new[] { false, true })
            {
                var x = Randn(dtype, 2, shape) + 1;
                var d = dims ?? [];
                Check("mean", a => [a[0].Mean(d, keepdim)], [x], TolFor(dtype));
                Check("var", a => [a[0].Var(dims, 1, keepdim)], [x], TolFor(dtype));
                Check("var", a => [a[0].Var(dims, 0, keepdim)], [x], TolFor(dtype));
                Check("std", a => [a[0].Std(dims, 1, keepdim)], [x], TolFor(dtype));
                Check("var_mean", a => { var (v, m) = Torch.VarMean(a[0], dims, 1, keepdim); return [v, m]; }, [x], TolFor(dtype));
                Check("logsumexp", a => [a[0].Logsumexp(dims ?? [0], keepdim)], [x], TolFor(dtype));
                Check("nansum", a => [a[0].Nansum(d, keepdim)], [x], TolFor(dtype));
            }
    }

    [Fact]
    public void LogsumexpOfInfiniteRows()
    {
        var ninf = float.NegativeInfinity;
        var x = Torch.Tensor(new[] { ninf, ninf, ninf, float.PositiveInfinity, 0f, 2f, ninf, 1f, 0.5f }).View(3, 3);
        Check("logsumexp", a => [a[0].Logsumexp(1)], [x], TolFor(DType.Float32), grads: false);
        Assert.Equal(new[] { ninf, float.PositiveInfinity }, x.Logsumexp(1).ToArray<float>()[..2]);
    }

    [Fact]
    public void NansumSkipsNaN()
    {
        var x = Torch.Tensor(new[] { 1.5, double.NaN, -2, 4, double.NaN, 0.25 }).View(3, 2);
        Check("nansum", a => [a[0].Nansum(0)], [x], TolFor(DType.Float64));
    }

    [Fact]
    public void MeanOfIntegersWithADtype()
    {
        var x = Torch.Arange(12).View(3, 4);
        Check("mean", a => [a[0].Mean([1], dtype: DType.Float32)], [x], TolFor(DType.Float32), grads: false);
    }

    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    public void NormsMatchEager(DType dtype)
    {
        foreach (var p in new[] { 2.0, 1, 3, 0.5, double.PositiveInfinity, double.NegativeInfinity, 0 })
            foreach (var (shape, dims) in Cases)
            {
                var x = Randn(dtype, 2, shape);
                // p = 0 counts non-zeros: its gradient is zero on both sides
                Check("norm", a => [a[0].Norm(p, dims)], [x], TolFor(dtype));
                Check("linalg_vector_norm", a => [Torch.Linalg.VectorNorm(a[0], p, dims, keepdim: true)], [x], TolFor(dtype));
            }
    }

    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    public void TraceAndStackMatchEager(DType dtype)
    {
        Check("trace", a => [a[0].Trace()], [Randn(dtype, 1, 5, 7)], TolFor(dtype));
        Check("trace", a => [a[0].Trace()], [Randn(dtype, 1, 6, 3)], TolFor(dtype));
        var xs = new[] { Randn(dtype, 1, 3, 4), Randn(dtype, 2, 3, 4), Randn(dtype, 3, 3, 4) };
        foreach (var dim in new[] { 0, 1, 2, -1 })
            Check("stack", a => [Torch.Stack(a, dim)], xs, TolFor(dtype));
    }
}
