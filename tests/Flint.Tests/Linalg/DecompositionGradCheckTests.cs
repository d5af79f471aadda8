using Flint;

namespace Flint.Tests.Linalg;

/// <summary>
/// Finite-difference gradient checks (float64) of torch.linalg's decompositions, solvers and inverses, and
/// second-derivative checks of those whose derivative is itself built from differentiable ops. Functions of
/// eigen- or singular vectors are checked through sign-invariant quantities (V·diag(w)·Vᵀ, U·diag(w)·Vh), and
/// Cholesky/eigh through a symmetric argument, as PyTorch's own tests do.
/// </summary>
public class DecompositionGradCheckTests
{
    static Tensor Shift(Tensor a, double s) => a + s * Torch.Eye(a.Size(-1), null, a.DType);
    static Tensor Spd(Tensor a) => Shift(a.Matmul(a.mT), 1);
    static Tensor Sym(Tensor a) => a + a.mT;
    static Tensor W(long k) => Torch.Arange(1, k + 1, dtype: DType.Float64);

    static Tensor SvdInvariant(Tensor a, bool full = false)
    {
        var (u, s, vh) = Torch.Linalg.Svd(a, full);
        long k = s.Size(-1);
        return (u.Narrow(-1, 0, k) * W(k)).Matmul(vh.Narrow(-2, 0, k)) + s.Sum();
    }

    static Tensor EighInvariant(Tensor a, string uplo)
    {
        var (l, v) = Torch.Linalg.Eigh(a, uplo);
        return (v * W(l.Size(-1))).Matmul(v.mT) + l.Unsqueeze(-1);
    }

    public static IEnumerable<object[]> Functions() =>
    [
        F("inv", x => Torch.Linalg.Inv(Shift(x[0], 3)), [3, 3]),
        F("inv batched", x => Torch.Linalg.Inv(Shift(x[0], 3)), [2, 3, 3]),
        F("det", x => Torch.Linalg.Det(Shift(x[0], 2)), [2, 3, 3]),
        F("slogdet", x => Torch.Linalg.Slogdet(Shift(x[0], 2)).Logabsdet, [3, 3]),
        F("logdet", x => Torch.Logdet(Spd(x[0])), [3, 3]),
        F("solve", x => Torch.Linalg.Solve(Shift(x[0], 3), x[1]), [3, 3], [3, 2]),
        F("solve vector", x => Torch.Linalg.Solve(Shift(x[0], 3), x[1]), [2, 3, 3], [2, 3]),
        F("solve broadcast", x => Torch.Linalg.Solve(Shift(x[0], 3), x[1]), [3, 3], [2, 3, 1]),
        F("solve right", x => Torch.Linalg.Solve(Shift(x[0], 3), x[1], left: false), [3, 3], [2, 3]),
        F("solve_triangular upper", x => Torch.Linalg.SolveTriangular(Shift(x[0], 3), x[1], upper: true), [3, 3], [3, 2]),
        F("solve_triangular lower right unit", x => Torch.Linalg.SolveTriangular(x[0], x[1], upper: false, left: false, unitriangular: true), [3, 3], [2, 3]),
        F("cholesky", x => Torch.Linalg.Cholesky(Spd(x[0])), [3, 3]),
        F("cholesky upper batched", x => Torch.Linalg.Cholesky(Spd(x[0]), upper: true), [2, 3, 3]),
        F("qr reduced tall", x => { var (q, r) = Torch.Linalg.Qr(x[0]); return q.Matmul(r * W(r.Size(-2)).Unsqueeze(-1)) + q.Sum() + r.Sum(); }, [4, 3]),
        F("qr reduced wide", x => { var (q, r) = Torch.Linalg.Qr(x[0]); return q * 2 + r.Sum(); }, [3, 4]),
        F("qr complete wide", x => { var (q, r) = Torch.Linalg.Qr(x[0], "complete"); return q.Sum() + r; }, [2, 3]),
        F("eigh L", x => EighInvariant(Sym(x[0]), "L"), [3, 3]),
        F("eigh U batched", x => EighInvariant(Sym(x[0]), "U"), [2, 3, 3]),
        F("eigvalsh", x => Torch.Linalg.Eigvalsh(Sym(x[0])), [4, 4]),
        F("svd square", x => SvdInvariant(x[0]), [3, 3]),
        F("svd tall", x => SvdInvariant(x[0]), [4, 3]),
        F("svd wide full", x => SvdInvariant(x[0], full: true), [2, 3]),
        F("svdvals", x => Torch.Linalg.Svdvals(x[0]), [2, 4, 3]),
        F("pinv tall", x => Torch.Linalg.Pinv(x[0]), [4, 3]),
        F("pinv wide", x => Torch.Linalg.Pinv(x[0]), [3, 4]),
        F("pinv hermitian", x => Torch.Linalg.Pinv(Sym(x[0]), hermitian: true), [3, 3]),
        F("lstsq", x => Torch.Linalg.Lstsq(x[0], x[1]).Solution, [4, 3], [4, 2]),
        F("lstsq wide", x => Torch.Linalg.Lstsq(x[0], x[1]).Solution, [2, 3], [2, 2]),
        F("matrix_power 3", x => Torch.Linalg.MatrixPower(x[0], 3), [3, 3]),
        F("matrix_power -2", x => Torch.Linalg.MatrixPower(Shift(x[0], 3), -2), [3, 3]),
        F("matrix_norm 2", x => Torch.Linalg.MatrixNorm(x[0], 2), [3, 4]),
        F("matrix_norm -2", x => Torch.Linalg.MatrixNorm(x[0], -2), [2, 3, 3]),
        F("matrix_norm nuc", x => Torch.Linalg.MatrixNorm(x[0], "nuc", [0, 2], keepdim: true), [3, 2, 4]),
        F("cond", x => Torch.Linalg.Cond(x[0]), [3, 3]),
        F("cond 1", x => Torch.Linalg.Cond(Shift(x[0], 2), 1), [3, 3]),
        F("cond fro", x => Torch.Linalg.Cond(Shift(x[0], 2), "fro"), [3, 3]),
        F("cross", x => Torch.Linalg.Cross(x[0], x[1]), [2, 3], [2, 3]),
        F("cross broadcast dim0", x => Torch.Cross(x[0], x[1], 0), [3, 1], [3, 2]),
        F("lu_factor", x => Torch.Linalg.LuFactor(x[0]).LU, [3, 3]),
        F("lu_factor batched", x => Torch.Linalg.LuFactor(x[0]).LU, [2, 3, 3]),
        F("lu tall", x => { var (_, l, u) = Torch.Linalg.Lu(x[0]); return l.Sum() + u; }, [4, 3]),
        F("lu wide", x => { var (_, l, u) = Torch.Linalg.Lu(x[0]); return l + u.Sum(); }, [3, 4]),
        F("lu_solve", x => { var (lu, p) = Torch.Linalg.LuFactor(x[0]); return Torch.Linalg.LuSolve(lu, p, x[1]); }, [3, 3], [3, 2]),
        F("lu_solve adjoint", x => { var (lu, p) = Torch.Linalg.LuFactor(x[0]); return Torch.Linalg.LuSolve(lu, p, x[1], adjoint: true); }, [3, 3], [3, 2]),
        F("lu_solve right", x => { var (lu, p) = Torch.Linalg.LuFactor(x[0]); return Torch.Linalg.LuSolve(lu, p, x[1], left: false); }, [3, 3], [2, 3]),
        F("lu_solve right adjoint", x => { var (lu, p) = Torch.Linalg.LuFactor(x[0]); return Torch.Linalg.LuSolve(lu, p, x[1], left: false, adjoint: true); }, [3, 3], [2, 3]),
    ];

    /// <summary>
    /// Deterministic full-rank inputs: a quadratic phase (LinalgGradCheckTests.R's sin of an arithmetic progression
    /// gives matrices of rank 2, on which the SVD's derivative is not defined).
    /// </summary>
    static Tensor M(long[] shape)
    {
        long n = 1; foreach (var s in shape) n *= s;
        var data = new double[n];
        for (int i = 0; i < n; i++) data[i] = Math.Sin(0.9 * i * i + 0.3 * i + 1);
        return Torch.Tensor(data, shape, DType.Float64).RequiresGrad_();
    }

    static object[] F(string name, Func<Tensor[], Tensor> fn, params long[][] shapes) => [name, fn, shapes];

    [Theory]
    [MemberData(nameof(Functions))]
    public void GradCheck(string name, Func<Tensor[], Tensor> fn, long[][] shapes)
    {
        _ = name;
        Assert.True(Torch.Autograd.GradCheck(fn, shapes.Select(M).ToArray()));
    }

    /// <summary>Second derivatives: the backward formulas are themselves differentiable.</summary>
    [Theory]
    [InlineData("inv")]
    [InlineData("det")]
    [InlineData("solve")]
    [InlineData("cholesky")]
    [InlineData("eigvalsh")]
    [InlineData("svdvals")]
    [InlineData("cross")]
    public void GradGradCheck(string name)
    {
        var row = Functions().First(f => (string)f[0] == name);
        var fn = (Func<Tensor[], Tensor>)row[1];
        var inputs = ((long[][])row[2]).Select(M).ToArray();
        Assert.True(Torch.Autograd.GradGradCheck(fn, inputs));
    }
}
