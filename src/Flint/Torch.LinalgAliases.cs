namespace Flint;

// The torch-level names PyTorch keeps for linear algebra (torch.inverse, torch.det, …), as thin calls into
// Torch.Linalg; the tensor methods are in Core/Tensor.Decompositions.cs.
public static partial class Torch
{
    /// <summary>torch.inverse: linalg.inv.</summary>
    public static Tensor Inverse(Tensor input) => Linalg.Inv(input);

    /// <summary>torch.det: linalg.det.</summary>
    public static Tensor Det(Tensor input) => Linalg.Det(input);

    /// <summary>torch.slogdet: linalg.slogdet.</summary>
    public static (Tensor Sign, Tensor Logabsdet) Slogdet(Tensor input) => Linalg.Slogdet(input);

    /// <summary>torch.logdet: log(det(A)); NaN where the determinant is negative, −inf where it is zero.</summary>
    public static Tensor Logdet(Tensor input)
    {
        var (sign, logabs) = Linalg.Slogdet(input);
        return Where(sign.Eq(-1), double.NaN, logabs);
    }

    /// <summary>torch.cholesky (deprecated in PyTorch for linalg.cholesky): L, or U = Lᵀ when upper.</summary>
    public static Tensor Cholesky(Tensor input, bool upper = false) => Linalg.Cholesky(input, upper);

    /// <summary>
    /// torch.svd: (U, S, V) with A = U·diag(S)·Vᵀ (V, not Vh); some = reduced matrices. Without computeUv, U and V are
    /// zero-filled (m×m and n×n), as PyTorch returns them.
    /// </summary>
    public static (Tensor U, Tensor S, Tensor V) Svd(Tensor input, bool some = true, bool computeUv = true)
    {
        if (!computeUv)
        {
            var s = Linalg.Svdvals(input);
            long m = input.Size(-2), n = input.Size(-1);
            var batch = input.Shape[..^2];
            return (Zeros([.. batch, m, m], input.DType), s, Zeros([.. batch, n, n], input.DType));
        }
        var (u, sv, vh) = Linalg.Svd(input, fullMatrices: !some);
        return (u, sv, vh.mT);
    }

    /// <summary>torch.qr: (Q, R), reduced when some (PyTorch's default), complete otherwise.</summary>
    public static (Tensor Q, Tensor R) Qr(Tensor input, bool some = true) => Linalg.Qr(input, some ? "reduced" : "complete");

    /// <summary>torch.pinverse: linalg.pinv with rtol = rcond.</summary>
    public static Tensor Pinverse(Tensor input, double rcond = 1e-15) => Linalg.Pinv(input, rtol: rcond);

    /// <summary>torch.matrix_power: linalg.matrix_power.</summary>
    public static Tensor MatrixPower(Tensor input, int n) => Linalg.MatrixPower(input, n);

    /// <summary>
    /// torch.cross: linalg.cross along dim; without dim, along the first dimension of size 3 (PyTorch's deprecated
    /// default, kept as PyTorch 2 keeps it).
    /// </summary>
    public static Tensor Cross(Tensor input, Tensor other, int? dim = null)
    {
        if (dim is { } d) return Linalg.Cross(input, other, d);
        var shape = ShapeUtil.Broadcast(input._sizes, other._sizes);
        int first = Array.IndexOf(shape, 3);
        if (first < 0) throw new ArgumentException("no dimension of size 3 in input");
        return Linalg.Cross(input, other, first);
    }
}
