namespace Flint;

// torch.* functions that PyTorch also has as tensor methods: each forwards to the method of the same name, with
// PyTorch's parameter names (input, other) so named arguments port as written.
public static partial class Torch
{
    /// <summary>torch.clone: a copy with its own storage (differentiable).</summary>
    public static Tensor Clone(Tensor input) => input.Clone();
    /// <summary>torch.detach: the same data without autograd history.</summary>
    public static Tensor Detach(Tensor input) => input.Detach();
    public static long Numel(Tensor input) => input.Numel();
    public static bool IsFloatingPoint(Tensor input) => input.IsFloatingPoint();
    public static Tensor ClampMin(Tensor input, Scalar min) => input.ClampMin(min);
    public static Tensor ClampMin(Tensor input, Tensor min) => input.ClampMin(min);
    public static Tensor ClampMax(Tensor input, Scalar max) => input.ClampMax(max);
    public static Tensor ClampMax(Tensor input, Tensor max) => input.ClampMax(max);
    public static Tensor Fix(Tensor input) => input.Fix();
    public static Tensor Sgn(Tensor input) => input.Sgn();
    public static Tensor Negative(Tensor input) => input.Negative();
    public static Tensor Arctan2(Tensor input, Tensor other) => input.Arctan2(other);
    public static Tensor Multiply(Tensor input, Tensor other) => input.Multiply(other);
    public static Tensor Multiply(Tensor input, Scalar other) => input.Mul(other);
    public static Tensor Divide(Tensor input, Tensor other, string? roundingMode = null) => input.Divide(other, roundingMode);
    public static Tensor Divide(Tensor input, Scalar other, string? roundingMode = null) => input.Div(other, roundingMode);
    public static Tensor TrueDivide(Tensor input, Tensor other) => input.TrueDivide(other);
    public static Tensor TrueDivide(Tensor input, Scalar other) => input.Div(other);
    public static Tensor Subtract(Tensor input, Tensor other, Scalar? alpha = null) => input.Subtract(other, alpha);
    public static Tensor Subtract(Tensor input, Scalar other, Scalar? alpha = null) => input.Sub(other, alpha);
    public static Tensor Moveaxis(Tensor input, int source, int destination) => input.Moveaxis(source, destination);
    public static Tensor Moveaxis(Tensor input, int[] source, int[] destination) => input.Movedim(source, destination);
    /// <summary>torch.t: the transpose of a matrix (a vector or scalar comes back as it is).</summary>
    public static Tensor T(Tensor input) => input.t();
    public static Tensor Swapdims(Tensor input, int dim0, int dim1) => input.Swapdims(dim0, dim1);

    /// <summary>torch.max(input, other): the elementwise maximum (NaN propagates), as torch.maximum.</summary>
    public static Tensor Max(Tensor input, Tensor other) => input.Maximum(other);
    /// <summary>torch.min(input, other): the elementwise minimum (NaN propagates), as torch.minimum.</summary>
    public static Tensor Min(Tensor input, Tensor other) => input.Minimum(other);

    /// <summary>torch.rsub(input, other, alpha): other − alpha·input (sub with the operands swapped).</summary>
    public static Tensor Rsub(Tensor input, Tensor other, Scalar? alpha = null) => other.Sub(input, alpha);
    /// <summary>torch.rsub with a number: other − alpha·input, other taking input's dtype as in sub.</summary>
    public static Tensor Rsub(Tensor input, Scalar other, Scalar? alpha = null) => input.ScalarLike(other).Sub(input, alpha);

    /// <summary>torch.where(condition): the indices of its non-zero elements, one 1-D tensor per dim (nonzero(as_tuple=True)).</summary>
    public static Tensor[] Where(Tensor condition) => condition.NonzeroAsTuple();

    /// <summary>torch.logcumsumexp(input, dim): log Σ_{j≤k} exp(input_j) along dim.</summary>
    public static Tensor Logcumsumexp(Tensor input, int dim) => input.Logcumsumexp(dim);

    /// <summary>torch.take_along_dim(input, indices, dim): see <see cref="Tensor.TakeAlongDim"/>.</summary>
    public static Tensor TakeAlongDim(Tensor input, Tensor indices, int? dim = null) => input.TakeAlongDim(indices, dim);
}
