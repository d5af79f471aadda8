namespace Flint.Ops;

/// <summary>
/// What the decomposition ops share: argument checks worded as PyTorch words them, float64 working copies of a batch
/// of matrices (every kernel computes in float64; float32 results are rounded once at the end), and PyTorch's
/// LinAlgError messages, which name the batch element when the input is batched.
/// </summary>
internal static class LinalgCore
{
    public static void CheckFloat(Tensor a, string api)
    {
        if (a.DType is not (DType.Float32 or DType.Float64))
            throw new ArgumentException($"{api}: Expected a floating point or complex tensor as input. Got {Tensor.CastName(a.DType)}");
    }

    public static void CheckMatrix(Tensor a, string api, string name = "A")
    {
        if (a.Dim < 2) throw new ArgumentException($"{api}: The input tensor {name} must have at least 2 dimensions.");
        CheckFloat(a, api);
    }

    public static void CheckSquare(Tensor a, string api, string name = "A")
    {
        CheckMatrix(a, api, name);
        if (a._sizes[^1] != a._sizes[^2])
            throw new ArgumentException($"{api}: {name} must be batches of square matrices, but they are {a._sizes[^2]} by {a._sizes[^1]} matrices");
    }

    public static void SameDType(Tensor a, Tensor b, string api)
    {
        if (a.DType != b.DType)
            throw new ArgumentException($"{api}: Expected A and B to have the same dtype, but found A of type {Tensor.CastName(a.DType)} and B of type {Tensor.CastName(b.DType)} instead");
    }

    /// <summary>How many matrices a (…, m, n) tensor holds.</summary>
    public static int Batch(int[] sizes)
    {
        int b = 1;
        for (int i = 0; i < sizes.Length - 2; i++) b *= sizes[i];
        return b;
    }

    public static int[] BatchShape(int[] sizes) => sizes[..^2];

    public static int[] With(int[] batch, params int[] tail) => [.. batch, .. tail];

    /// <summary>A fresh contiguous float64 copy that a kernel may overwrite.</summary>
    public static Tensor Work(Tensor a)
        => a.DType == DType.Float64 ? a.CloneRaw() : a.CastRaw(DType.Float64);

    /// <summary>A fresh contiguous float64 copy of the matrix transpose of each matrix.</summary>
    public static Tensor WorkT(Tensor a) => Work(TransposeRaw(a));

    /// <summary>The last two dims swapped, as a view (no dispatch, no autograd).</summary>
    public static Tensor TransposeRaw(Tensor a)
    {
        var sizes = (int[])a._sizes.Clone(); var strides = (int[])a._strides.Clone();
        (sizes[^1], sizes[^2]) = (sizes[^2], sizes[^1]);
        (strides[^1], strides[^2]) = (strides[^2], strides[^1]);
        return a.AsStridedRaw(sizes, strides, a._offset);
    }

    /// <summary>A float64 result as the caller's dtype.</summary>
    public static Tensor As(Tensor f64, DType dtype) => f64.CastRaw(dtype);

    public static Tensor Empty(int[] sizes) => Tensor.Empty(sizes, DType.Float64);

    /// <summary>PyTorch's _linalg_check_errors: "api: (Batch element i): message" for batched inputs.</summary>
    public static LinAlgException Error(string api, bool batched, int index, string message)
        => new(batched ? $"{api}: (Batch element {index}): {message}" : $"{api}: {message}");

    /// <summary>An identity matrix per batch element, float64, for the inverse and the adjoint formulas.</summary>
    public static Tensor Eye(int batch, int n)
    {
        var e = Tensor.Empty([batch, n, n], DType.Float64, zeroed: true);
        var s = e.RawSpan<double>();
        for (int b = 0; b < batch; b++) for (int i = 0; i < n; i++) s[b * n * n + i * n + i] = 1;
        return e;
    }
}
