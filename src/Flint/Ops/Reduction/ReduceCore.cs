using Flint.Kernels.Cpu;

namespace Flint.Ops;

/// <summary>The associative reductions (sum, prod, max, min) over any dims of a strided tensor, via <see cref="Reduce"/>.</summary>
internal static class ReduceCore
{
    public enum Kind { Sum, Prod, Max, Min }

    /// <summary>The compute dtype for a value dtype: float32/float64 as they are, halves through float32, integers through int64.</summary>
    public static DType ComputeType(DType t) => t switch
    {
        DType.Float32 or DType.Float64 => t,
        DType.Float16 or DType.BFloat16 => DType.Float32,
        _ => DType.Int64,
    };

    /// <summary>Reduces x over dims in dtype ct (float32, float64, int64 or uint8); the result is in ct.</summary>
    public static Tensor Run(Tensor x, int[]? dims, bool keepdim, DType ct, Kind k)
    {
        var mask = ReductionPlan.ReducedMask(x.Dim, dims);
        var y = Tensor.Empty(ReductionPlan.OutputSizes(x._sizes, dims, keepdim), ct);
        var xc = x.DType == ct ? x : x.CastRaw(ct);
        switch (ct)
        {
            case DType.Float32: Run<float>(xc, mask, y, k); break;
            case DType.Float64: Run<double>(xc, mask, y, k); break;
            case DType.Int64: Run<long>(xc, mask, y, k); break;
            case DType.UInt8: Run<byte>(xc, mask, y, k); break;
            default: throw new NotSupportedException($"reduction in {ct.Name()}");
        }
        return y;
    }

    private static void Run<T>(Tensor x, bool[] mask, Tensor y, Kind k) where T : unmanaged, System.Numerics.INumber<T>
    {
        switch (k)
        {
            case Kind.Sum: Reduce.Run<T, SumReducer<T>>(x, mask, y, default); break;
            case Kind.Prod: Reduce.Run<T, ProdReducer<T>>(x, mask, y, default); break;
            case Kind.Max: Reduce.Run<T, MaxReducer<T>>(x, mask, y, default); break;
            case Kind.Min: Reduce.Run<T, MinReducer<T>>(x, mask, y, default); break;
        }
    }

    /// <summary>PyTorch's dtype name as its error messages print it ("Long", "Float" …).</summary>
    public static string TypeName(DType t) => Tensor.CastName(t);

    /// <summary>The error PyTorch gives for max/min/amax… over zero elements without a dim (or over an empty dim).</summary>
    public static void CheckNonEmpty(Tensor x, string name, int[]? dims)
    {
        if (x._numel != 0) return;
        if (dims is null || dims.Length == 0)
            throw new ArgumentException($"{name}(): Expected reduction dim to be specified for input.numel() == 0. Specify the reduction dim with the 'dim' argument.");
        foreach (var d in dims)
        {
            int w = ShapeUtil.WrapDim(d, x.Dim);
            if (x.Dim > 0 && x._sizes[w] == 0)
                throw new IndexOutOfRangeException($"{name}(): Expected reduction dim {w} to have non-zero size.");
        }
    }
}
