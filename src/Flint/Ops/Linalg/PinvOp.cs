using Flint.Autograd;

namespace Flint.Ops;

/// <summary>
/// aten::linalg_pinv(A, atol, rtol, hermitian): the pseudo-inverse from the SVD (hermitian: the eigendecomposition),
/// singular values at or below max(atol, rtol·σ_max) dropped. Derivative: PyTorch's pinv_backward, which treats A as
/// a general matrix (also when hermitian), so it does not go through the decomposition's own derivative.
/// </summary>
public sealed class LinalgPinvOp(double atol, double rtol, bool hermitian) : Op
{
    public override string Name => "linalg_pinv";
    public override OpKind Kind => OpKind.Extern;
    public override TensorMeta[] Meta(Tensor[] x)
    {
        var s = (int[])x[0]._sizes.Clone();
        (s[^1], s[^2]) = (s[^2], s[^1]);
        return [new(s, x[0].DType)];
    }

    public override Tensor[] Forward(Tensor[] x)
    {
        var a = x[0];
        if (hermitian)
        {
            var (l, q) = Torch.Linalg.Eigh(a);
            var absL = l.Abs();
            var tolH = Tolerance(absL.Amax(-1, keepdim: true));
            return [(q * Torch.Where(absL.Gt(tolH), l.Reciprocal(), 0.0).Unsqueeze(-2)).Matmul(q.mT)];
        }
        var (u, s, vh) = Torch.Linalg.Svd(a, fullMatrices: false);
        var tol = Tolerance(s.Narrow(-1, 0, Math.Min(1, s._sizes[^1])));
        return [(vh.mT * Torch.Where(s.Gt(tol), s.Reciprocal(), 0.0).Unsqueeze(-2)).Matmul(u.mT)];
    }

    Tensor Tolerance(Tensor maxValue) => (maxValue * rtol).ClampMin(atol);

    public override Tensor?[] Backward(BackwardContext ctx)
    {
        Tensor a = ctx.Input(0), p = ctx.Output(), g = ctx.Grad();
        int m = a._sizes[^2], n = a._sizes[^1];
        Tensor ph = p.mT, gh = g.mT;
        if (m <= n)
        {
            var k = gh.Matmul(p);
            var kph = k.Matmul(ph);
            return [-(p.Matmul(k)).mT + kph - a.Matmul(p).Matmul(kph) + ph.Matmul(p).Matmul(gh - k.Matmul(a))];
        }
        var k2 = p.Matmul(gh);
        var phk = ph.Matmul(k2);
        return [-(k2.Matmul(p)).mT + (gh - a.Matmul(k2)).Matmul(p).Matmul(ph) + phk - phk.Matmul(p).Matmul(a)];
    }
}
