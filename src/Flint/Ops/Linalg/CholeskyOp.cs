using Flint.Autograd;
using Flint.Kernels.Cpu.Linalg;

namespace Flint.Ops;

/// <summary>
/// aten::linalg_cholesky_ex(A, upper): L with A = L·Lᵀ, reading A's lower triangle (upper: U with A = Uᵀ·U, reading
/// the upper one). Derivative: PyTorch's cholesky_backward, gA = L⁻ᵀ·Φ(Lᵀ·gL)·L⁻¹ with Φ symmetrizing the lower part.
/// </summary>
public sealed class LinalgCholeskyOp(bool upper) : Op
{
    public override string Name => "linalg_cholesky_ex";
    public override OpKind Kind => OpKind.Extern;
    public override TensorMeta[] Meta(Tensor[] x) => [new(x[0]._sizes, x[0].DType)];

    public override unsafe Tensor[] Forward(Tensor[] x)
    {
        var a = x[0];
        int n = a._sizes[^1], batch = LinalgCore.Batch(a._sizes);
        // Aᵀ's lower triangle is A's upper one; the factor of Aᵀ read that way, transposed, is U.
        var w = upper ? LinalgCore.WorkT(a) : LinalgCore.Work(a);
        fixed (double* wp = w.RawSpan<double>())
            for (int b = 0; b < batch; b++)
            {
                int info = CholeskyKernel.Factor(wp + (nint)b * n * n, n, n);
                if (info != 0)
                    throw LinalgCore.Error("linalg.cholesky", a.Dim > 2, b,
                        $"The factorization could not be completed because the input is not positive-definite (the leading minor of order {info} is not positive-definite).");
            }
        return [LinalgCore.As(upper ? LinalgCore.TransposeRaw(w) : w, a.DType)];
    }

    public override Tensor?[] Backward(BackwardContext ctx)
    {
        Tensor l = ctx.Output(), gL = ctx.Grad();
        if (upper) { l = l.mT; gL = gL.mT; }
        var gA = l.mT.Matmul(gL).Tril();
        gA = 0.5 * (gA + gA.Tril(-1).mT);
        gA = Torch.Linalg.SolveTriangular(l.mT, gA, upper: true, left: true);
        gA = Torch.Linalg.SolveTriangular(l, gA, upper: false, left: false);
        return [gA];
    }
}
