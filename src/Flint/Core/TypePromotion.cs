namespace Flint;

/// <summary>PyTorch's type promotion: the lattice of promote_types and result_type's three priority levels.</summary>
public static class TypePromotion
{
    // Index order matches DType: Bool, UInt8, Int8, Int16, Int32, Int64, Float16, BFloat16, Float32, Float64.
    private const DType b1 = DType.Bool, u1 = DType.UInt8, i1 = DType.Int8, i2 = DType.Int16, i4 = DType.Int32,
        i8 = DType.Int64, f2 = DType.Float16, bf = DType.BFloat16, f4 = DType.Float32, f8 = DType.Float64;

    private static readonly DType[,] Table =
    {
        /*        b1  u1  i1  i2  i4  i8  f2  bf  f4  f8 */
        /* b1 */ { b1, u1, i1, i2, i4, i8, f2, bf, f4, f8 },
        /* u1 */ { u1, u1, i2, i2, i4, i8, f2, bf, f4, f8 },
        /* i1 */ { i1, i2, i1, i2, i4, i8, f2, bf, f4, f8 },
        /* i2 */ { i2, i2, i2, i2, i4, i8, f2, bf, f4, f8 },
        /* i4 */ { i4, i4, i4, i4, i4, i8, f2, bf, f4, f8 },
        /* i8 */ { i8, i8, i8, i8, i8, i8, f2, bf, f4, f8 },
        /* f2 */ { f2, f2, f2, f2, f2, f2, f2, f4, f4, f8 },
        /* bf */ { bf, bf, bf, bf, bf, bf, f4, bf, f4, f8 },
        /* f4 */ { f4, f4, f4, f4, f4, f4, f4, f4, f4, f8 },
        /* f8 */ { f8, f8, f8, f8, f8, f8, f8, f8, f8, f8 },
    };

    /// <summary>torch.promote_types.</summary>
    public static DType Promote(DType a, DType b) => Table[(int)a, (int)b];

    private static int Category(DType t) => t == DType.Bool ? 0 : t.IsFloatingPoint() ? 2 : 1;

    /// <summary>Combines a higher-priority result with a lower-priority one (PyTorch's combine_categories).</summary>
    private static DType? Combine(DType? higher, DType? lower)
    {
        if (higher is null) return lower;
        if (lower is null) return higher;
        if (higher.Value.IsFloatingPoint()) return higher;
        if (higher == DType.Bool || lower.Value.IsFloatingPoint()) return Promote(higher.Value, lower.Value);
        return higher;
    }

    /// <summary>
    /// torch.result_type over tensors and scalars: tensors with dimensions outrank 0-dim tensors, which outrank
    /// C# scalars; a lower level only raises the category (bool → integer → floating).
    /// </summary>
    public static DType ResultType(ReadOnlySpan<Tensor> tensors, ReadOnlySpan<Scalar> scalars = default)
    {
        DType? dim = null, zero = null, wrapped = null;
        foreach (var t in tensors)
        {
            if (t is null) continue;
            if (t.Dim > 0) dim = dim is null ? t.DType : Promote(dim.Value, t.DType);
            else zero = zero is null ? t.DType : Promote(zero.Value, t.DType);
        }
        foreach (var s in scalars)
        {
            var d = s.IsFloatingPoint ? Torch.DefaultDType : s.IsBool ? DType.Bool : DType.Int64;
            wrapped = wrapped is null ? d : Promote(wrapped.Value, d);
        }
        return Combine(dim, Combine(zero, wrapped)) ?? Torch.DefaultDType;
    }

    public static DType ResultType(Tensor a, Tensor b)
    {
        if (a.DType == b.DType) return a.DType;
        return ResultType([a, b]);
    }

    public static DType ResultType(Tensor a, Scalar b)
    {
        // Fast path: a scalar of the same or a lower category never changes the tensor's dtype.
        if (Category(a.DType) >= (b.IsFloatingPoint ? 2 : b.IsBool ? 0 : 1)) return a.DType;
        return ResultType([a], [b]);
    }

    /// <summary>The dtype floating-point ops compute in: integers and bool become the default float dtype.</summary>
    public static DType ToFloat(DType t) => t.IsFloatingPoint() ? t : Torch.DefaultDType;
}
