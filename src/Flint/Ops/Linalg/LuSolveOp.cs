using Flint.Autograd;
using Flint.Kernels.Cpu.Linalg;

namespace Flint.Ops;

/// <summary>
/// aten::linalg_lu_solve(LU, pivots, B, left, adjoint): X with A·X = B (left), X·A = B (right), or the same with Aᵀ
/// (adjoint), from linalg.lu_factor's output. LU, pivots and B share their batch shape (the caller broadcasts).
/// Derivative: PyTorch's, for B and for LU (linalg_lu_solve_LU).
/// </summary>
public sealed class LinalgLuSolveOp(bool left, bool adjoint) : Op
{
    public override string Name => "linalg_lu_solve";
    public override OpKind Kind => OpKind.Extern;
    public override TensorMeta[] Meta(Tensor[] x) => [new(x[2]._sizes, x[2].DType)];

    public override unsafe Tensor[] Forward(Tensor[] x)
    {
        Tensor lu = LinalgCore.Work(x[0]), b = x[2];
        int n = lu._sizes[^1], batch = LinalgCore.Batch(lu._sizes);
        // X·A = B is Aᵀ·Xᵀ = Bᵀ: solve for Xᵀ with the other adjointness.
        var w = left ? LinalgCore.Work(b) : LinalgCore.WorkT(b);
        int k = w._sizes[^1];
        var piv = x[1].ContiguousRaw().RawSpan<int>();
        var p0 = new int[Math.Max(n, 1)];
        fixed (double* lp = lu.RawSpan<double>(), bp = w.RawSpan<double>())
        fixed (int* pp = p0)
            for (int i = 0; i < batch; i++)
            {
                for (int j = 0; j < n; j++) pp[j] = piv[i * n + j] - 1;
                LuKernel.Solve(lp + (nint)i * n * n, n, n, pp, bp + (nint)i * n * k, k, k, adjoint: left ? adjoint : !adjoint);
            }
        var r = left ? w : LinalgCore.TransposeRaw(w);
        return [LinalgCore.As(r, b.DType)];
    }

    public override Tensor?[] Backward(BackwardContext ctx)
    {
        Tensor lu = ctx.Input(0), piv = ctx.Input(1), gX = ctx.Grad(), x = ctx.Output();
        Tensor? gB = ctx.NeedsInputGrad(2) ? Torch.Linalg.LuSolve(lu, piv, gX, left, !adjoint) : null;
        Tensor? gLU = null;
        if (ctx.NeedsInputGrad(0))
        {
            var (p, l, u) = LuUnpack.Split(lu, piv);
            if (left != adjoint)
            {
                var gR = Torch.Linalg.SolveTriangular(u.mT, -(left ? gX : gX.mT).Matmul(left ? x.mT : x), upper: false);
                var gL = Torch.Linalg.SolveTriangular(l.mT, gR.Matmul(u.mT), upper: true, left: true, unitriangular: true).Tril(-1);
                gLU = gL + gR.Triu();
            }
            else
            {
                var gR = -p.mT.Matmul(left ? x : x.mT).Matmul(left ? gX.mT : gX).Matmul(p);
                gR = Torch.Linalg.SolveTriangular(l.mT, gR, upper: true, left: false, unitriangular: true);
                var gU = Torch.Linalg.SolveTriangular(u.mT, l.mT.Matmul(gR), upper: false, left: false).Triu();
                gLU = gR.Tril(-1) + gU;
            }
        }
        return [gLU, null, gB];
    }
}
