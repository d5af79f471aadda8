using Flint.Autograd;
using Flint.Kernels.Cpu.Linalg;

namespace Flint.Ops;

/// <summary>
/// aten::_linalg_eigh(A, UPLO) → (eigenvalues ascending, eigenvectors as columns), reading only the triangle UPLO
/// names. Eigenvectors are defined up to sign. Derivative: PyTorch's linalg_eig_backward for Hermitian input,
/// gA = V·(diag(gL) + skew(Vᵀ·gV)/E)·Vᵀ with E_ij = λ_j − λ_i.
/// </summary>
public sealed class LinalgEighOp(bool lower) : Op
{
    public override string Name => "linalg_eigh";
    public override OpKind Kind => OpKind.Extern;
    public override string FormatAttributes() => $"UPLO={(lower ? "L" : "U")}";

    public override TensorMeta[] Meta(Tensor[] x)
    {
        var s = x[0]._sizes;
        return [new(s[..^1], x[0].DType), new(s, x[0].DType)];
    }

    public override unsafe Tensor[] Forward(Tensor[] x)
    {
        var a = x[0];
        int n = a._sizes[^1], batch = LinalgCore.Batch(a._sizes);
        var w = LinalgCore.Work(a);
        var vals = LinalgCore.Empty(a._sizes[..^1]);
        var vecs = LinalgCore.Empty(a._sizes);
        fixed (double* wp = w.RawSpan<double>(), lp = vals.RawSpan<double>(), vp = vecs.RawSpan<double>())
            for (int b = 0; b < batch; b++)
            {
                double* wb = wp + (nint)b * n * n;
                for (int i = 0; i < n; i++)
                    for (int j = i + 1; j < n; j++)
                        if (lower) wb[(nint)i * n + j] = wb[(nint)j * n + i];
                        else wb[(nint)j * n + i] = wb[(nint)i * n + j];
                int info = EighKernel.Decompose(wb, n, lp + (nint)b * n, vp + (nint)b * n * n);
                if (info != 0)
                    throw LinalgCore.Error("linalg.eigh", a.Dim > 2, b,
                        $"The algorithm failed to converge because the input matrix is ill-conditioned or has too many repeated eigenvalues (error code: {info}).");
            }
        return [LinalgCore.As(vals, a.DType), LinalgCore.As(vecs, a.DType)];
    }

    public override Tensor?[] Backward(BackwardContext ctx)
    {
        Tensor l = ctx.Output(0), v = ctx.Output(1);
        Tensor? gL = ctx.GradOrNull(0), gV = ctx.GradOrNull(1);
        if (gV is null) return [(v * gL!.Unsqueeze(-2)).Matmul(v.mT)];
        var vtgv = v.mT.Matmul(gV);
        vtgv = 0.5 * (vtgv - vtgv.mT);
        var e = l.Unsqueeze(-2) - l.Unsqueeze(-1);
        e = e + Torch.Eye(l._sizes[^1], null, l.DType); // any nonzero on the diagonal: it divides zeros
        var inner = vtgv / e;
        if (gL is not null) inner = inner + gL.DiagEmbed();
        return [v.Matmul(inner.Matmul(v.mT))];
    }
}
