namespace Flint;

// torch.matmul & co. as functions; the tensor methods (Tensor.Linalg.cs) hold the logic.
public static partial class Torch
{
    public static Tensor Matmul(Tensor input, Tensor other) => input.Matmul(other);
    public static Tensor Mm(Tensor input, Tensor mat2) => input.Mm(mat2);
    public static Tensor Bmm(Tensor input, Tensor mat2) => input.Bmm(mat2);
    public static Tensor Mv(Tensor input, Tensor vec) => input.Mv(vec);
    public static Tensor Dot(Tensor input, Tensor other) => input.Dot(other);
    public static Tensor Vdot(Tensor input, Tensor other) => input.Vdot(other);
    public static Tensor Outer(Tensor input, Tensor vec2) => input.Outer(vec2);
    public static Tensor Ger(Tensor input, Tensor vec2) => input.Outer(vec2);
    public static Tensor Trace(Tensor input) => input.Trace();

    public static Tensor Addmm(Tensor input, Tensor mat1, Tensor mat2, Scalar? beta = null, Scalar? alpha = null)
        => input.Addmm(mat1, mat2, beta, alpha);
    public static Tensor Baddbmm(Tensor input, Tensor batch1, Tensor batch2, Scalar? beta = null, Scalar? alpha = null)
        => input.Baddbmm(batch1, batch2, beta, alpha);
    public static Tensor Addmv(Tensor input, Tensor mat, Tensor vec, Scalar? beta = null, Scalar? alpha = null)
        => input.Addmv(mat, vec, beta, alpha);

    /// <summary>
    /// F.linear: input @ weight.T + bias, as PyTorch computes it: one addmm for 2-D input with a bias (and for
    /// contiguous 3-D input, viewed as 2-D), matmul (+ bias) otherwise. weight.T is a view: no copy.
    /// </summary>
    public static Tensor Linear(Tensor input, Tensor weight, Tensor? bias = null)
    {
        if (input.Dim == 2 && bias is not null) return bias.Addmm(input, weight.t());
        if (bias is not null && input.Dim == 3 && input.IsContiguous())
        {
            var s = input.Shape;
            var r = bias.Addmm(input.View(s[0] * s[1], s[2]), weight.t());
            return r.View(s[0], s[1], r.Size(1));
        }
        var output = input.Matmul(weight.t());
        return bias is null ? output : output + bias;
    }
}
