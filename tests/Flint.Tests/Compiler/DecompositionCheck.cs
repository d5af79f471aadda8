using Flint.Ops;
using Flint.Compiler.Decompositions;

namespace Flint.Tests.Compiler;

/// <summary>A mode that records every op it sees and runs it.</summary>
internal sealed class OpRecorder : DispatchMode
{
    public readonly List<Op> Ops = new();
    public override Tensor[] Dispatch(Op op, Tensor?[] inputs) { Ops.Add(op); return Dispatcher.Redispatch(op, inputs); }
}

/// <summary>Elementwise closeness |actual − expected| ≤ atol + rtol·|expected| (NaN matches NaN, infinities match).</summary>
internal readonly record struct Tol(double Rtol, double Atol);

/// <summary>
/// Runs a function of tensors eagerly and with every composite op replaced by its decomposition, and checks that the
/// decomposed run called only primitives, and gave the same outputs (shapes, dtypes, values) and the same gradients.
/// </summary>
internal static class DecompositionCheck
{
    /// <summary>The ops f calls when nothing is decomposed.</summary>
    public static List<Op> Record(Func<Tensor[]> f)
    {
        var rec = new OpRecorder();
        using (rec.Push()) f();
        return rec.Ops;
    }

    /// <summary>f's outputs with decompositions applied (filter: which ops; default the composites), and the ops that
    /// reached the layer below the decomposing mode.</summary>
    public static (Tensor[] Outputs, List<Op> Ops) RunDecomposed(Func<Tensor[]> f, Func<Op, bool>? filter = null)
    {
        var rec = new OpRecorder();
        Tensor[] outs;
        using (rec.Push())
        using (new DecomposingMode(filter).Push())
            outs = f();
        return (outs, rec.Ops);
    }

    /// <summary>
    /// The full check for the op named <paramref name="name"/> (which f must call; null for a function written with
    /// ops that need no decomposition of their own): values, primitives only and, when
    /// <paramref name="grads"/>, the gradients of Σ w·output (w random) with respect to every floating input.
    /// </summary>
    public static void Check(string? name, Func<Tensor[], Tensor[]> f, Tensor[] inputs, Tol tol, bool grads = true,
        Func<Op, bool>? filter = null)
    {
        if (name is not null) Assert.Contains(Record(() => f(inputs)), op => op.Name == name);
        var expected = f(inputs);
        var (actual, ops) = RunDecomposed(() => f(inputs), filter);
        foreach (var op in ops)
            Assert.True(op.IsPrimitive && (filter is null || !filter(op)), $"{op} reached the primitive graph of {name}");
        AssertOutputs(name, expected, actual, tol);
        if (!grads) return;

        var gen = new Generator(1234);
        var weights = Array.ConvertAll(expected, o => o.DType.IsFloatingPoint() ? Torch.RandLike(o, generator: gen) : null);
        var eagerGrads = Gradients(f, inputs, weights, null, out var differentiable);
        var decomposedGrads = Gradients(f, inputs, weights, differentiable, out _);
        AssertOutputs(name + " gradient", eagerGrads, decomposedGrads, tol);
    }

    /// <summary>
    /// The gradients of Σ w·output over the outputs that are differentiable in the eager run (the decomposed run may
    /// make more outputs require grad, such as layer norm's saved mean, which must not count). When the decomposed
    /// outputs require no grad at all (a norm of order 0 counts non-zeros), the gradients are zeros.
    /// </summary>
    private static Tensor[] Gradients(Func<Tensor[], Tensor[]> f, Tensor[] inputs, Tensor?[] weights, bool[]? eagerDifferentiable,
        out bool[] differentiable)
    {
        var leaves = Array.ConvertAll(inputs, x => x.DType.IsFloatingPoint() ? x.Detach().Clone().RequiresGrad_() : x);
        Tensor[] outs;
        if (eagerDifferentiable is not null) using (new DecomposingMode().Push()) outs = f(leaves);
        else outs = f(leaves);
        differentiable = Array.ConvertAll(outs, o => o.RequiresGrad);
        Tensor? loss = null;
        for (int i = 0; i < outs.Length; i++)
            if (weights[i] is { } w && outs[i].RequiresGrad && (eagerDifferentiable?[i] ?? true))
                loss = loss is null ? (outs[i] * w).Sum() : loss + (outs[i] * w).Sum();
        if (eagerDifferentiable is null) Assert.NotNull(loss); // the eager op is differentiable: the check is real
        loss?.Backward();
        var r = new List<Tensor>();
        foreach (var leaf in leaves)
            if (leaf.RequiresGrad) r.Add(leaf.Grad ?? Torch.ZerosLike(leaf));
        return r.ToArray();
    }

    public static void AssertOutputs(string what, Tensor[] expected, Tensor[] actual, Tol tol)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.Equal(expected[i].Shape, actual[i].Shape);
            Assert.Equal(expected[i].DType, actual[i].DType);
            AssertClose($"{what} output {i}", expected[i], actual[i], tol);
        }
    }

    public static void AssertClose(string what, Tensor expected, Tensor actual, Tol tol)
    {
        var e = expected.To(DType.Float64).Contiguous().ToArray<double>();
        var a = actual.To(DType.Float64).Contiguous().ToArray<double>();
        for (int j = 0; j < e.Length; j++)
        {
            if (double.IsNaN(e[j]) && double.IsNaN(a[j]) || e[j] == a[j]) continue;
            double err = Math.Abs(a[j] - e[j]);
            Assert.True(err <= tol.Atol + tol.Rtol * Math.Abs(e[j]),
                $"{what}: element {j} is {a[j]:R}, expected {e[j]:R} (error {err:E2}, allowed {tol.Atol + tol.Rtol * Math.Abs(e[j]):E2})");
        }
    }

    /// <summary>Random normal values times scale, from a fixed seed (never the default generator).</summary>
    public static Tensor Randn(DType dtype, double scale, params long[] sizes)
        => Torch.Randn(sizes, dtype, new Generator((ulong)(sizes.Length * 7919 + sizes.Sum() * 31 + (long)(scale * 1000)))) * scale;
}
