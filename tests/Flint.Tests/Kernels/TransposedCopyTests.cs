using Xunit;

namespace Flint.Tests.Kernels;

/// <summary>Making a transposed view contiguous (the 8×8-block path for 4-byte elements, the tiled path otherwise).</summary>
public class TransposedCopyTests
{
    [Theory]
    [InlineData(16, 16)]
    [InlineData(17, 23)]   // edges in both dims
    [InlineData(40, 1024)] // a large power-of-two source stride
    [InlineData(257, 19)]
    public void TransposeContiguousMatchesElementwise(int rows, int cols)
    {
        foreach (var dtype in new[] { DType.Float32, DType.Int32, DType.Float64 })
        {
            var x = Torch.Arange(2 * rows * cols, dtype: dtype).Reshape(2, rows, cols);
            var y = x.Transpose(1, 2).Contiguous(); // [2, cols, rows]
            Assert.True(y.IsContiguous());
            var xs = x.To(DType.Float64).ToArray<double>();
            var ys = y.To(DType.Float64).ToArray<double>();
            for (int b = 0; b < 2; b++)
                for (int j = 0; j < cols; j++)
                    for (int i = 0; i < rows; i++)
                        Assert.Equal(xs[(b * rows + i) * cols + j], ys[(b * cols + j) * rows + i]);
        }
    }

    /// <summary>Copies above half a megabyte split their rows over threads: each part must start at its own row.</summary>
    [Fact]
    public void LargeStridedCopiesSplitAcrossThreadsMatchElementwise()
    {
        foreach (var dtype in new[] { DType.Float32, DType.Float64, DType.Int16 })
        {
            var x = Torch.Arange(7 * 33 * 1300, dtype: dtype).Reshape(7, 33, 1300);
            var y = x.Permute(1, 0, 2)[.., 1.., 3..].Contiguous(); // [33, 6, 1297], offset source, inner dim contiguous
            var xs = x.To(DType.Float64).ToArray<double>();
            var ys = y.To(DType.Float64).ToArray<double>();
            for (int a = 0; a < 33; a++)
                for (int b = 0; b < 6; b++)
                    for (int c = 0; c < 1297; c += (c < 20 || c > 1280) ? 1 : 97)
                        Assert.Equal(xs[((b + 1) * 33 + a) * 1300 + c + 3], ys[(a * 6 + b) * 1297 + c]);
            var parts = new[] { x[.., .., ..400], x[.., .., 400..], x[.., .., ..1] };
            var cat = Torch.Cat(parts, 2).To(DType.Float64).ToArray<double>(); // [7, 33, 1301]
            for (int r = 0; r < 7 * 33; r += 5)
                for (int c = 0; c < 1301; c += 13)
                    Assert.Equal(c < 1300 ? xs[r * 1300 + c] : xs[r * 1300], cat[r * 1301 + c]);
        }
    }
}
