using Flint.Autograd;
using Flint.Kernels.Cpu.Linalg;

namespace Flint.Ops;

/// <summary>The LU of each matrix's transpose, with the determinant's sign and the log of its magnitude.</summary>
internal static class LuDeterminant
{
    /// <summary>(sign, log|det|) per matrix: sign 0 and −inf for a singular one.</summary>
    public static unsafe (double[] sign, double[] logAbs) Compute(Tensor a)
    {
        int n = a._sizes[^1], batch = LinalgCore.Batch(a._sizes);
        var m = LinalgCore.WorkT(a);
        var sign = new double[batch]; var logAbs = new double[batch];
        var piv = new int[Math.Max(n, 1)];
        fixed (double* mp = m.RawSpan<double>())
        fixed (int* pp = piv)
            for (int b = 0; b < batch; b++)
            {
                double* mb = mp + (nint)b * n * n;
                LuKernel.Factor(mb, n, n, n, pp);
                double s = 1, l = 0;
                for (int i = 0; i < n; i++)
                {
                    double d = mb[(nint)i * n + i];
                    if (pp[i] != i) s = -s;
                    if (d < 0) s = -s;
                    l += Math.Log(Math.Abs(d));
                    if (double.IsNaN(d)) s = double.NaN;
                }
                if (double.IsNegativeInfinity(l)) s = 0;
                sign[b] = s; logAbs[b] = l;
            }
        return (sign, logAbs);
    }

    public static Tensor Vector(double[] values, int[] batchShape, DType dtype)
    {
        var t = Tensor.Empty(batchShape, DType.Float64);
        values.AsSpan().CopyTo(t.RawSpan<double>());
        return t.CastRaw(dtype);
    }

    /// <summary>
    /// g·A⁻ᵀ per matrix (g: one value per matrix): solve Aᵀ·G = g·I, differentiable. A singular A does not fail: as
    /// PyTorch, its zero pivots become epsilon (for the determinant g carries the factor det = 0, so G = 0).
    /// </summary>
    public static Tensor AdjointSolve(Tensor a, Tensor g)
    {
        int n = a._sizes[^1];
        var eye = Torch.Eye(n, null, a.DType);
        return Dispatcher.Call1(new LinalgSolveOp(left: true, perturbSingular: true), [a.mT, g.Unsqueeze(-1).Unsqueeze(-1) * eye]);
    }
}

/// <summary>aten::_linalg_det(A) → det(A), from the LU's diagonal. Derivative: grad·det·A⁻ᵀ, solved with zero pivots
/// perturbed as PyTorch's first derivative does (0 at a singular matrix). PyTorch's second derivative at singular
/// matrices goes through the SVD; here it is that of this formula.</summary>
public sealed class LinalgDetOp : Op
{
    public static readonly LinalgDetOp Instance = new();
    public override string Name => "linalg_det";
    public override OpKind Kind => OpKind.Extern;
    public override TensorMeta[] Meta(Tensor[] x) => [new(LinalgCore.BatchShape(x[0]._sizes), x[0].DType)];

    public override Tensor[] Forward(Tensor[] x)
    {
        var (sign, logAbs) = LuDeterminant.Compute(x[0]);
        var det = new double[sign.Length];
        for (int i = 0; i < det.Length; i++) det[i] = sign[i] * Math.Exp(logAbs[i]);
        return [LuDeterminant.Vector(det, LinalgCore.BatchShape(x[0]._sizes), x[0].DType)];
    }

    public override Tensor?[] Backward(BackwardContext ctx)
        => [LuDeterminant.AdjointSolve(ctx.Input(0), ctx.Grad() * ctx.Output())];
}

/// <summary>aten::_linalg_slogdet(A) → (sign, logabsdet). Derivative of logabsdet: grad·A⁻ᵀ; the sign's is zero
/// (it is differentiable as in PyTorch, piecewise constant).</summary>
public sealed class LinalgSlogdetOp : Op
{
    public static readonly LinalgSlogdetOp Instance = new();
    public override string Name => "linalg_slogdet";
    public override OpKind Kind => OpKind.Extern;
    public override TensorMeta[] Meta(Tensor[] x)
    {
        var s = LinalgCore.BatchShape(x[0]._sizes);
        return [new(s, x[0].DType), new(s, x[0].DType)];
    }

    public override Tensor[] Forward(Tensor[] x)
    {
        var (sign, logAbs) = LuDeterminant.Compute(x[0]);
        var bs = LinalgCore.BatchShape(x[0]._sizes);
        return [LuDeterminant.Vector(sign, bs, x[0].DType), LuDeterminant.Vector(logAbs, bs, x[0].DType)];
    }

    public override Tensor?[] Backward(BackwardContext ctx)
        => [LuDeterminant.AdjointSolve(ctx.Input(0), ctx.Grad(1))];
}
