using Flint.Autograd;
using Flint.Kernels.Cpu.Linalg;

namespace Flint.Ops;

/// <summary>
/// aten::_linalg_solve_ex(A, B, left) for matrix right-hand sides with A and B of one batch shape (Torch.Linalg.Solve
/// broadcasts and turns vectors into columns). Factors Aᵀ, as PyTorch does for a row-major A. Derivative:
/// gB = A⁻ᵀ·gX (solved on the same side), gA = −gB·Xᵀ (left) or −Xᵀ·gB (right). With perturbSingular (the
/// determinant's derivative, as PyTorch computes it) an exactly zero pivot is replaced by the dtype's epsilon
/// instead of being an error.
/// </summary>
public sealed class LinalgSolveOp(bool left, bool perturbSingular = false) : Op
{
    public override string Name => "linalg_solve_ex";
    public override OpKind Kind => OpKind.Extern;
    public override TensorMeta[] Meta(Tensor[] x) => [new(x[1]._sizes, x[1].DType)];

    public override unsafe Tensor[] Forward(Tensor[] x)
    {
        Tensor a = x[0], b = x[1];
        int n = a._sizes[^1], batch = LinalgCore.Batch(a._sizes);
        var m = LinalgCore.WorkT(a);
        // left: A·X = B is Mᵀ·X = B (M = Aᵀ); right: X·A = B is M·Xᵀ = Bᵀ.
        var w = left ? LinalgCore.Work(b) : LinalgCore.WorkT(b);
        int k = w._sizes[^1];
        var piv = new int[Math.Max(n, 1)];
        fixed (double* mp = m.RawSpan<double>(), bp = w.RawSpan<double>())
        fixed (int* pp = piv)
            for (int i = 0; i < batch; i++)
            {
                double* mi = mp + (nint)i * n * n;
                if (LuKernel.Factor(mi, n, n, n, pp) != 0)
                {
                    if (!perturbSingular)
                        throw LinalgCore.Error("torch.linalg.solve", a.Dim > 2, i, "The solver failed because the input matrix is singular.");
                    double eps = a.DType == DType.Float32 ? 1.1920928955078125e-07 : 2.220446049250313e-16;
                    for (int j = 0; j < n; j++) if (mi[(nint)j * n + j] == 0) mi[(nint)j * n + j] = eps;
                }
                LuKernel.Solve(mi, n, n, pp, bp + (nint)i * n * k, k, k, adjoint: left);
            }
        return [LinalgCore.As(left ? w : LinalgCore.TransposeRaw(w), b.DType)];
    }

    public override Tensor?[] Backward(BackwardContext ctx)
    {
        Tensor a = ctx.Input(0), x = ctx.Output();
        var gB = Dispatcher.Call1(new LinalgSolveOp(left, perturbSingular), [a.mT, ctx.Grad()]);
        Tensor? gA = ctx.NeedsInputGrad(0) ? (left ? -gB.Matmul(x.mT) : -x.mT.Matmul(gB)) : null;
        return [gA, gB];
    }
}

/// <summary>
/// aten::linalg_solve_triangular(A, B, upper, left, unitriangular): reads only A's triangle (and not its diagonal
/// when unitriangular). A and B share their batch shape. Derivative: PyTorch's (gB = A⁻ᵀ·gX; gA = −gB·Xᵀ projected
/// on A's triangle).
/// </summary>
public sealed class LinalgSolveTriangularOp(bool upper, bool left, bool unitriangular) : Op
{
    public override string Name => "linalg_solve_triangular";
    public override OpKind Kind => OpKind.Extern;
    public override TensorMeta[] Meta(Tensor[] x) => [new(x[1]._sizes, x[1].DType)];

    public override unsafe Tensor[] Forward(Tensor[] x)
    {
        Tensor a = LinalgCore.Work(x[0]), b = x[1];
        int n = a._sizes[^1], batch = LinalgCore.Batch(a._sizes);
        var w = left ? LinalgCore.Work(b) : LinalgCore.WorkT(b);
        int k = w._sizes[^1];
        fixed (double* ap = a.RawSpan<double>(), bp = w.RawSpan<double>())
            for (int i = 0; i < batch; i++)
            {
                double* ai = ap + (nint)i * n * n;
                // right: X·A = B is Aᵀ·Xᵀ = Bᵀ, and Aᵀ is triangular the other way.
                if (left) TriangularSolve.Left(ai, n, 1, n, bp + (nint)i * n * k, k, k, lower: !upper, unit: unitriangular);
                else TriangularSolve.Left(ai, 1, n, n, bp + (nint)i * n * k, k, k, lower: upper, unit: unitriangular);
            }
        return [LinalgCore.As(left ? w : LinalgCore.TransposeRaw(w), b.DType)];
    }

    public override Tensor?[] Backward(BackwardContext ctx)
    {
        Tensor a = ctx.Input(0), x = ctx.Output();
        var gB = Dispatcher.Call1(new LinalgSolveTriangularOp(!upper, left, unitriangular), [a.mT, ctx.Grad()]);
        Tensor? gA = null;
        if (ctx.NeedsInputGrad(0))
        {
            gA = left ? -gB.Matmul(x.mT) : -x.mT.Matmul(gB);
            gA = upper ? gA.Triu(unitriangular ? 1 : 0) : gA.Tril(unitriangular ? -1 : 0);
        }
        return [gA, ctx.NeedsInputGrad(1) ? gB : null];
    }
}
