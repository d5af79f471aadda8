namespace Flint.Ops;

/// <summary>Argument checks of the matmul family, worded as PyTorch words them (run before dispatch).</summary>
internal static class LinalgChecks
{
    static string N(DType t) => Tensor.CastName(t);

    public static void SameDType(Tensor a, Tensor b)
    {
        if (a.DType != b.DType) throw new ArgumentException($"expected scalar type {N(a.DType)} but found {N(b.DType)}");
    }

    public static void Mm(Tensor a, Tensor b)
    {
        if (a.Dim != 2) throw new ArgumentException("self must be a matrix");
        if (b.Dim != 2) throw new ArgumentException("mat2 must be a matrix");
        MatShapes(a, b);
        SameDType(a, b);
    }

    static void MatShapes(Tensor a, Tensor b)
    {
        if (a._sizes[1] != b._sizes[0])
            throw new ArgumentException($"mat1 and mat2 shapes cannot be multiplied ({a._sizes[0]}x{a._sizes[1]} and {b._sizes[0]}x{b._sizes[1]})");
    }

    public static void Addmm(Tensor self, Tensor a, Tensor b)
    {
        if (a.Dim != 2) throw new ArgumentException($"mat1 must be a matrix, got {a.Dim}-D tensor");
        if (b.Dim != 2) throw new ArgumentException($"mat2 must be a matrix, got {b.Dim}-D tensor");
        MatShapes(a, b);
        Expandable(self, [a._sizes[0], b._sizes[1]]);
        if (self.DType != b.DType) throw new ArgumentException("self and mat2 must have the same dtype");
        SameDType(a, b);
    }

    public static void Bmm(Tensor a, Tensor b)
    {
        if (a.Dim != 3) throw new ArgumentException("batch1 must be a 3D tensor");
        if (b.Dim != 3) throw new ArgumentException("batch2 must be a 3D tensor");
        if (b._sizes[0] != a._sizes[0] || b._sizes[1] != a._sizes[2])
            throw new ArgumentException($"Expected size for first two dimensions of batch2 tensor to be: [{a._sizes[0]}, {a._sizes[2]}] but got: [{b._sizes[0]}, {b._sizes[1]}].");
        SameDType(a, b);
    }

    public static void Baddbmm(Tensor self, Tensor a, Tensor b)
    {
        Bmm(a, b);
        Expandable(self, [a._sizes[0], a._sizes[1], b._sizes[2]]);
        SameDType(self, a);
    }

    /// <summary>mv / addmv; self is the addmv input (null for mv, whose "input" is the result).</summary>
    public static void Mv(Tensor? self, Tensor mat, Tensor vec)
    {
        if (mat.Dim != 2 || vec.Dim != 1 || (self is not null && self.Dim > 1))
            throw new ArgumentException($"vector + matrix @ vector expected, got {self?.Dim ?? 1}, {mat.Dim}, {vec.Dim}");
        int selfSize = self is null ? mat._sizes[0] : self.Dim == 0 ? 1 : self._sizes[0];
        bool selfOk = self is null || selfSize == mat._sizes[0] || selfSize == 1;
        if (mat._sizes[1] != vec._sizes[0] || !selfOk)
            throw new ArgumentException($"size mismatch, got input ({selfSize}), mat ({mat._sizes[0]}x{mat._sizes[1]}), vec ({vec._sizes[0]})");
        SameDType(mat, vec);
        if (self is not null) SameDType(self, mat);
    }

    public static void Dot(Tensor a, Tensor b)
    {
        if (a.Dim != 1 || b.Dim != 1) throw new ArgumentException($"1D tensors expected, but got {a.Dim}D and {b.Dim}D tensors");
        if (a.DType != b.DType) throw new ArgumentException($"dot : expected both vectors to have same dtype, but found {N(a.DType)} and {N(b.DType)}");
        if (a._numel != b._numel)
            throw new ArgumentException($"inconsistent tensor size, expected tensor [{a._numel}] and src [{b._numel}] to have the same number of elements, but got {a._numel} and {b._numel} elements respectively");
    }

    /// <summary>self must broadcast to the result shape (PyTorch's expand error otherwise).</summary>
    public static void Expandable(Tensor self, int[] target)
    {
        if (self.Dim > target.Length)
            throw new ArgumentException($"expand(torch.FloatTensor{{{ShapeUtil.Format(self._sizes)}}}, size={ShapeUtil.Format(target)}): the number of sizes provided ({target.Length}) must be greater or equal to the number of dimensions in the tensor ({self.Dim})");
        for (int d = target.Length - 1; d >= 0; d--) // PyTorch checks from the last dim
        {
            int od = d - (target.Length - self.Dim);
            if (od < 0) continue;
            int cur = self._sizes[od];
            if (cur != target[d] && cur != 1)
                throw new ArgumentException($"The expanded size of the tensor ({target[d]}) must match the existing size ({cur}) at non-singleton dimension {d}.  Target sizes: {ShapeUtil.Format(target)}.  Tensor sizes: {ShapeUtil.Format(self._sizes)}");
        }
    }
}
