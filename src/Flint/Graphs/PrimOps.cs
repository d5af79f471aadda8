using System.Runtime.CompilerServices;

namespace Flint.Graphs;

/// <summary>The runtime side of prim nodes: building and taking apart lists and tuples, truth of conditions.</summary>
internal static class PrimOps
{
    /// <summary>A list in its runtime form for the element type (Tensor[], long[], double[], bool[], object?[]).</summary>
    public static object MakeList(JitType element, object?[] items)
    {
        if (element.IsTensor) return Array.ConvertAll(items, x => (Tensor)x!);
        if (element == JitType.Int) return Array.ConvertAll(items, x => Convert.ToInt64(x));
        if (element == JitType.Float) return Array.ConvertAll(items, x => Convert.ToDouble(x));
        if (element == JitType.Bool) return Array.ConvertAll(items, x => (bool)x!);
        return items;
    }

    /// <summary>The elements of a list or tuple value.</summary>
    public static object?[] AsItems(object? v) => v switch
    {
        object?[] o => o,
        long[] l => Array.ConvertAll(l, x => (object?)x),
        double[] d => Array.ConvertAll(d, x => (object?)x),
        bool[] b => Array.ConvertAll(b, x => (object?)x),
        ITuple t => Enumerable.Range(0, t.Length).Select(i => t[i]).ToArray(),
        _ => throw new InvalidCastException($"expected a list or tuple, got {v?.GetType().Name ?? "None"}"),
    };

    public static bool Truthy(object? v) => v switch
    {
        bool b => b,
        long l => l != 0,
        double d => d != 0,
        Tensor t => t.Item<bool>(),
        _ => throw new InvalidCastException($"expected a bool condition, got {v?.GetType().Name ?? "None"}"),
    };
}
