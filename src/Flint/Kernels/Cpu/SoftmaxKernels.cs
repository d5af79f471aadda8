using System.Numerics;
using System.Numerics.Tensors;

namespace Flint.Kernels.Cpu;

/// <summary>
/// Softmax and log-softmax over a contiguous [outer, n, inner] block (the softmax dim in the middle), stable: the
/// max is subtracted before exp. inner == 1 (the last dim) reduces each contiguous row with vector kernels;
/// inner &gt; 1 runs the same steps elementwise across the inner rows, so no transposing copy is needed.
/// </summary>
public static class SoftmaxKernels
{
    public static void Run<T>(ReadOnlyMemory<T> x, Memory<T> y, int outer, int n, int inner, bool log)
        where T : unmanaged, IFloatingPointIeee754<T>, IExponentialFunctions<T>, ILogarithmicFunctions<T>
    {
        if (n == 0 || outer == 0 || inner == 0) return;
        if (inner == 1)
            RowLoop.For(outer, n, (s, e) =>
            {
                var xs = x.Span; var ys = y.Span;
                for (int i = s; i < e; i++) LastDim(xs.Slice(i * n, n), ys.Slice(i * n, n), log);
            });
        else
            RowLoop.For(outer, n * inner, (s, e) =>
            {
                var tmp = new T[2 * inner];
                var xs = x.Span; var ys = y.Span;
                for (int o = s; o < e; o++) Strided(xs.Slice(o * n * inner, n * inner), ys.Slice(o * n * inner, n * inner), n, inner, log, tmp);
            });
    }

    private static void LastDim<T>(ReadOnlySpan<T> x, Span<T> y, bool log)
        where T : unmanaged, IFloatingPointIeee754<T>, IExponentialFunctions<T>, ILogarithmicFunctions<T>
    {
        bool fast = typeof(T) == typeof(float) && System.Runtime.Intrinsics.Vector256.IsHardwareAccelerated;
        // the float rows are short in attention (128 keys): a plain vector max, no call into the NaN-exact TensorPrimitives.Max
        T max = fast ? (T)(object)SoftmaxExp.RowMax(F(x)) : TensorPrimitives.Max(x);
        if (T.IsInfinity(max) && max < T.Zero) max = T.Zero; // a row of -inf: exp(-inf - 0) = 0, sum 0 → NaN as in PyTorch
        T sum;
        if (fast) sum = (T)(object)SoftmaxExp.ExpShiftSum(F(x), (float)(object)max, F(y));
        else
        {
            TensorPrimitives.Subtract(x, max, y);
            TensorPrimitives.Exp(y, y);
            sum = TensorPrimitives.Sum(y);
        }
        // log_softmax = x - (max + log Σ exp(x - max)): y held the exps only to sum them
        if (log) TensorPrimitives.Subtract(x, max + T.Log(sum), y);
        else TensorPrimitives.Multiply(y, T.One / sum, y);
    }

    private static void Strided<T>(ReadOnlySpan<T> x, Span<T> y, int n, int inner, bool log, T[] tmp)
        where T : unmanaged, IFloatingPointIeee754<T>, IExponentialFunctions<T>, ILogarithmicFunctions<T>
    {
        var max = tmp.AsSpan(0, inner); var sum = tmp.AsSpan(inner, inner);
        x.Slice(0, inner).CopyTo(max);
        for (int k = 1; k < n; k++) TensorPrimitives.Max(max, x.Slice(k * inner, inner), max);
        for (int j = 0; j < inner; j++) if (T.IsInfinity(max[j]) && max[j] < T.Zero) max[j] = T.Zero;
        sum.Clear();
        for (int k = 0; k < n; k++)
        {
            var yk = y.Slice(k * inner, inner);
            if (typeof(T) == typeof(float) && System.Runtime.Intrinsics.Vector256.IsHardwareAccelerated)
            {
                SoftmaxExp.ExpShiftAccumulate(F(x.Slice(k * inner, inner)), F(max), F(yk), F(sum));
                continue;
            }
            TensorPrimitives.Subtract(x.Slice(k * inner, inner), max, yk);
            TensorPrimitives.Exp(yk, yk);
            TensorPrimitives.Add(sum, yk, sum);
        }
        if (log)
        {
            TensorPrimitives.Log(sum, sum);
            TensorPrimitives.Add(sum, max, sum);
            for (int k = 0; k < n; k++) TensorPrimitives.Subtract(x.Slice(k * inner, inner), sum, y.Slice(k * inner, inner));
        }
        else
        {
            TensorPrimitives.Reciprocal(sum, sum);
            for (int k = 0; k < n; k++) TensorPrimitives.Multiply(y.Slice(k * inner, inner), sum, y.Slice(k * inner, inner));
        }
    }

    private static Span<float> F<T>(Span<T> s) where T : unmanaged => System.Runtime.InteropServices.MemoryMarshal.Cast<T, float>(s);
    private static ReadOnlySpan<float> F<T>(ReadOnlySpan<T> s) where T : unmanaged => System.Runtime.InteropServices.MemoryMarshal.Cast<T, float>(s);
}

/// <summary>
/// The softmax backward over [outer, n, inner] blocks, given the output y and its gradient g:
/// softmax gi = y·(g − Σ g·y), log_softmax gi = g − exp(y)·Σ g (sums along the softmax dim).
/// </summary>
public static class SoftmaxBackwardKernels
{
    public static void Run<T>(ReadOnlyMemory<T> g, ReadOnlyMemory<T> y, Memory<T> gi, int outer, int n, int inner, bool log)
        where T : unmanaged, IFloatingPointIeee754<T>, IExponentialFunctions<T>
    {
        if (n == 0 || outer == 0 || inner == 0) return;
        if (inner == 1)
        {
            // The last dim: each row is contiguous; short rows (class scores) run as plain loops.
            RowLoop.For(outer, n, (s, e) =>
            {
                var gs = g.Span; var ys = y.Span; var os = gi.Span;
                for (int o = s; o < e; o++) LastDimBackward(gs.Slice(o * n, n), ys.Slice(o * n, n), os.Slice(o * n, n), log);
            });
            return;
        }
        RowLoop.For(outer, n * inner, (s, e) =>
        {
            var acc = new T[inner]; var tmp = new T[inner];
            var gs = g.Span; var ys = y.Span; var os = gi.Span;
            for (int o = s; o < e; o++)
            {
                int b = o * n * inner;
                Array.Clear(acc);
                for (int k = 0; k < n; k++)
                {
                    var gk = gs.Slice(b + k * inner, inner);
                    if (log) TensorPrimitives.Add(acc, gk, acc);
                    else { TensorPrimitives.Multiply(gk, ys.Slice(b + k * inner, inner), tmp); TensorPrimitives.Add(acc, tmp, acc); }
                }
                for (int k = 0; k < n; k++)
                {
                    var gk = gs.Slice(b + k * inner, inner); var yk = ys.Slice(b + k * inner, inner); var ok = os.Slice(b + k * inner, inner);
                    if (log)
                    {
                        TensorPrimitives.Exp(yk, ok);
                        TensorPrimitives.Multiply(ok, acc, ok);
                        TensorPrimitives.Subtract(gk, ok, ok);
                    }
                    else
                    {
                        TensorPrimitives.Subtract(gk, acc, ok);
                        TensorPrimitives.Multiply(ok, yk, ok);
                    }
                }
            }
        });
    }

    private static void LastDimBackward<T>(ReadOnlySpan<T> g, ReadOnlySpan<T> y, Span<T> o, bool log)
        where T : unmanaged, IFloatingPointIeee754<T>, IExponentialFunctions<T>
    {
        if (g.Length < 16)
        {
            T acc = T.Zero;
            if (log) { foreach (var v in g) acc += v; for (int j = 0; j < o.Length; j++) o[j] = g[j] - T.Exp(y[j]) * acc; }
            else { for (int j = 0; j < g.Length; j++) acc += g[j] * y[j]; for (int j = 0; j < o.Length; j++) o[j] = (g[j] - acc) * y[j]; }
            return;
        }
        if (log)
        {
            T sum = TensorPrimitives.Sum(g);
            TensorPrimitives.Exp(y, o);
            TensorPrimitives.Multiply(o, sum, o);
            TensorPrimitives.Subtract(g, o, o);
        }
        else
        {
            T dot = TensorPrimitives.Dot(g, y);
            TensorPrimitives.AddMultiply(g, -dot, y, o); // (g − dot)·y in one pass
        }
    }
}
