using Flint.Autograd;
using Flint.Kernels.Cpu.Linalg;

namespace Flint.Ops;

/// <summary>
/// aten::linalg_qr(A, mode) → (Q, R) by Householder reflections, with LAPACK's signs. "reduced": Q m×k, R k×n;
/// "complete": Q m×m, R m×n; "r": R only (Q is an empty tensor). Derivative: PyTorch's linalg_qr_backward.
/// </summary>
public sealed class LinalgQrOp(string mode) : Op
{
    public override string Name => "linalg_qr";
    public override OpKind Kind => OpKind.Extern;
    public override string FormatAttributes() => $"mode={mode}";

    public override TensorMeta[] Meta(Tensor[] x)
    {
        var s = x[0]._sizes;
        int m = s[^2], n = s[^1], k = Math.Min(m, n);
        var bs = LinalgCore.BatchShape(s);
        int qc = mode == "complete" ? m : k, rr = mode == "complete" ? m : k;
        return [new(mode == "r" ? [0] : LinalgCore.With(bs, m, qc), x[0].DType), new(LinalgCore.With(bs, rr, n), x[0].DType)];
    }

    public override unsafe Tensor[] Forward(Tensor[] x)
    {
        var a = x[0];
        var meta = Meta(x);
        int m = a._sizes[^2], n = a._sizes[^1], k = Math.Min(m, n), batch = LinalgCore.Batch(a._sizes);
        int qc = mode == "complete" ? m : k, rr = meta[1].Sizes[^2];
        var w = LinalgCore.Work(a);
        var q = LinalgCore.Empty(meta[0].Sizes);
        var r = Tensor.Empty(meta[1].Sizes, DType.Float64, zeroed: true);
        var tau = new double[Math.Max(k, 1)];
        fixed (double* wp = w.RawSpan<double>(), qp = q.RawSpan<double>(), rp = r.RawSpan<double>(), tp = tau)
            for (int b = 0; b < batch; b++)
            {
                double* wb = wp + (nint)b * m * n, rb = rp + (nint)b * rr * n;
                QrKernel.Factor(wb, m, n, n, tp);
                for (int i = 0; i < Math.Min(rr, m); i++)
                    for (int j = i; j < n; j++) rb[(nint)i * n + j] = wb[(nint)i * n + j];
                if (mode != "r") QrKernel.FormQ(wb, m, n, n, tp, qp + (nint)b * m * qc, qc);
            }
        return [LinalgCore.As(q, a.DType), LinalgCore.As(r, a.DType)];
    }

    public override Tensor?[] Backward(BackwardContext ctx)
    {
        if (mode == "r")
            throw new InvalidOperationException("The derivative of linalg.qr depends on Q, which is not computed when mode='r'. Please use linalg.qr(A, mode='reduced') if you are going to differentiate through linalg.qr.");
        Tensor q = ctx.Output(0), r = ctx.Output(1);
        Tensor? gQ = ctx.GradOrNull(0), gR = ctx.GradOrNull(1);
        int m = q._sizes[^2], n = r._sizes[^1];
        if (mode == "complete" && m > n)
            throw new InvalidOperationException("The QR decomposition is not differentiable when mode='complete' and nrows > ncols.");
        Tensor gA = gQ is null ? gR!.Matmul(r.mT) : gR is null ? -q.mT.Matmul(gQ) : gR.Matmul(r.mT) - q.mT.Matmul(gQ);
        if (m >= n)
        {
            var t = gA.Triu();
            var sym = t + t.mT - t.Diagonal(0, -2, -1).DiagEmbed(); // X + Xᵀ with X's own diagonal
            gA = q.Matmul(sym);
            if (gQ is not null) gA = gA + gQ;
            return [Torch.Linalg.SolveTriangular(r.mT, gA, upper: false, left: false)];
        }
        gA = q.Matmul((-gA - (-gA).mT).Tril());
        gA = Torch.Linalg.SolveTriangular(r.Narrow(-1, 0, m).mT, gA, upper: false, left: false);
        var zeros = Torch.Zeros([.. r.Shape[..^1], n - m], r.DType);
        gA = Torch.Cat([gA, zeros], -1);
        if (gR is not null) gA = gA + q.Matmul(gR);
        return [gA];
    }
}
