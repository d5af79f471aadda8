using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;

namespace Flint.Kernels.Cpu.Linalg;

/// <summary>
/// The level-1 steps the factorizations are made of, on contiguous rows of doubles: y += a·x, x·y, a·x and plane
/// rotations. The factorizations keep the vectors they touch as rows, so each of these runs over contiguous memory.
/// </summary>
internal static unsafe class RowOps
{
    /// <summary>y[i] += a·x[i].</summary>
    public static void Axpy(double a, double* x, double* y, int n)
    {
        if (n <= 0 || a == 0) return;
        var ys = new Span<double>(y, n);
        TensorPrimitives.MultiplyAdd(new ReadOnlySpan<double>(x, n), a, ys, ys);
    }

    public static double Dot(double* x, double* y, int n)
        => n <= 0 ? 0 : TensorPrimitives.Dot(new ReadOnlySpan<double>(x, n), new ReadOnlySpan<double>(y, n));

    public static void Scale(double* x, int n, double a)
    {
        if (n <= 0) return;
        var s = new Span<double>(x, n);
        TensorPrimitives.Multiply(s, a, s);
    }

    /// <summary>(x, y) ← (c·x − s·y, s·x + c·y), element by element.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Rotate(double* x, double* y, int n, double c, double s)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated && n >= Vector<double>.Count)
        {
            var vc = new Vector<double>(c); var vs = new Vector<double>(s);
            for (; i <= n - Vector<double>.Count; i += Vector<double>.Count)
            {
                var xv = Vector.Load(x + i); var yv = Vector.Load(y + i);
                (vc * xv - vs * yv).Store(x + i);
                (vs * xv + vc * yv).Store(y + i);
            }
        }
        for (; i < n; i++)
        {
            double xi = x[i], yi = y[i];
            x[i] = c * xi - s * yi;
            y[i] = s * xi + c * yi;
        }
    }

    /// <summary>Swaps two rows of n elements.</summary>
    public static void Swap(double* x, double* y, int n)
    {
        if (x == y) return;
        var a = new Span<double>(x, n); var b = new Span<double>(y, n);
        for (int i = 0; i < n; i++) (a[i], b[i]) = (b[i], a[i]);
    }
}
