using Flint;

namespace Flint.Tests.Linalg;

/// <summary>Shape and dtype errors, worded as PyTorch words them.</summary>
public class LinalgErrorTests
{
    static Tensor Z(params long[] s) => Torch.Zeros(s);
    static Tensor ZD(params long[] s) => Torch.Zeros(s, DType.Float64);

    public static IEnumerable<object[]> Errors() =>
    [
        [(Action)(() => Z(64, 4).Mm(Z(5, 10))), "mat1 and mat2 shapes cannot be multiplied (64x4 and 5x10)"],
        [(Action)(() => Z(4).Mm(Z(4, 10))), "self must be a matrix"],
        [(Action)(() => Z(3, 4).Mm(Z(4))), "mat2 must be a matrix"],
        [(Action)(() => Z(3, 4).Mm(ZD(4, 2))), "expected scalar type Float but found Double"],
        [(Action)(() => Torch.Matmul(Torch.Tensor(1f), Z(2, 2))), "both arguments to matmul need to be at least 1D, but they are 0D and 2D"],
        [(Action)(() => Torch.Matmul(Z(2, 2), Torch.Tensor(1f))), "both arguments to matmul need to be at least 1D, but they are 2D and 0D"],
        [(Action)(() => Torch.Matmul(Z(3), Z(4))), "inconsistent tensor size, expected tensor [3] and src [4] to have the same number of elements, but got 3 and 4 elements respectively"],
        [(Action)(() => Torch.Matmul(Z(2, 3), Z(4))), "size mismatch, got input (2), mat (2x3), vec (4)"],
        [(Action)(() => Torch.Matmul(Z(3), Z(4, 2))), "mat1 and mat2 shapes cannot be multiplied (1x3 and 4x2)"],
        [(Action)(() => Torch.Matmul(Z(5, 2, 3), Z(4, 2))), "mat1 and mat2 shapes cannot be multiplied (10x3 and 4x2)"],
        [(Action)(() => Torch.Matmul(Z(5, 2, 3), Z(5, 4, 2))), "Expected size for first two dimensions of batch2 tensor to be: [5, 3] but got: [5, 4]."],
        [(Action)(() => Torch.Matmul(Z(5, 2, 3), Z(4, 3, 2))), "The size of tensor a (5) must match the size of tensor b (4) at non-singleton dimension 0"],
        [(Action)(() => Torch.Matmul(Z(2, 3), ZD(3, 2))), "expected scalar type Float but found Double"],
        [(Action)(() => Z(2, 3, 4).Bmm(Z(2, 5, 6))), "Expected size for first two dimensions of batch2 tensor to be: [2, 4] but got: [2, 5]."],
        [(Action)(() => Z(3, 4).Bmm(Z(4, 6))), "batch1 must be a 3D tensor"],
        [(Action)(() => Z(2, 3, 4).Bmm(Z(4, 6))), "batch2 must be a 3D tensor"],
        [(Action)(() => Z(2, 3, 4).Baddbmm(Z(2, 3, 4), Z(2, 4, 3))), "The expanded size of the tensor (3) must match the existing size (4) at non-singleton dimension 2.  Target sizes: [2, 3, 3].  Tensor sizes: [2, 3, 4]"],
        [(Action)(() => Z(3, 4).Addmm(Z(2, 4), Z(4, 3))), "The expanded size of the tensor (3) must match the existing size (4) at non-singleton dimension 1.  Target sizes: [2, 3].  Tensor sizes: [3, 4]"],
        [(Action)(() => Z(3).Addmm(Z(2, 4), Z(5, 3))), "mat1 and mat2 shapes cannot be multiplied (2x4 and 5x3)"],
        [(Action)(() => Z(3).Addmm(Z(4), Z(4, 3))), "mat1 must be a matrix, got 1-D tensor"],
        [(Action)(() => ZD(3).Addmm(Z(2, 4), Z(4, 3))), "self and mat2 must have the same dtype"],
        [(Action)(() => Z(2, 4).Mv(Z(3))), "size mismatch, got input (2), mat (2x4), vec (3)"],
        [(Action)(() => Z(4).Mv(Z(4))), "vector + matrix @ vector expected, got 1, 1, 1"],
        [(Action)(() => Z(3).Addmv(Z(2, 4), Z(4))), "size mismatch, got input (3), mat (2x4), vec (4)"],
        [(Action)(() => Z(3).Dot(ZD(3))), "dot : expected both vectors to have same dtype, but found Float and Double"],
        [(Action)(() => Z(3, 1).Dot(Z(3))), "1D tensors expected, but got 2D and 1D tensors"],
        [(Action)(() => Torch.Ones([2, 2], DType.Bool).Mm(Torch.Ones([2, 2], DType.Bool))), "\"addmm_impl_cpu_\" not implemented for 'Bool'"],
        [(Action)(() => Torch.Ones([2], DType.Bool).Dot(Torch.Ones([2], DType.Bool))), "\"dot\" not implemented for 'Bool'"],
        [(Action)(() => Z(2, 3, 3).Trace()), "trace: expected a matrix, but got tensor with dim 3"],
        [(Action)(() => Z(3, 1).Outer(Z(3))), "outer: Expected 1-D argument self, but got 2-D"],
        [(Action)(() => Torch.Einsum("ij,jk->ik", Z(2, 3), Z(4, 5))), "einsum(): subscript j has size 4 for operand 1 which does not broadcast with previously seen size 3"],
        [(Action)(() => Torch.Einsum("ij,jk", Z(2, 3))), "einsum(): fewer operands were provided than specified in the equation"],
        [(Action)(() => Torch.Einsum("ij", Z(2, 3), Z(3))), "einsum(): more operands were provided than specified in the equation"],
        [(Action)(() => Torch.Einsum("ijk,jk->ik", Z(2, 3), Z(3, 5))), "einsum(): the number of subscripts in the equation (3) does not match the number of dimensions (2) for operand 0 and no ellipsis was given"],
        [(Action)(() => Torch.Einsum("ii->i", Z(2, 3))), "einsum(): subscript i is repeated for operand 0 but the sizes don't match, 3 != 2"],
        [(Action)(() => Torch.Einsum("ij->k", Z(2, 3))), "einsum(): output subscript k does not appear in the equation for any input operand"],
        [(Action)(() => Torch.Einsum("ij->ii", Z(2, 3))), "einsum(): output subscript i appears more than once in the output"],
        [(Action)(() => Torch.Einsum("i$->i", Z(2, 3))), "einsum(): invalid subscript given at index 1 in the equation string, subscripts must be in [a-zA-Z]"],
        [(Action)(() => Torch.Einsum("...ij,...jk", Z(2, 2, 3), Z(3, 3, 4))), "einsum(): dimension 0 covered by ellipsis in operand 1has size 3 which does not broadcast with previously seen ellipsis with size 2 for the respective dimension"],
        [(Action)(() => Torch.Einsum("ij,jk->ik", Z(2, 3), ZD(3, 5))), "expected scalar type Float but found Double"],
        [(Action)(() => Torch.Einsum("i.j->i", Z(2, 3))), "einsum(): found '.' for operand 0 that is not part of any ellipsis"],
        [(Action)(() => Torch.Einsum("ij->i->j", Z(2, 3))), "einsum(): invalid subscript given at index 5 in the equation string, subscripts must be in [a-zA-Z]"],
        [(Action)(() => Torch.Tensordot(Z(2, 3), Z(4, 5), 1)), "contracted dimensions need to match, but first has size 3 in dim -1 and second has size 4 in dim 0"],
        [(Action)(() => Torch.Tensordot(Z(2, 3), Z(3, 5), -1)), "tensordot expects dims >= 0, but got dims=-1"],
        [(Action)(() => Torch.Tensordot(Z(2, 3), Z(3, 5), [1, 0], [0])), "both dimension lists should have same length"],
        [(Action)(() => Torch.Linalg.VectorNorm(Torch.Ones([3], DType.Int32))), "linalg.vector_norm: Expected a floating point or complex tensor as input. Got Int"],
        [(Action)(() => Torch.Linalg.VectorNorm(Z(3), dtype: DType.Int32)), "linalg.vector_norm: dtype should be floating point or complex, but got Int"],
        [(Action)(() => Torch.Linalg.VectorNorm(ZD(3), dtype: DType.Float32)), "linalg.vector_norm: the dtype of the input (Double) should be convertible without narrowing to the specified dtype (Float)"],
        [(Action)(() => Torch.Linalg.VectorNorm(Z(0), double.PositiveInfinity)), "linalg.vector_norm cannot compute the inf norm on an empty tensor because the operation does not have an identity"],
        [(Action)(() => Torch.Linalg.VectorNorm(Z(0, 3), double.NegativeInfinity, [0])), "linalg.vector_norm cannot compute the -inf norm on the dimension 0because this dimension is empty and the operation does not have an identity"],
        [(Action)(() => Torch.Linalg.MatrixNorm(Z(3))), "linalg.matrix_norm: The input tensor A must have at least 2 dimensions."],
        [(Action)(() => Torch.Linalg.MatrixNorm(Z(3, 3), 3)), "linalg.matrix_norm: Order 3 not supported."],
        [(Action)(() => Torch.Linalg.MatrixNorm(Z(3, 3), "abc")), "linalg.matrix_norm: Order abc not supported."],
        [(Action)(() => Torch.Linalg.MatrixNorm(Z(3, 3), dim: [0, 0])), "linalg.matrix_norm: dims must be different. Got (0, 0)"],
        [(Action)(() => Torch.Linalg.MatrixNorm(Torch.Ones([3, 3], DType.Int64))), "linalg.matrix_norm: Expected a floating point or complex tensor as input. Got Long"],
        [(Action)(() => Torch.Linalg.Norm(Z(3, 3, 3), 1)), "linalg.norm: If dim is not specified but ord is, the input must be 1D or 2D. Got 3D."],
        [(Action)(() => Torch.Linalg.Norm(Z(3), "fro")), "linalg.matrix_norm: The input tensor A must have at least 2 dimensions."],
    ];

    [Theory]
    [MemberData(nameof(Errors))]
    public void Message(Action act, string message)
    {
        var ex = Assert.ThrowsAny<Exception>(act);
        Assert.Equal(message, ex.Message);
        Assert.True(ex is ArgumentException, ex.GetType().Name);
    }

    [Fact]
    public void TransposedOperandsAreNotCopied()
    {
        // mm of transposed views reads the original storage: the result equals the mm of explicit copies.
        var a = LinalgGradCheckTests.R(4, 3).Detach();
        var b = LinalgGradCheckTests.R(5, 4).Detach();
        var viaViews = a.mT.Mm(b.mT);
        var viaCopies = a.mT.Contiguous().Mm(b.mT.Contiguous());
        TensorAssert.Close(viaCopies, viaViews, 1e-12, 1e-12);
        Assert.False(a.mT.IsContiguous());
    }

    [Fact]
    public void IntegerAndHalfMatmul()
    {
        var a = Torch.Tensor(new long[,] { { 1, 2 }, { 3, 4 } });
        var r = a.Matmul(a);
        Assert.Equal(DType.Int64, r.DType);
        Assert.Equal(new long[] { 7, 10, 15, 22 }, r.ToArray<long>());
        var h = a.To(DType.Float16).Matmul(a.To(DType.Float16));
        Assert.Equal(DType.Float16, h.DType);
        Assert.Equal(new[] { 7.0, 10, 15, 22 }, h.To(DType.Float64).ToArray<double>());
    }

    [Fact]
    public void AddmmBetaZeroIgnoresNaNInSelf()
    {
        var self = Torch.Full([2, 2], double.NaN, DType.Float64);
        var m = Torch.Ones([2, 2], DType.Float64);
        var r = self.Addmm(m, m, beta: 0);
        Assert.Equal(new[] { 2.0, 2, 2, 2 }, r.ToArray<double>());
    }
}
