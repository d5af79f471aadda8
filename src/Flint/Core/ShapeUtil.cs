using System.Runtime.CompilerServices;

namespace Flint;

/// <summary>Shape arithmetic: numel, strides, dim wrapping, broadcasting, and PyTorch's wording of shape errors.</summary>
public static class ShapeUtil
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Numel(ReadOnlySpan<int> sizes)
    {
        long n = 1;
        foreach (var s in sizes) n *= s;
        if (n > Array.MaxLength) throw new ArgumentException($"tensor of {n} elements is larger than Flint's limit of {Array.MaxLength} elements per storage");
        return (int)n;
    }

    public static int[] ContiguousStrides(ReadOnlySpan<int> sizes)
    {
        var strides = new int[sizes.Length];
        int s = 1;
        for (int d = sizes.Length - 1; d >= 0; d--) { strides[d] = s; s *= Math.Max(sizes[d], 1); }
        return strides;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int WrapDim(long dim, int ndim)
    {
        int n = Math.Max(ndim, 1); // a 0-dim tensor accepts dims -1 and 0
        if (dim < -n || dim >= n)
            throw new IndexOutOfRangeException($"Dimension out of range (expected to be in range of [{-n}, {n - 1}], but got {dim})");
        return (int)(dim < 0 ? dim + n : dim);
    }

    public static long[] ToLong(int[] a)
    {
        var r = new long[a.Length];
        for (int i = 0; i < a.Length; i++) r[i] = a[i];
        return r;
    }

    public static int[] ToInt(ReadOnlySpan<long> a)
    {
        var r = new int[a.Length];
        for (int i = 0; i < a.Length; i++)
        {
            if (a[i] > int.MaxValue) throw new ArgumentException($"size {a[i]} is larger than Flint's limit of {int.MaxValue}");
            if (a[i] < 0) throw new ArgumentException($"Trying to create tensor with negative dimension {a[i]}: [{string.Join(", ", a.ToArray())}]");
            r[i] = (int)a[i];
        }
        return r;
    }

    public static bool SameShape(ReadOnlySpan<int> a, ReadOnlySpan<int> b) => a.SequenceEqual(b);

    /// <summary>The broadcast of two shapes, or PyTorch's error.</summary>
    public static int[] Broadcast(int[] a, int[] b)
    {
        if (a.AsSpan().SequenceEqual(b)) return a;
        int n = Math.Max(a.Length, b.Length);
        var r = new int[n];
        for (int i = 0; i < n; i++)
        {
            int da = i - (n - a.Length), db = i - (n - b.Length);
            int sa = da >= 0 ? a[da] : 1, sb = db >= 0 ? b[db] : 1;
            if (sa == sb || sb == 1) r[i] = sa;
            else if (sa == 1) r[i] = sb;
            else throw new ArgumentException($"The size of tensor a ({sa}) must match the size of tensor b ({sb}) at non-singleton dimension {i}");
        }
        return r;
    }

    public static string Format(ReadOnlySpan<int> sizes) => "[" + string.Join(", ", sizes.ToArray()) + "]";
}
