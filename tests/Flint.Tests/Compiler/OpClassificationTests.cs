using System.Reflection;
using System.Runtime.CompilerServices;
using Flint.Compiler.Decompositions;
using Flint.NN;
using Flint.Ops;

namespace Flint.Tests.Compiler;

/// <summary>Every op says what it is to the compiler, and every composite has a decomposition.</summary>
public class OpClassificationTests
{
    private static readonly Type[] OpTypes = typeof(Op).Assembly.GetTypes()
        .Where(t => t.IsSubclassOf(typeof(Op)) && !t.IsAbstract).ToArray();

    /// <summary>The shared op instances (UnaryOps.Exp, BinaryOps.Mul, ActivationBackwardOps.Gelu …).</summary>
    private static IEnumerable<Op> StaticInstances() => typeof(Op).Assembly.GetTypes()
        .SelectMany(t => t.GetFields(BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic))
        .Where(f => typeof(Op).IsAssignableFrom(f.FieldType) && !f.FieldType.ContainsGenericParameters)
        .Select(f => f.GetValue(null)).OfType<Op>();

    /// <summary>Ops built per call with their attributes (one of each form).</summary>
    private static IEnumerable<Op> BuiltPerCall() =>
    [
        UnaryOps.Elu(1, 1, 1), UnaryOps.LeakyRelu(0.1), UnaryOps.Hardtanh(0, 6), UnaryOps.Softplus(1, 20),
        UnaryOps.Clamp(0, 1), UnaryOps.Polygamma(1), UnaryOps.LogitEps(1e-6), UnaryOps.RoundDecimals(2),
        ActivationBackwardOps.Threshold(0.5),
        new SoftmaxOp(1, false), new SoftmaxOp(1, true), new SoftmaxBackwardOp(1, false), new SoftmaxBackwardOp(1, true),
        new NativeLayerNormOp([4], 1e-5), new NativeLayerNormBackwardOp([4], true),
        new MeanOp(null, false, null), new NansumOp(null, false, null),
        new VarOp(null, 1, false, false, false), new VarOp(null, 1, false, true, false),
        new VarOp(null, 1, false, false, true), new VarOp(null, 1, false, true, true),
        new LogsumexpOp([0], false), new NormOp(2, null, false), new LinalgVectorNormOp(2, null, false, null),
        new StackOp(0), new NllLossOp(Reduction.Mean, -100, false), new AddmmOp(1, 1),
    ];

    /// <summary>One instance of every op: the shared and per-call ones, and for other types an instance whose kind
    /// and name do not depend on constructor arguments.</summary>
    private static List<Op> AllOps()
    {
        var ops = StaticInstances().Concat(BuiltPerCall()).ToList();
        foreach (var t in OpTypes)
            if (!ops.Any(o => o.GetType() == t)) ops.Add((Op)RuntimeHelpers.GetUninitializedObject(t));
        return ops;
    }

    /// <summary>The op's name, or null where it comes from constructor arguments an uninitialized instance lacks.</summary>
    private static string? NameOf(Op op)
    {
        try { return op.Name; }
        catch (NullReferenceException) { return null; }
    }

    [Fact]
    public void EveryOpTypeDeclaresADefinedKind()
    {
        Assert.True(OpTypes.Length > 90, $"only {OpTypes.Length} op types found");
        var ops = AllOps();
        foreach (var t in OpTypes)
            foreach (var op in ops.Where(o => o.GetType() == t))
                Assert.True(Enum.IsDefined(op.Kind), $"{t.Name} ({NameOf(op)}) has kind {op.Kind}");
    }

    [Fact]
    public void EveryCompositeOpHasADecomposition()
    {
        var composites = AllOps().Where(op => op.Kind == OpKind.Composite).ToList();
        Assert.True(composites.Count >= 30, $"only {composites.Count} composites found");
        foreach (var op in composites)
            Assert.True(DecompositionTable.Find(op) is not null, $"composite aten::{op.Name} ({op.GetType().Name}) has no decomposition");
    }

    [Fact]
    public void EveryDecompositionIsForACompositeOrAnExternOp()
    {
        var ops = AllOps();
        foreach (var name in DecompositionTable.All.Keys)
        {
            var named = ops.Where(op => NameOf(op) == name).ToList();
            Assert.True(named.Count > 0, $"the decomposition of {name} names no op");
            // composites are always decomposed; extern ops (addmm) only when a code generator asks
            Assert.All(named, op => Assert.True(op.Kind is OpKind.Composite or OpKind.Extern, $"{name} is {op.Kind}"));
        }
    }

    [Fact]
    public void TheKindsACodeGeneratorSees()
    {
        Assert.Equal(OpKind.Pointwise, UnaryOps.Exp.Kind);
        Assert.Equal(OpKind.Pointwise, UnaryOps.Sigmoid.Kind);
        Assert.Equal(OpKind.Pointwise, BinaryOps.Mul.Kind);
        Assert.Equal(OpKind.Pointwise, WhereOp.Instance.Kind);
        Assert.Equal(OpKind.Pointwise, new ToCopyOp(DType.Float64).Kind);
        Assert.Equal(OpKind.Reduction, SumOp.All.Kind);
        Assert.Equal(OpKind.View, new SelectOp(0, 1).Kind);
        Assert.Equal(OpKind.Indexing, new GatherOp(0).Kind);
        Assert.Equal(OpKind.Extern, MmOp.Instance.Kind);
        Assert.Equal(OpKind.Composite, UnaryOps.Gelu.Kind);
        Assert.False(UnaryOps.Gelu.IsPrimitive);
        Assert.True(MmOp.Instance.IsPrimitive);
    }
}
