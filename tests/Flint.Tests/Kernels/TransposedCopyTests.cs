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
}
