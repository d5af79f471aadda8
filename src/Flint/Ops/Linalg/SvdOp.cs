using Flint.Autograd;
using Flint.Kernels.Cpu.Linalg;

namespace Flint.Ops;

/// <summary>
/// aten::_linalg_svd(A, full_matrices) → (U, S descending, Vh) by one-sided Jacobi. Singular vectors are defined up
/// to a common sign per pair. Derivative: PyTorch's svd_backward (distinct singular values; full rank when
/// rectangular), on the first k columns of U and rows of Vh when full_matrices.
/// </summary>
public sealed class LinalgSvdOp(bool fullMatrices) : Op
{
    public override string Name => "linalg_svd";
    public override OpKind Kind => OpKind.Extern;
    public override string FormatAttributes() => $"full_matrices={(fullMatrices ? "True" : "False")}";

    public override TensorMeta[] Meta(Tensor[] x)
    {
        var s = x[0]._sizes;
        int m = s[^2], n = s[^1], k = Math.Min(m, n);
        var bs = LinalgCore.BatchShape(s);
        return
        [
            new(LinalgCore.With(bs, m, fullMatrices ? m : k), x[0].DType),
            new(LinalgCore.With(bs, k), x[0].DType),
            new(LinalgCore.With(bs, fullMatrices ? n : k, n), x[0].DType),
        ];
    }

    public override unsafe Tensor[] Forward(Tensor[] x)
    {
        var a = x[0];
        var meta = Meta(x);
        int m = a._sizes[^2], n = a._sizes[^1], k = Math.Min(m, n), batch = LinalgCore.Batch(a._sizes);
        int uc = meta[0].Sizes[^1], vr = meta[2].Sizes[^2];
        var w = LinalgCore.Work(a);
        foreach (var v in w.RawSpan<double>())
            if (!double.IsFinite(v))
                throw new LinAlgException("linalg.svd: The algorithm failed to converge because the input matrix contained non-finite values.");
        var u = LinalgCore.Empty(meta[0].Sizes);
        var s = LinalgCore.Empty(meta[1].Sizes);
        var vh = LinalgCore.Empty(meta[2].Sizes);
        fixed (double* wp = w.RawSpan<double>(), up = u.RawSpan<double>(), sp = s.RawSpan<double>(), vp = vh.RawSpan<double>())
            for (int b = 0; b < batch; b++)
            {
                int info = SvdKernel.Decompose(wp + (nint)b * m * n, m, n, sp + (nint)b * k,
                    up + (nint)b * m * uc, uc, vp + (nint)b * vr * n, vr);
                if (info != 0)
                    throw LinalgCore.Error("linalg.svd", a.Dim > 2, b,
                        $"The algorithm failed to converge because the input matrix is ill-conditioned or has too many repeated singular values (error code: {info}).");
            }
        return [LinalgCore.As(u, a.DType), LinalgCore.As(s, a.DType), LinalgCore.As(vh, a.DType)];
    }

    public override Tensor?[] Backward(BackwardContext ctx)
    {
        Tensor u = ctx.Output(0), s = ctx.Output(1), vh = ctx.Output(2);
        Tensor? gU = ctx.GradOrNull(0), gS = ctx.GradOrNull(1), gVh = ctx.GradOrNull(2);
        int k = s._sizes[^1];
        if (fullMatrices)
        {
            if (u._sizes[^1] != k) { u = u.Narrow(-1, 0, k); if (gU is not null) gU = gU.Narrow(-1, 0, k); }
            if (vh._sizes[^2] != k) { vh = vh.Narrow(-2, 0, k); if (gVh is not null) gVh = gVh.Narrow(-2, 0, k); }
        }
        return [SvdBackward.Grad(gU, gS, gVh, u, s, vh)];
    }
}

/// <summary>PyTorch's svd_backward for real matrices.</summary>
internal static class SvdBackward
{
    public static Tensor Grad(Tensor? gU, Tensor? gS, Tensor? gVh, Tensor u, Tensor s, Tensor vh)
    {
        int m = u._sizes[^2], n = vh._sizes[^1];
        if (gU is null && gVh is null)
            return m >= n ? u.Matmul(gS!.Unsqueeze(-1) * vh) : (u * gS!.Unsqueeze(-2)).Matmul(vh);
        Tensor? uhgu = gU is null ? null : Skew(u.mT.Matmul(gU));
        Tensor? vhgv = gVh is null ? null : Skew(vh.Matmul(gVh.mT));
        var s2 = s * s;
        var e = s2.Unsqueeze(-2) - s2.Unsqueeze(-1) + Torch.Eye(s._sizes[^1], null, s.DType);
        Tensor ga = uhgu is not null && vhgv is not null ? (uhgu * s.Unsqueeze(-2) + s.Unsqueeze(-1) * vhgv) / e
            : uhgu is not null ? uhgu / e * s.Unsqueeze(-2)
            : s.Unsqueeze(-1) * (vhgv! / e);
        if (gS is not null) ga = ga + gS.DiagEmbed();
        if (m > n && gU is not null)
        {
            ga = u.Matmul(ga);
            var gUSinv = gU / s.Unsqueeze(-2);
            ga = ga + gUSinv - u.Matmul(u.mT.Matmul(gUSinv));
            return ga.Matmul(vh);
        }
        if (m < n && gVh is not null)
        {
            ga = ga.Matmul(vh);
            var sinvgVh = gVh / s.Unsqueeze(-1);
            ga = ga + sinvgVh - sinvgVh.Matmul(vh.mT).Matmul(vh);
            return u.Matmul(ga);
        }
        return m >= n ? u.Matmul(ga.Matmul(vh)) : u.Matmul(ga).Matmul(vh);
    }

    static Tensor Skew(Tensor x) => x - x.mT;
}
