using Flint.Autograd;
using Flint.Kernels.Cpu.Linalg;

namespace Flint.Ops;

/// <summary>
/// aten::linalg_lu_factor_ex(A, pivot=True) → (LU, pivots): A = P·L·U packed as LAPACK packs it, pivots 1-based int32.
/// With checkErrors (linalg.lu_factor) an exactly zero pivot is PyTorch's error; without it (lu_factor_ex) the
/// factorization is returned as it is. Derivative: PyTorch's linalg_lu_backward with the L and U parts of grad.
/// </summary>
public sealed class LinalgLuFactorOp(bool checkErrors) : Op
{
    public override string Name => "linalg_lu_factor_ex";
    public override OpKind Kind => OpKind.Extern;
    public override bool IsOutputDifferentiable(Tensor output, int index) => index == 0;

    public override TensorMeta[] Meta(Tensor[] x)
    {
        var s = x[0]._sizes;
        int k = Math.Min(s[^2], s[^1]);
        return [new(s, x[0].DType), new(LinalgCore.With(LinalgCore.BatchShape(s), k), DType.Int32)];
    }

    public override unsafe Tensor[] Forward(Tensor[] x)
    {
        var a = x[0];
        int m = a._sizes[^2], n = a._sizes[^1], k = Math.Min(m, n), batch = LinalgCore.Batch(a._sizes);
        var w = LinalgCore.Work(a);
        var piv = Tensor.Empty(LinalgCore.With(LinalgCore.BatchShape(a._sizes), k), DType.Int32);
        var p0 = new int[Math.Max(k, 1)];
        fixed (double* wp = w.RawSpan<double>())
        fixed (int* pp = p0)
        {
            var ps = piv.RawSpan<int>();
            for (int b = 0; b < batch; b++)
            {
                int info = LuKernel.Factor(wp + (nint)b * m * n, m, n, n, pp);
                for (int j = 0; j < k; j++) ps[b * k + j] = pp[j] + 1;
                if (info != 0 && checkErrors)
                    throw new LinAlgException(a.Dim > 2
                        ? $"torch.linalg.lu_factor: (Batch element {b}): U[{info},{info}] is zero and using it on lu_solve would result in a division by zero. If you still want to perform the factorization, consider calling linalg.lu(A, pivot) or linalg.lu_factor_ex(A, pivot)"
                        : $"torch.linalg.lu_factor: U[{info},{info}] is zero and using it on lu_solve would result in a division by zero. If you still want to perform the factorization, consider calling linalg.lu(A, pivot) or linalg.lu_factor_ex(A, pivot)");
            }
        }
        return [LinalgCore.As(w, a.DType), piv];
    }

    public override Tensor?[] Backward(BackwardContext ctx)
    {
        var lu = ctx.Output(0);
        var (p, l, u) = LuUnpack.Split(lu, ctx.Output(1));
        var g = ctx.Grad(0);
        int m = lu._sizes[^2], n = lu._sizes[^1], k = Math.Min(m, n);
        var gL = (n == k ? g : g.Narrow(-1, 0, k)).Tril(-1);
        var gU = (m == k ? g : g.Narrow(-2, 0, k)).Triu();
        return [LuBackward.Grad(gL, gU, p, l, u)];
    }
}

/// <summary>lu_unpack: (P, L, U) from packed factors; P is a constant permutation matrix, L and U are differentiable views.</summary>
internal static class LuUnpack
{
    public static (Tensor P, Tensor L, Tensor U) Split(Tensor lu, Tensor pivots)
    {
        int m = lu._sizes[^2], n = lu._sizes[^1], k = Math.Min(m, n);
        var l = (n == k ? lu : lu.Narrow(-1, 0, k)).Tril(-1) + Torch.Eye(m, k, lu.DType);
        var u = (m == k ? lu : lu.Narrow(-2, 0, k)).Triu();
        return (Permutation(pivots, m, lu.DType), l, u);
    }

    /// <summary>The m×m permutation matrices P with A = P·L·U, from LAPACK's 1-based pivots.</summary>
    public static Tensor Permutation(Tensor pivots, int m, DType dtype)
    {
        var piv = pivots.ContiguousRaw().RawSpan<int>();
        int k = pivots._sizes[^1], batch = k == 0 ? LinalgCore.Batch([.. pivots._sizes, 1]) : piv.Length / k;
        var p = Tensor.Empty([.. pivots._sizes[..^1], m, m], DType.Float64, zeroed: true);
        var ps = p.RawSpan<double>();
        var perm = new int[m];
        for (int b = 0; b < batch; b++)
        {
            for (int i = 0; i < m; i++) perm[i] = i;
            for (int j = 0; j < k; j++) (perm[j], perm[piv[b * k + j] - 1]) = (perm[piv[b * k + j] - 1], perm[j]);
            // row j of P·L·U is row perm[j] of the swapped matrix's source: P[perm[j], j] = 1
            for (int j = 0; j < m; j++) ps[b * m * m + perm[j] * m + j] = 1;
        }
        return p.CastRaw(dtype);
    }
}

/// <summary>PyTorch's linalg_lu_backward: the gradient of A from those of L and U (square, wide and tall cases).</summary>
internal static class LuBackward
{
    public static Tensor Grad(Tensor gL, Tensor gU, Tensor p, Tensor l, Tensor u)
    {
        int m = l._sizes[^2], n = u._sizes[^1], k = Math.Min(m, n);
        Tensor gA;
        if (m == n)
        {
            gA = l.mT.Matmul(gL).Tril(-1) + gU.Matmul(u.mT).Triu();
            gA = Torch.Linalg.SolveTriangular(u.mT, gA, upper: false, left: false);
            gA = Torch.Linalg.SolveTriangular(l.mT, gA, upper: true, left: true, unitriangular: true);
        }
        else if (m < n)
        {
            var u1 = u.Narrow(-1, 0, k);
            gA = l.mT.Matmul(gL) - gU.Triu().Matmul(u.mT);
            gA = Torch.Linalg.SolveTriangular(u1.mT, gA.Tril(-1), upper: false, left: false);
            gA = Torch.Cat([gA + gU.Narrow(-1, 0, k).Triu(), gU.Narrow(-1, k, n - k)], -1);
            gA = Torch.Linalg.SolveTriangular(l.mT, gA, upper: true, left: true, unitriangular: true);
        }
        else
        {
            var l1 = l.Narrow(-2, 0, k);
            gA = gU.Matmul(u.mT) - l.mT.Matmul(gL.Tril(-1));
            gA = Torch.Linalg.SolveTriangular(l1.mT, gA.Triu(), upper: true, left: true, unitriangular: true);
            gA = Torch.Cat([gA + gL.Narrow(-2, 0, k).Tril(-1), gL.Narrow(-2, k, m - k)], -2);
            gA = Torch.Linalg.SolveTriangular(u.mT, gA, upper: false, left: false);
        }
        return p.Matmul(gA);
    }
}
