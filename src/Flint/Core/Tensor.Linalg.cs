using Flint.Ops;

namespace Flint;

// Matrix products: matmul (every 1-D / 2-D / batched / broadcast case, with PyTorch's decomposition and grad_fn
// names), mm, bmm, addmm, baddbmm, mv, addmv, dot, vdot, outer, trace. Checks run before dispatch.
public partial class Tensor
{
    public Tensor Mm(Tensor mat2) { LinalgChecks.Mm(this, mat2); return Dispatcher.Call1(MmOp.Instance, [this, mat2]); }

    public Tensor Bmm(Tensor mat2) { LinalgChecks.Bmm(this, mat2); return Dispatcher.Call1(BmmOp.Instance, [this, mat2]); }

    public Tensor Mv(Tensor vec) { LinalgChecks.Mv(null, this, vec); return Dispatcher.Call1(MvOp.Instance, [this, vec]); }

    public Tensor Dot(Tensor other) { LinalgChecks.Dot(this, other); return Dispatcher.Call1(DotOp.Dot, [this, other]); }

    /// <summary>vdot: the conjugate of this times other, summed (the same as Dot for real tensors).</summary>
    public Tensor Vdot(Tensor other) { LinalgChecks.Dot(this, other); return Dispatcher.Call1(DotOp.Vdot, [this, other]); }

    /// <summary>beta·this + alpha·(mat1 @ mat2).</summary>
    public Tensor Addmm(Tensor mat1, Tensor mat2, Scalar? beta = null, Scalar? alpha = null)
    {
        LinalgChecks.Addmm(this, mat1, mat2);
        double b = beta?.ToDouble() ?? 1, a = alpha?.ToDouble() ?? 1;
        return Dispatcher.Call1(b == 1 && a == 1 ? AddmmOp.Default : new AddmmOp(b, a), [this, mat1, mat2]);
    }

    /// <summary>beta·this + alpha·(batch1 @ batch2), batched.</summary>
    public Tensor Baddbmm(Tensor batch1, Tensor batch2, Scalar? beta = null, Scalar? alpha = null)
    {
        LinalgChecks.Baddbmm(this, batch1, batch2);
        double b = beta?.ToDouble() ?? 1, a = alpha?.ToDouble() ?? 1;
        return Dispatcher.Call1(b == 1 && a == 1 ? BaddbmmOp.Default : new BaddbmmOp(b, a), [this, batch1, batch2]);
    }

    /// <summary>beta·this + alpha·(mat @ vec).</summary>
    public Tensor Addmv(Tensor mat, Tensor vec, Scalar? beta = null, Scalar? alpha = null)
    {
        LinalgChecks.Mv(this, mat, vec);
        double b = beta?.ToDouble() ?? 1, a = alpha?.ToDouble() ?? 1;
        return Dispatcher.Call1(b == 1 && a == 1 ? AddmvOp.Default : new AddmvOp(b, a), [this, mat, vec]);
    }

    public Tensor Addmm_(Tensor mat1, Tensor mat2, Scalar? beta = null, Scalar? alpha = null) => InPlace(Addmm(mat1, mat2, beta, alpha));
    public Tensor Baddbmm_(Tensor batch1, Tensor batch2, Scalar? beta = null, Scalar? alpha = null) => InPlace(Baddbmm(batch1, batch2, beta, alpha));
    public Tensor Addmv_(Tensor mat, Tensor vec, Scalar? beta = null, Scalar? alpha = null) => InPlace(Addmv(mat, vec, beta, alpha));

    /// <summary>The outer product of two vectors (PyTorch computes it as a broadcast multiply: MulBackward0).</summary>
    public Tensor Outer(Tensor vec2)
    {
        if (Dim != 1) throw new ArgumentException($"outer: Expected 1-D argument self, but got {Dim}-D");
        if (vec2.Dim != 1) throw new ArgumentException($"outer: Expected 1-D argument vec2, but got {vec2.Dim}-D");
        return Reshape(-1, 1) * vec2;
    }

    public Tensor Ger(Tensor vec2) => Outer(vec2);

    /// <summary>The sum of the main diagonal of a matrix (integers sum to int64).</summary>
    public Tensor Trace()
    {
        if (Dim != 2) throw new ArgumentException($"trace: expected a matrix, but got tensor with dim {Dim}");
        return Dispatcher.Call1(TraceOp.Instance, [this]);
    }

    /// <summary>The matrix transpose of the last two dims (PyTorch's .mT).</summary>
    public Tensor mT
    {
        get
        {
            if (Dim < 2) throw new ArgumentException($"tensor.mT is only supported on matrices or batches of matrices. Got {Dim}-D tensor.");
            return Transpose(-2, -1);
        }
    }

    /// <summary>
    /// torch.matmul, following PyTorch's decomposition so results and grad_fn names match: dot (1-D·1-D), mv (2-D·1-D),
    /// mm (2-D·2-D, and 1-D·2-D through unsqueeze/squeeze); a batched operand against a matrix or vector folds its
    /// batch into rows and runs one mm/mv (then _unsafe_view); otherwise the batch dims broadcast and bmm runs.
    /// </summary>
    public Tensor Matmul(Tensor other)
    {
        int d1 = Dim, d2 = other.Dim;
        if (d1 == 0 || d2 == 0)
            throw new ArgumentException($"both arguments to matmul need to be at least 1D, but they are {d1}D and {d2}D");
        if (d1 == 1 && d2 == 1) return Dot(other);
        if (d1 == 2 && d2 == 1) return Mv(other);
        if (d1 == 1 && d2 == 2) return Unsqueeze(0).Mm(other).Squeeze(0);
        if (d1 == 2 && d2 == 2) return Mm(other);

        if (ShouldFold(this, d2) || ShouldFold(other, d1))
        {
            // Fold the batch of the larger operand into the rows of one mm/mv. With the batched operand on the
            // right, compute (B^T @ A^T)^T instead.
            bool transpose = d2 > d1;
            var t1 = transpose ? other.mT : this;
            var t2 = !transpose ? other : d1 == 2 ? t() : this;
            var s1 = t1._sizes;
            int rows = 1;
            for (int i = 0; i < s1.Length - 1; i++) rows *= s1[i];
            bool t2Matrix = t2.Dim == 2;
            var outShape = new int[s1.Length - 1 + (t2Matrix ? 1 : 0)];
            Array.Copy(s1, outShape, s1.Length - 1);
            if (t2Matrix) outShape[^1] = t2._sizes[1];
            var folded = t1.Reshape(rows, s1[^1]);
            if (!t2Matrix) return UnsafeView(folded.Mv(t2), outShape);
            var output = UnsafeView(folded.Mm(t2), outShape);
            return transpose ? output.mT.Contiguous() : output;
        }

        // Batched: broadcast the batch dims, flatten them, one bmm. (Both operands are at least 2-D here.)
        int n = _sizes[^2], m1 = _sizes[^1], m2 = other._sizes[^2], p = other._sizes[^1];
        var batch = ShapeUtil.Broadcast(_sizes[..^2], other._sizes[..^2]);
        int bp = ShapeUtil.Numel(batch);
        var e1 = new long[batch.Length + 2]; var e2 = new long[batch.Length + 2];
        for (int i = 0; i < batch.Length; i++) e1[i] = e2[i] = batch[i];
        e1[^2] = n; e1[^1] = m1; e2[^2] = m2; e2[^1] = p;
        var a3 = Expand(e1).Reshape(bp, n, m1);
        var b3 = other.Expand(e2).Reshape(bp, m2, p);
        var shape = new int[batch.Length + 2];
        Array.Copy(batch, shape, batch.Length);
        shape[^2] = n; shape[^1] = p;
        return UnsafeView(a3.Bmm(b3), shape);
    }

    /// <summary>
    /// PyTorch's should_fold: a batched operand against a matrix or vector folds into one mm/mv, except a 3-D
    /// operand whose last two dims are transposed (e.g. permute(0, 2, 1)) against a matrix, which goes to bmm.
    /// </summary>
    private static bool ShouldFold(Tensor t1, int dim2)
    {
        if (t1.Dim < 3 || (dim2 != 1 && dim2 != 2)) return false;
        if (t1.Dim == 3 && dim2 == 2 && t1._strides[2] != 1 && t1._strides[0] == t1._sizes[1] * t1._sizes[2]) return false;
        return true;
    }

    private static Tensor UnsafeView(Tensor t, int[] sizes) => Dispatcher.Call1(new UnsafeViewOp(sizes), [t]);
}
