namespace Flint.Ops;

/// <summary>sum/mean as schema calls: the full reduction (aten::sum) or over dims (aten::sum.dim_IntList).</summary>
internal static class ReductionBinding
{
    public static Graphs.SchemaCall Bind(string name, Tensor? x, int[]? dims, bool keepdim, DType? dtype)
    {
        object? code = dtype is { } d ? Graphs.ScalarTypes.Code(d) : null;
        return dims is null
            ? Graphs.OpRegistry.Call(name, x, code)
            : Graphs.OpRegistry.Call(name + ".dim_IntList", x, dims, keepdim, code);
    }
}
