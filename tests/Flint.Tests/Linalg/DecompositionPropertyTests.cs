using Flint;

namespace Flint.Tests.Linalg;

/// <summary>
/// Identities the decompositions must satisfy on inputs larger than the fixtures' (several blocks of the blocked
/// kernels, rectangular and rank-deficient shapes), in both dtypes: A·A⁻¹ = I, P·L·U = A, Q·R = A with orthonormal Q,
/// U·S·Vh = A with orthonormal U and V (also completed ones), V·diag(λ)·Vᵀ = A.
/// </summary>
public class DecompositionPropertyTests
{
    static Tensor Rand(DType dtype, params long[] shape)
    {
        var g = new Generator(77);
        return Torch.Randn(shape, generator: g).To(dtype);
    }

    static void Close(Tensor expected, Tensor actual, double tol) => TensorAssert.Close(expected, actual, tol, tol, checkDType: true);

    static double Tol(DType t) => t == DType.Float64 ? 1e-9 : 2e-3;

    [Theory]
    [InlineData(DType.Float64, 200)]
    [InlineData(DType.Float32, 150)]
    public void InverseAndSolveOfManyBlocks(DType dtype, int n)
    {
        var a = Rand(dtype, n, n) + 4 * Torch.Eye(n, null, dtype);
        Close(Torch.Eye(n, null, dtype), a.Matmul(Torch.Linalg.Inv(a)), Tol(dtype));
        var b = Rand(dtype, n, 7);
        Close(b, a.Matmul(Torch.Linalg.Solve(a, b)), Tol(dtype));
        Close(b.mT, Torch.Linalg.Solve(a, b.mT, left: false).Matmul(a), Tol(dtype));
    }

    [Theory]
    [InlineData(130, 100)]
    [InlineData(100, 130)]
    [InlineData(129, 129)]
    public void LuReconstructs(int m, int n)
    {
        var a = Rand(DType.Float64, m, n);
        var (p, l, u) = Torch.Linalg.Lu(a);
        Close(a, p.Matmul(l).Matmul(u), 1e-10);
        Assert.True(l.Abs().Max().Item() <= 1 + 1e-12); // partial pivoting keeps |L| ≤ 1
    }

    [Fact]
    public void CholeskyOfManyBlocks()
    {
        var x = Rand(DType.Float64, 150, 150);
        var a = x.Matmul(x.mT) + Torch.Eye(150, null, DType.Float64);
        var l = Torch.Linalg.Cholesky(a);
        Close(a, l.Matmul(l.mT), 1e-9);
        Close(l, l.Tril(), 0);
        var u = Torch.Linalg.Cholesky(a, upper: true);
        Close(l.mT, u, 1e-12);
    }

    [Theory]
    [InlineData(7, 4, "complete")]
    [InlineData(4, 7, "complete")]
    [InlineData(90, 60, "reduced")]
    public void QrReconstructsWithOrthonormalQ(int m, int n, string mode)
    {
        var a = Rand(DType.Float64, 2, m, n);
        var (q, r) = Torch.Linalg.Qr(a, mode);
        Close(a, q.Matmul(r), 1e-10);
        Close(Torch.Eye(q.Size(-1), null, DType.Float64).Expand(2, q.Size(-1), q.Size(-1)), q.mT.Matmul(q), 1e-10);
        Close(r, r.Triu(), 0);
    }

    [Theory]
    [InlineData(6, 4, true)]
    [InlineData(4, 6, true)]
    [InlineData(50, 35, false)]
    public void SvdReconstructsWithOrthonormalVectors(int m, int n, bool full)
    {
        var a = Rand(DType.Float64, m, n);
        var (u, s, vh) = Torch.Linalg.Svd(a, full);
        int k = Math.Min(m, n);
        Close(a, (u.Narrow(-1, 0, k) * s).Matmul(vh.Narrow(-2, 0, k)), 1e-10);
        Close(Torch.Eye(u.Size(-1), null, DType.Float64), u.mT.Matmul(u), 1e-10);
        Close(Torch.Eye(vh.Size(-2), null, DType.Float64), vh.Matmul(vh.mT), 1e-10);
        var sv = s.ToArray<double>();
        for (int i = 1; i < sv.Length; i++) Assert.True(sv[i - 1] >= sv[i]);
    }

    [Fact]
    public void SvdOfRankDeficientMatrixCompletesU()
    {
        var a = Rand(DType.Float64, 5, 2).Matmul(Rand(DType.Float64, 2, 4)); // rank 2
        var (u, s, vh) = Torch.Linalg.Svd(a);
        Close(Torch.Eye(5, null, DType.Float64), u.mT.Matmul(u), 1e-10);
        Close(Torch.Eye(4, null, DType.Float64), vh.Matmul(vh.mT), 1e-10);
        Assert.True(s.ToArray<double>()[2] < 1e-12);
        Assert.Equal(2L, Torch.Linalg.MatrixRank(a).Item<long>());
    }

    [Theory]
    [InlineData(DType.Float64, 100)]
    [InlineData(DType.Float32, 30)]
    public void EighReconstructs(DType dtype, int n)
    {
        var x = Rand(dtype, n, n);
        var a = x + x.mT;
        var (l, v) = Torch.Linalg.Eigh(a);
        Assert.Equal(dtype, l.DType);
        Close(a, (v * l.Unsqueeze(-2)).Matmul(v.mT), dtype == DType.Float64 ? 1e-9 : 1e-3);
        Close(Torch.Eye(n, null, dtype), v.mT.Matmul(v), dtype == DType.Float64 ? 1e-10 : 1e-4);
    }

    [Fact]
    public void EighOfRepeatedEigenvalues()
    {
        var a = Torch.Eye(4, null, DType.Float64) * 2;
        var (l, v) = Torch.Linalg.Eigh(a);
        Close(Torch.Full([4], 2.0, DType.Float64), l, 1e-14);
        Close(a, (v * l).Matmul(v.mT), 1e-14);
    }

    [Fact]
    public void LuFactorExReportsTheZeroPivotInsteadOfThrowing()
    {
        var a = Torch.Stack([Torch.Eye(3, null, DType.Float64), Torch.Zeros([3, 3], DType.Float64)]);
        var (_, _, info) = Torch.Linalg.LuFactorEx(a);
        Assert.Equal(new[] { 0, 1 }, info.ToArray<int>());
    }

    [Fact]
    public void SvdOfNonFiniteInputIsPyTorchsError()
    {
        var a = Torch.Tensor(new[] { 1.0, double.NaN, 0, 1 }, [2, 2], DType.Float64);
        var ex = Assert.Throws<LinAlgException>(() => Torch.Linalg.Svd(a));
        Assert.Equal("linalg.svd: The algorithm failed to converge because the input matrix contained non-finite values.", ex.Message);
    }

    [Fact]
    public void TensorMethodsAndTorchAliases()
    {
        var a = Rand(DType.Float64, 3, 3) + 3 * Torch.Eye(3, null, DType.Float64);
        Close(Torch.Linalg.Inv(a), a.Inverse(), 0);
        Close(Torch.Linalg.Det(a), a.Det(), 0);
        Close(Torch.Linalg.MatrixPower(a, 3), a.MatrixPower(3), 0);
        Close(a.Matmul(a).Matmul(a), Torch.MatrixPower(a, 3), 1e-12);
        var (u, s, v) = a.Svd();
        Close(a, (u * s).Matmul(v.mT), 1e-12);
        Close(Torch.Linalg.Pinv(a), a.Pinverse(), 1e-12);
    }

    [Fact]
    public void EmptyMatrices()
    {
        var (u, s, vh) = Torch.Linalg.Svd(Torch.Zeros([3, 0], DType.Float64));
        Assert.Equal(new long[] { 3, 3 }, u.Shape);
        Assert.Equal(new long[] { 0 }, s.Shape);
        Assert.Equal(new long[] { 0, 0 }, vh.Shape);
        Assert.Equal(new long[] { 0, 0 }, Torch.Linalg.Inv(Torch.Zeros([0, 0], DType.Float64)).Shape);
        Assert.Equal(1.0, Torch.Linalg.Det(Torch.Zeros([0, 0], DType.Float64)).Item());
        Assert.Equal(new long[] { 0, 0 }, Torch.Linalg.Qr(Torch.Zeros([2, 0], DType.Float64)).R.Shape);
    }
}
