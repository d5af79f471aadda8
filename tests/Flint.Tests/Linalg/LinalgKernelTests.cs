using Flint;

namespace Flint.Tests.Linalg;

/// <summary>The batched GEMM driver's paths: batches split across cores, large packed products, stride-0 batches.</summary>
public class LinalgKernelTests
{
    static Tensor Naive(Tensor a, Tensor b)
    {
        // float64 triple loop over the batch, as the reference
        var A = a.To(DType.Float64).Contiguous().ToArray<double>();
        var B = b.To(DType.Float64).Contiguous().ToArray<double>();
        int bs = (int)a.Size(0), m = (int)a.Size(1), k = (int)a.Size(2), n = (int)b.Size(2);
        var C = new double[bs * m * n];
        for (int q = 0; q < bs; q++)
            for (int i = 0; i < m; i++)
                for (int j = 0; j < n; j++)
                {
                    double s = 0;
                    for (int t = 0; t < k; t++) s += A[(q * m + i) * k + t] * B[(q * k + t) * n + j];
                    C[(q * m + i) * n + j] = s;
                }
        return Torch.Tensor(C, [bs, m, n], DType.Float64);
    }

    [Theory]
    [InlineData(64, 16, 16, 16)]   // many small products: split by batch across cores
    [InlineData(3, 70, 50, 40)]    // packed GEMM per batch
    [InlineData(12, 70, 80, 90)]   // products above the parallel threshold, enough of them to split by batch
    [InlineData(5, 1, 33, 9)]      // row-vector products
    public void BmmMatchesNaive(int bs, int m, int k, int n)
    {
        var a = LinalgGradCheckTests.R(bs, k, m).Detach().mT.To(DType.Float32);  // transposed operand
        var b = LinalgGradCheckTests.R(bs, k, n).Detach().To(DType.Float32);
        TensorAssert.Close(Naive(a, b), a.Bmm(b).To(DType.Float64), 1e-5, 1e-4);
        var ad = a.To(DType.Float64);
        TensorAssert.Close(Naive(ad, b), ad.Bmm(b.To(DType.Float64)), 1e-12, 1e-12);
    }

    [Fact]
    public void BroadcastBatchIsNotMaterialized()
    {
        // [1, m, k] expanded to [8, m, k] has batch stride 0; matmul must equal the per-batch products.
        var a = LinalgGradCheckTests.R(1, 3, 4).Detach();
        var b = LinalgGradCheckTests.R(8, 4, 2).Detach();
        var r = a.Expand(8, 3, 4).Bmm(b);
        TensorAssert.Close(Naive(a.Expand(8, 3, 4).Contiguous(), b), r, 1e-12, 1e-12);
    }

    [Fact]
    public void IntegerBmmWrapsLikePyTorch()
    {
        var a = Torch.Full([2, 2, 2], 100, DType.Int8);
        var r = a.Bmm(a);   // 100*100*2 = 20000 wraps in int8 to 32
        Assert.Equal(DType.Int8, r.DType);
        Assert.All(r.ToArray<sbyte>(), v => Assert.Equal(unchecked((sbyte)20000), v));
    }
}
