using Flint.Autograd;
using Flint.Kernels.Cpu.Linalg;

namespace Flint.Ops;

/// <summary>
/// aten::linalg_inv_ex(A) → A⁻¹. As PyTorch (whose solver factors the row-major A as its transpose) it factors Aᵀ,
/// so a singular input names the same zero pivot; then Aᵀᵀ·X = I is solved. Derivative: −A⁻ᵀ·grad·A⁻ᵀ.
/// </summary>
public sealed class LinalgInvOp : Op
{
    public static readonly LinalgInvOp Instance = new();
    public override string Name => "linalg_inv_ex";
    public override OpKind Kind => OpKind.Extern;
    public override TensorMeta[] Meta(Tensor[] x) => [new(x[0]._sizes, x[0].DType)];

    public override unsafe Tensor[] Forward(Tensor[] x)
    {
        var a = x[0];
        int n = a._sizes[^1], batch = LinalgCore.Batch(a._sizes);
        var m = LinalgCore.WorkT(a);
        var inv = LinalgCore.Eye(batch, n);
        var piv = new int[Math.Max(n, 1)];
        fixed (double* mp = m.RawSpan<double>(), ip = inv.RawSpan<double>())
        fixed (int* pp = piv)
            for (int b = 0; b < batch; b++)
            {
                double* mb = mp + (nint)b * n * n;
                int info = LuKernel.Factor(mb, n, n, n, pp);
                if (info != 0)
                    throw LinalgCore.Error("linalg.inv", a.Dim > 2, b,
                        $"The diagonal element {info} is zero, the inversion could not be completed because the input matrix is singular.");
                LuKernel.Solve(mb, n, n, pp, ip + (nint)b * n * n, n, n, adjoint: true);
            }
        return [LinalgCore.As(inv.ViewRaw(a._sizes), a.DType)];
    }

    public override Tensor?[] Backward(BackwardContext ctx)
    {
        var invT = ctx.Output().mT;
        return [-invT.Matmul(ctx.Grad().Matmul(invT))];
    }
}
