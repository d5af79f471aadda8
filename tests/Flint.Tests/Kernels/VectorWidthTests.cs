using System.Runtime.Intrinsics;
using Flint.Kernels.Cpu;

namespace Flint.Tests.Kernels;

/// <summary>Tests that switch <see cref="VectorWidth"/> run alone, so no other test sees the narrower width meanwhile.</summary>
[CollectionDefinition("VectorWidth", DisableParallelization = true)]
public sealed class VectorWidthCollection { }

/// <summary>
/// The pointwise kernels and the vector math (<see cref="VMath"/>) are written once over the vector width. Every
/// vectorized op runs here at each width the machine has (Vector512 on AVX-512 machines, Vector256 on all): each
/// result must lie within the pinned accuracy of the op's scalar form (computed in double), and the two widths must
/// agree bit for bit, lane for lane, since they run the same operations. The inputs cover the saturation ends, the
/// non-finite values, −0, a dense grid and random values; odd lengths exercise the scalar tails, and offset views with
/// a lowered streaming threshold exercise the aligned streaming-store prologue of each width.
/// </summary>
[Collection("VectorWidth")]
public class VectorWidthTests
{
    static readonly float[] Special =
    [
        -1000, -100, -88.5f, -87.4f, -87.3f, -20, -5.7f, -5.5f, -3, -1, -1e-30f, -0f, 0, 1e-30f, 1, 3, 5.5f, 5.7f, 20,
        87.3f, 88.3f, 88.5f, 100, 1000, float.NegativeInfinity, float.PositiveInfinity, float.NaN, -float.NaN,
    ];

    /// <summary>The special values, a dense grid over [−12, 12] and random normals ×4: 20,000 values plus an odd tail.</summary>
    static float[] Inputs()
    {
        var rng = new Random(13);
        var xs = new List<float>(Special);
        for (int i = 0; i < 12000; i++) xs.Add(-12f + 24f * i / 12000);
        while (xs.Count < 20011) xs.Add((float)(4 * Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble())));
        return xs.ToArray();
    }

    /// <summary>The widths this machine runs: 512 first where it has AVX-512, then 256.</summary>
    static IEnumerable<bool> Widths() => Vector512.IsHardwareAccelerated ? [true, false] : [false];

    /// <summary>Runs <paramref name="kernel"/> at every width; returns the outputs (index 0: the default width).</summary>
    static List<T[]> AtEachWidth<T>(int n, Action<T[]> kernel)
    {
        var results = new List<T[]>();
        try
        {
            foreach (bool w512 in Widths())
            {
                VectorWidth.Use512 = w512;
                var y = new T[n];
                kernel(y);
                results.Add(y);
            }
        }
        finally { VectorWidth.Use512 = Vector512.IsHardwareAccelerated; }
        return results;
    }

    static void SameBits(float[] a, float[] b, string what)
    {
        for (int i = 0; i < a.Length; i++)
            Assert.True(BitConverter.SingleToInt32Bits(a[i]) == BitConverter.SingleToInt32Bits(b[i]),
                $"{what}: element {i} differs between the widths ({a[i]:R} vs {b[i]:R})");
    }

    /// <summary>|got − expected| within atol + rtol·|expected|; NaN and infinities must match exactly.</summary>
    static void Near(double expected, double got, double atol, double rtol, string what)
    {
        if (double.IsNaN(expected)) { Assert.True(double.IsNaN(got), $"{what}: expected NaN, got {got}"); return; }
        if (double.IsInfinity(expected)) { Assert.Equal(expected, got); return; }
        Assert.True(Math.Abs(got - expected) <= atol + rtol * Math.Abs(expected), $"{what}: expected {expected:R}, got {got:R}");
    }

    // The float activations and their scalar forms (in double), with the accuracy the fixture tests pin.
    static readonly (string Name, IFloatUnaryKernel Kernel, Func<double, double> Exact)[] FloatUnary =
    [
        ("sigmoid", new FloatFnKernel(FloatFn.Sigmoid), x => 1 / (1 + Math.Exp(-x))),
        ("erf", new FloatFnKernel(FloatFn.Erf), SpecialFunctions.Erf),
        ("gelu", new ActivationKernel(Act.Gelu), x => double.IsNegativeInfinity(x) ? double.NaN : 0.5 * x * SpecialFunctions.Erfc(-x / Math.Sqrt(2))),
        ("gelu_tanh", new ActivationKernel(Act.GeluTanh), x => double.IsNegativeInfinity(x) ? double.NaN
            : double.IsPositiveInfinity(x) ? x : 0.5 * x * (1 + Math.Tanh(Math.Sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x)))),
        ("silu", new ActivationKernel(Act.Silu), x => double.IsNegativeInfinity(x) ? double.NaN : double.IsPositiveInfinity(x) ? x : x / (1 + Math.Exp(-x))),
        ("elu", new ActivationKernel(Act.Elu, 1.0, 1.0, 1.0), x => x > 0 ? x : Math.Exp(x) - 1),
        ("selu", new ActivationKernel(Act.Elu, 1.6732632423543772, 1.0507009873554805, 1.0),
            x => 1.0507009873554805 * (x > 0 ? x : 1.6732632423543772 * (Math.Exp(x) - 1))),
        ("leaky_relu", new ActivationKernel(Act.LeakyRelu, 0.01), x => x > 0 ? x : 0.01 * x),
        ("hardsigmoid", new ActivationKernel(Act.HardSigmoid), x => double.IsNaN(x) ? x : Math.Clamp(x / 6 + 0.5, 0, 1)),
        ("hardswish", new ActivationKernel(Act.HardSwish), x => double.IsNaN(x) ? x : x * Math.Clamp(x / 6 + 0.5, 0, 1)),
        ("rsqrt", new PowScalarKernel(-0.5), x => 1 / Math.Sqrt(x)),
        ("square", new PowScalarKernel(2), x => x * x),
    ];

    [Fact]
    public void FloatActivationsAgreeAcrossWidthsAndWithTheirExactValues()
    {
        var xs = Inputs();
        foreach (var (name, kernel, exact) in FloatUnary)
        {
            var outs = AtEachWidth<float>(xs.Length, y => kernel.Run<float>(xs, y));
            foreach (var y in outs)
                for (int i = 0; i < xs.Length; i++)
                {
                    double e = exact(xs[i]);
                    // products of a large input with a rounded factor: a few ulps relative; exp-based ends absolute
                    Near((float)e, y[i], 1e-6, 4e-6, $"{name}({xs[i]:R}) at width {(outs.IndexOf(y) == 0 && Vector512.IsHardwareAccelerated ? 512 : 256)}");
                }
            if (outs.Count == 2) SameBits(outs[0], outs[1], name);
        }
    }

    [Fact]
    public void GeluKeepsItsPinnedAccuracyOnEveryWidth()
    {
        // PointwiseSemanticsTests pins gelu's float kernel at 7e-7 absolute, 4e-7 below x = −1, on this grid
        const int n = 1 << 18;
        var xs = new float[n];
        for (int i = 0; i < n; i++) xs[i] = -10f + 20f * i / n;
        var outs = AtEachWidth<float>(n, y => new ActivationKernel(Act.Gelu).Run<float>(xs, y));
        foreach (var g in outs)
        {
            double worst = 0, worstTail = 0;
            for (int i = 0; i < n; i++)
            {
                double d = xs[i], err = Math.Abs(g[i] - 0.5 * d * SpecialFunctions.Erfc(-d / Math.Sqrt(2)));
                worst = Math.Max(worst, err);
                if (d < -1) worstTail = Math.Max(worstTail, err);
            }
            Assert.True(worst < 7e-7, $"largest absolute error {worst:E2}");
            Assert.True(worstTail < 4e-7, $"largest absolute error below x = -1: {worstTail:E2}");
        }
        if (outs.Count == 2) SameBits(outs[0], outs[1], "gelu");
    }

    [Fact]
    public void SigmoidSaturatesExactlyOnEveryWidth()
    {
        float[] xs = [-1000, -100, -88.5f, 88.5f, 100, 1000, float.NegativeInfinity, float.PositiveInfinity, 0, -0f, 1, -1, 2, -2, 3, -3, 4];
        foreach (var y in AtEachWidth<float>(xs.Length, y => new FloatFnKernel(FloatFn.Sigmoid).Run<float>(xs, y)))
        {
            Assert.Equal(0f, y[1]);
            Assert.Equal(1f, y[4]);
            Assert.Equal(0f, y[6]);
            Assert.Equal(1f, y[7]);
            Assert.Equal(0.5f, y[8]);
        }
    }

    [Fact]
    public void DoubleActivationsAgreeAcrossWidths()
    {
        var xs = Array.ConvertAll(Inputs(), v => (double)v);
        (string, IFloatUnaryKernel, Func<double, double>)[] ops =
        [
            ("sigmoid", new FloatFnKernel(FloatFn.Sigmoid), x => 1 / (1 + Math.Exp(-x))),
            ("silu", new ActivationKernel(Act.Silu), x => double.IsNegativeInfinity(x) ? double.NaN : double.IsPositiveInfinity(x) ? x : x / (1 + Math.Exp(-x))),
            ("elu", new ActivationKernel(Act.Elu, 1.0, 1.0, 1.0), x => x > 0 ? x : Math.Exp(x) - 1),
            ("sqrt", new PowScalarKernel(0.5), Math.Sqrt),
        ];
        foreach (var (name, kernel, exact) in ops)
        {
            var outs = AtEachWidth<double>(xs.Length, y => kernel.Run<double>(xs, y));
            foreach (var y in outs)
                for (int i = 0; i < xs.Length; i++) Near(exact(xs[i]), y[i], 1e-15, 1e-13, $"{name}({xs[i]:R})");
            // double e^x is the runtime's Vector256/512.Exp, whose two widths may differ in the last bit
            if (outs.Count == 2)
                for (int i = 0; i < xs.Length; i++) Near(outs[1][i], outs[0][i], 1e-15, 4e-16, $"{name}({xs[i]:R}) (double) between the widths");
        }
    }

    // The arithmetic ops are IBandwidthBound (they run at Vector256 on both settings); this pins their results, with a
    // repeated scalar on either side, and that switching the width changes nothing for them.
    [Fact]
    public void BinaryKernelsAgreeAcrossWidthsForArraysAndRepeatedScalars()
    {
        var a = Inputs();
        var b = new float[a.Length];
        var rng = new Random(5);
        for (int i = 0; i < b.Length; i++) b[i] = (float)(rng.NextDouble() * 6 - 3);
        b[0] = float.NaN; b[1] = -0f; b[2] = float.PositiveInfinity;
        float[] one = [1.5f];
        (string, Action<float[], float[], float[]>, Func<float, float, float>)[] ops =
        [
            ("add", (x, y, z) => new NumericBinaryKernel(NumericBinaryFn.Add).Run<float>(x, y, z), (x, y) => x + y),
            ("add_alpha", (x, y, z) => new NumericBinaryKernel(NumericBinaryFn.Add, -0.25).Run<float>(x, y, z), (x, y) => x + -0.25f * y),
            ("sub", (x, y, z) => new NumericBinaryKernel(NumericBinaryFn.Sub).Run<float>(x, y, z), (x, y) => x - y),
            ("mul", (x, y, z) => new NumericBinaryKernel(NumericBinaryFn.Mul).Run<float>(x, y, z), (x, y) => x * y),
            ("div", (x, y, z) => new DivKernel().Run<float>(x, y, z), (x, y) => x / y),
            ("maximum", (x, y, z) => new NumericBinaryKernel(NumericBinaryFn.Maximum).Run<float>(x, y, z), (x, y) => new MaxMinOp<float>(true, false).Invoke(x, y)),
            ("fmin", (x, y, z) => new NumericBinaryKernel(NumericBinaryFn.Fmin).Run<float>(x, y, z), float.MinNumber),
        ];
        foreach (var (name, run, exact) in ops)
            foreach (bool repeated in new[] { false, true })
            {
                var rhs = repeated ? one : b;
                var outs = AtEachWidth<float>(a.Length, z => run(a, rhs, z));
                foreach (var z in outs)
                    for (int i = 0; i < a.Length; i++)
                    {
                        float e = exact(a[i], rhs[repeated ? 0 : i]);
                        Assert.True(e.Equals(z[i]) || (e == 0 && z[i] == 0), $"{name}({a[i]:R}, {rhs[repeated ? 0 : i]:R}) = {z[i]:R}, expected {e:R}");
                    }
                if (outs.Count == 2) SameBits(outs[0], outs[1], name + (repeated ? " with a scalar" : ""));
            }
    }

    [Fact]
    public void ActivationDerivativesAgreeAcrossWidths()
    {
        var x = Inputs();
        var g = new float[x.Length];
        var rng = new Random(8);
        for (int i = 0; i < g.Length; i++) g[i] = (float)(rng.NextDouble() * 2 - 1);
        foreach (var fn in new[] { ActBackward.Gelu, ActBackward.GeluTanh, ActBackward.Sigmoid, ActBackward.Tanh, ActBackward.Silu })
        {
            var outs = AtEachWidth<float>(x.Length, z => new ActivationBackwardKernel(fn).Run<float>(g, x, z));
            var scalar = new float[x.Length];
            for (int i = 0; i < x.Length; i++)
                scalar[i] = fn switch
                {
                    ActBackward.Gelu => new GeluBackwardOp<float>(false).Invoke(g[i], x[i]),
                    ActBackward.GeluTanh => new GeluBackwardOp<float>(true).Invoke(g[i], x[i]),
                    ActBackward.Sigmoid => new SigmoidBackwardOp<float>().Invoke(g[i], x[i]),
                    ActBackward.Tanh => new TanhBackwardOp<float>().Invoke(g[i], x[i]),
                    _ => new SiluBackwardOp<float>().Invoke(g[i], x[i]),
                };
            foreach (var z in outs)
                for (int i = 0; i < x.Length; i++)
                    Near(scalar[i], z[i], 2e-6, 1e-5 * (1 + Math.Abs(x[i])), $"{fn}_backward({g[i]:R}, {x[i]:R})");
            if (outs.Count == 2) SameBits(outs[0], outs[1], fn + "_backward");
        }
    }

    [Fact]
    public void StreamingStoresAlignToEachWidth()
    {
        // A low threshold sends these short outputs through the streaming loop: a scalar prologue up to the width's
        // alignment (64 bytes for Vector512, 32 for Vector256), then aligned non-temporal stores. Offsets 0..16 move
        // the output against every alignment.
        var x = Inputs();
        int saved = Flint.Kernels.Cpu.Pointwise.NonTemporalMinElements;
        try
        {
            Flint.Kernels.Cpu.Pointwise.NonTemporalMinElements = 1000;
            for (int offset = 0; offset <= 16; offset += 3)
            {
                var src = x.AsSpan(offset).ToArray();
                var outs = AtEachWidth<float>(src.Length + offset, buf =>
                {
                    new FloatFnKernel(FloatFn.Sigmoid).Run<float>(src, buf.AsSpan(offset));
                });
                var plain = new float[src.Length];
                Flint.Kernels.Cpu.Pointwise.NonTemporalMinElements = int.MaxValue;
                new FloatFnKernel(FloatFn.Sigmoid).Run<float>(src, plain);
                Flint.Kernels.Cpu.Pointwise.NonTemporalMinElements = 1000;
                foreach (var y in outs)
                {
                    for (int i = 0; i < offset; i++) Assert.Equal(0f, y[i]); // nothing written before the output
                    SameBits(plain, y.AsSpan(offset).ToArray(), $"streamed sigmoid at offset {offset}");
                }
            }
        }
        finally { Flint.Kernels.Cpu.Pointwise.NonTemporalMinElements = saved; }
    }

    [Fact]
    public void SoftmaxRowsAgreeAcrossWidths()
    {
        // the row max is exact at any width; the sum's order differs, so the widths agree to rounding
        int rows = 7, n = 1037;
        var rng = new Random(21);
        var xs = new float[rows * n];
        for (int i = 0; i < xs.Length; i++) xs[i] = (float)(rng.NextDouble() * 40 - 20);
        xs[3] = -200; xs[n + 5] = 150;
        foreach (bool log in new[] { false, true })
        {
            var outs = AtEachWidth<float>(xs.Length, y => SoftmaxKernels.Run<float>(xs, y, rows, n, 1, log));
            foreach (var y in outs)
                for (int r = 0; r < rows; r++)
                {
                    double max = double.NegativeInfinity, sum = 0;
                    for (int j = 0; j < n; j++) max = Math.Max(max, xs[r * n + j]);
                    for (int j = 0; j < n; j++) sum += Math.Exp(xs[r * n + j] - max);
                    for (int j = 0; j < n; j++)
                    {
                        double e = xs[r * n + j] - max - Math.Log(sum);
                        Near(log ? e : Math.Exp(e), y[r * n + j], log ? 1e-5 : 1e-7, 1e-5, $"{(log ? "log_" : "")}softmax row {r} element {j}");
                    }
                }
        }
    }
}
