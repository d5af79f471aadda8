namespace Flint;

// Tensor methods for the linear algebra functions PyTorch has as methods (x.inverse(), x.det(), …).
public partial class Tensor
{
    /// <summary>x.inverse(): linalg.inv.</summary>
    public Tensor Inverse() => Torch.Linalg.Inv(this);
    /// <summary>x.det(): linalg.det.</summary>
    public Tensor Det() => Torch.Linalg.Det(this);
    /// <summary>x.logdet(): torch.logdet.</summary>
    public Tensor Logdet() => Torch.Logdet(this);
    /// <summary>x.slogdet(): linalg.slogdet.</summary>
    public (Tensor Sign, Tensor Logabsdet) Slogdet() => Torch.Linalg.Slogdet(this);
    /// <summary>x.cholesky(upper): torch.cholesky.</summary>
    public Tensor Cholesky(bool upper = false) => Torch.Linalg.Cholesky(this, upper);
    /// <summary>x.matrix_power(n): linalg.matrix_power.</summary>
    public Tensor MatrixPower(int n) => Torch.Linalg.MatrixPower(this, n);
    /// <summary>x.cross(other, dim): torch.cross.</summary>
    public Tensor Cross(Tensor other, int? dim = null) => Torch.Cross(this, other, dim);
    /// <summary>x.pinverse(rcond): torch.pinverse.</summary>
    public Tensor Pinverse(double rcond = 1e-15) => Torch.Pinverse(this, rcond);
    /// <summary>x.svd(some, compute_uv): torch.svd.</summary>
    public (Tensor U, Tensor S, Tensor V) Svd(bool some = true, bool computeUv = true) => Torch.Svd(this, some, computeUv);
    /// <summary>x.qr(some): torch.qr.</summary>
    public (Tensor Q, Tensor R) Qr(bool some = true) => Torch.Qr(this, some);
}
