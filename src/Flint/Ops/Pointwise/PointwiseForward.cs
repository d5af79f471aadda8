namespace Flint.Ops;

/// <summary>
/// The shared forward plumbing of elementwise ops: broadcast the inputs, bring them to the compute dtype, make them
/// contiguous (a single element stays a scalar the kernel broadcasts), allocate the output. Float16 and bfloat16
/// compute in float32 and round the result, as PyTorch's CPU kernels do. Nothing here dispatches or records autograd.
/// </summary>
internal static class PointwiseForward
{
    /// <summary>The dtype a kernel runs in for a given result dtype.</summary>
    public static DType ComputeDType(DType t) => t is DType.Float16 or DType.BFloat16 ? DType.Float32 : t == DType.Bool ? DType.UInt8 : t;

    /// <summary>x in dtype, contiguous, and either of shape <paramref name="shape"/> or a single element.</summary>
    public static Tensor Prepare(Tensor x, int[] shape, DType dtype)
    {
        if (x.DType != dtype) x = x.CastRaw(dtype);
        if (x._numel == 1) return x.IsContiguous() ? x : x.ContiguousRaw();
        if (!ShapeUtil.SameShape(x._sizes, shape)) x = x.ExpandRaw(shape);
        return x.IsContiguous() ? x : x.ContiguousRaw();
    }

    /// <summary>
    /// <see cref="Prepare"/> for an operand of a binary kernel, which also takes a single element: a tensor that is
    /// one value broadcast (all strides 0, as the gradients of sum and mean are) is passed as that value instead of
    /// being copied out to full size.
    /// </summary>
    public static Tensor PrepareOperand(Tensor x, int[] shape, DType dtype)
    {
        if (x._numel > 1 && Array.TrueForAll(x._strides, s => s == 0))
            x = new Tensor(x._storage, x._offset, [1], [1]);
        return Prepare(x, shape, dtype);
    }

    /// <summary>
    /// The tensor an in-place op writes into (set by <see cref="Tensor.InPlace(Func{Tensor}, Tensor?)"/> around one
    /// elementwise op): the kernel whose first operand it is writes its result straight into it instead of a new
    /// tensor that is then copied in. Each element is read before it is written at the same index, so this is safe
    /// whenever the other operand does not overlap it (a different storage, or the very same tensor).
    /// </summary>
    [ThreadStatic] private static Tensor? t_target;

    internal static Tensor? SwapTarget(Tensor? target) { var old = t_target; t_target = target; return old; }

    private static Tensor? TakeTarget(Tensor first, Tensor? second, int[] shape, DType computeType, DType resultType)
    {
        var t = t_target;
        if (t is null || !ReferenceEquals(first, t) || computeType != resultType || t.DType != resultType || !ShapeUtil.SameShape(t._sizes, shape))
            return null;
        if (second is not null && !ReferenceEquals(second, t) && ReferenceEquals(second._storage, t._storage)) return null;
        t_target = null; // one op only
        return t;
    }

    /// <summary>Runs a binary kernel: out = kernel(a, b) in the result dtype of (a, b).</summary>
    public static Tensor Binary(Tensor a, Tensor b, DType resultType, Action<Tensor, Tensor, Tensor> kernel)
    {
        var shape = ShapeUtil.SameShape(a._sizes, b._sizes) ? a._sizes : ShapeUtil.Broadcast(a._sizes, b._sizes);
        var ct = ComputeDType(resultType);
        var pa = PrepareOperand(a, shape, ct);
        var pb = PrepareOperand(b, shape, ct);
        var z = TakeTarget(pa, pb, shape, ct, resultType) ?? Tensor.Empty(shape, ct);
        kernel(pa, pb, z);
        return ct == resultType ? z : z.CastRaw(resultType);
    }

    /// <summary>A binary kernel computing in <paramref name="computeFrom"/>'s compute dtype and writing bools.</summary>
    public static Tensor BinaryToBool(Tensor a, Tensor b, DType computeFrom, Action<Tensor, Tensor, Tensor> kernel)
    {
        var shape = ShapeUtil.SameShape(a._sizes, b._sizes) ? a._sizes : ShapeUtil.Broadcast(a._sizes, b._sizes);
        var ct = ComputeDType(computeFrom);
        var pa = PrepareOperand(a, shape, ct);
        var pb = PrepareOperand(b, shape, ct);
        var z = Tensor.Empty(shape, DType.Bool);
        kernel(pa, pb, z);
        return z;
    }

    public static Tensor Unary(Tensor x, DType resultType, Action<Tensor, Tensor> kernel)
    {
        var ct = ComputeDType(resultType);
        var px = Prepare(x, x._sizes, ct);
        if (px._numel == 1 && x._numel == 1 && !ShapeUtil.SameShape(px._sizes, x._sizes)) px = px.ViewRaw(x._sizes);
        var y = TakeTarget(px, null, x._sizes, ct, resultType) ?? Tensor.Empty(x._sizes, ct);
        kernel(px, y);
        return ct == resultType ? y : y.CastRaw(resultType);
    }

    /// <summary>A unary kernel writing bools, reading x in its compute dtype.</summary>
    public static Tensor UnaryToBool(Tensor x, Action<Tensor, Tensor> kernel)
    {
        var px = Prepare(x, x._sizes, ComputeDType(x.DType));
        var y = Tensor.Empty(x._sizes, DType.Bool);
        kernel(px, y);
        return y;
    }
}
