using Flint;

namespace Flint.Tests.Linalg;

/// <summary>Finite-difference gradient and second-derivative checks (float64) of the matmul family.</summary>
public class LinalgGradCheckTests
{
    /// <summary>Deterministic well-spread values in (-1, 1) (no RNG needed for a gradcheck).</summary>
    internal static Tensor R(params long[] shape)
    {
        long n = 1; foreach (var s in shape) n *= s;
        var data = new double[n];
        for (int i = 0; i < n; i++) data[i] = Math.Sin(1.7 * i + shape.Length + 0.3 * shape[0]);
        return Torch.Tensor(data, shape, DType.Float64).RequiresGrad_();
    }

    public static IEnumerable<object[]> Functions() =>
    [
        ["matmul 2x2", (Func<Tensor[], Tensor>)(x => x[0].Matmul(x[1])), new long[][] { [2, 3], [3, 2] }],
        ["matmul 1x2", (Func<Tensor[], Tensor>)(x => x[0].Matmul(x[1])), new long[][] { [3], [3, 2] }],
        ["matmul 3x2", (Func<Tensor[], Tensor>)(x => x[0].Matmul(x[1])), new long[][] { [2, 2, 3], [3, 2] }],
        ["matmul 2x3", (Func<Tensor[], Tensor>)(x => x[0].Matmul(x[1])), new long[][] { [2, 3], [2, 3, 2] }],
        ["matmul bcast", (Func<Tensor[], Tensor>)(x => x[0].Matmul(x[1])), new long[][] { [2, 1, 2, 3], [3, 3, 2] }],
        ["matmul 1x3", (Func<Tensor[], Tensor>)(x => x[0].Matmul(x[1])), new long[][] { [3], [2, 3, 2] }],
        ["matmul T", (Func<Tensor[], Tensor>)(x => x[0].mT.Matmul(x[1].mT)), new long[][] { [3, 2], [2, 3] }],
        ["addmm", (Func<Tensor[], Tensor>)(x => x[0].Addmm(x[1], x[2], 0.5, 2)), new long[][] { [3], [2, 4], [4, 3] }],
        ["baddbmm", (Func<Tensor[], Tensor>)(x => x[0].Baddbmm(x[1], x[2], 1.5, -1)), new long[][] { [1, 3], [2, 2, 4], [2, 4, 3] }],
        ["addmv", (Func<Tensor[], Tensor>)(x => x[0].Addmv(x[1], x[2], 2, 0.5)), new long[][] { [3], [3, 4], [4] }],
        ["dot", (Func<Tensor[], Tensor>)(x => x[0].Dot(x[1])), new long[][] { [4], [4] }],
        ["vdot", (Func<Tensor[], Tensor>)(x => x[0].Vdot(x[1])), new long[][] { [4], [4] }],
        ["outer", (Func<Tensor[], Tensor>)(x => x[0].Outer(x[1])), new long[][] { [2], [3] }],
        ["trace", (Func<Tensor[], Tensor>)(x => x[0].Trace()), new long[][] { [3, 4] }],
        ["linear", (Func<Tensor[], Tensor>)(x => Torch.Linear(x[0], x[1], x[2])), new long[][] { [2, 4], [3, 4], [3] }],
        ["einsum bmm", (Func<Tensor[], Tensor>)(x => Torch.Einsum("bij,bkj->bik", x[0], x[1])), new long[][] { [2, 2, 3], [2, 2, 3] }],
        ["einsum diag", (Func<Tensor[], Tensor>)(x => Torch.Einsum("iij,j->i", x[0], x[1])), new long[][] { [3, 3, 2], [2] }],
        ["einsum three", (Func<Tensor[], Tensor>)(x => Torch.Einsum("ab,bc,cd->ad", x[0], x[1], x[2])), new long[][] { [2, 3], [3, 2], [2, 2] }],
        ["einsum ellipsis", (Func<Tensor[], Tensor>)(x => Torch.Einsum("...ij,...j->...i", x[0], x[1])), new long[][] { [2, 2, 3], [3] }],
        ["tensordot", (Func<Tensor[], Tensor>)(x => Torch.Tensordot(x[0], x[1], [1, 2], [1, 0])), new long[][] { [2, 3, 2], [2, 3, 2] }],
        ["kron", (Func<Tensor[], Tensor>)(x => Torch.Kron(x[0], x[1])), new long[][] { [2, 2], [2] }],
        ["vector_norm 2", (Func<Tensor[], Tensor>)(x => Torch.Linalg.VectorNorm(x[0], 2, [1])), new long[][] { [2, 3] }],
        ["vector_norm 1", (Func<Tensor[], Tensor>)(x => Torch.Linalg.VectorNorm(x[0], 1)), new long[][] { [2, 3] }],
        ["vector_norm 3.5", (Func<Tensor[], Tensor>)(x => Torch.Linalg.VectorNorm(x[0], 3.5, [0], true)), new long[][] { [2, 3] }],
        ["vector_norm 1.5", (Func<Tensor[], Tensor>)(x => Torch.Linalg.VectorNorm(x[0], 1.5)), new long[][] { [2, 3] }],
        ["vector_norm 0.5", (Func<Tensor[], Tensor>)(x => Torch.Linalg.VectorNorm(x[0], 0.5, [1])), new long[][] { [2, 3] }],
        ["vector_norm inf", (Func<Tensor[], Tensor>)(x => Torch.Linalg.VectorNorm(x[0], double.PositiveInfinity, [1])), new long[][] { [2, 3] }],
        ["matrix_norm fro", (Func<Tensor[], Tensor>)(x => Torch.Linalg.MatrixNorm(x[0])), new long[][] { [2, 3, 3] }],
        ["matrix_norm 1", (Func<Tensor[], Tensor>)(x => Torch.Linalg.MatrixNorm(x[0], 1)), new long[][] { [3, 3] }],
        ["matrix_norm -inf", (Func<Tensor[], Tensor>)(x => Torch.Linalg.MatrixNorm(x[0], double.NegativeInfinity)), new long[][] { [3, 3] }],
        ["linear 3d", (Func<Tensor[], Tensor>)(x => Torch.Linear(x[0], x[1], x[2])), new long[][] { [2, 2, 4], [3, 4], [3] }],
    ];

    [Theory]
    [MemberData(nameof(Functions))]
    public void GradCheckAndGradGradCheck(string name, Func<Tensor[], Tensor> fn, long[][] shapes)
    {
        _ = name;
        var inputs = shapes.Select(R).ToArray();
        Assert.True(Torch.Autograd.GradCheck(fn, inputs));
        Assert.True(Torch.Autograd.GradGradCheck(fn, inputs));
    }
}
