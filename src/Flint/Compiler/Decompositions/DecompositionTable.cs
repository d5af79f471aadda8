namespace Flint.Compiler.Decompositions;

/// <summary>
/// A decomposition: an op's outputs computed with other ops, called through the dispatcher (PyTorch's Python
/// decompositions). It gets the op instance (for its attributes) and the same inputs the op gets, and returns as many
/// outputs as the op, with the op's shapes and dtypes. Run under a recording mode it yields the primitive graph.
/// </summary>
public delegate Tensor[] Decomposition(Op op, Tensor?[] inputs);

/// <summary>
/// The decompositions, by aten op name: one for every <see cref="OpKind.Composite"/> op, and optional ones for a few
/// extern ops a code generator may prefer to see split (addmm into mm and a pointwise epilogue). Each keeps the op's
/// numerics up to float rounding (softmax, log_softmax and logsumexp shift by the max, elu uses expm1, reductions of
/// half-precision values accumulate in float32 as the eager kernels do). Eager execution never consults this table.
/// </summary>
public static partial class DecompositionTable
{
    private static readonly Dictionary<string, Decomposition> Entries = Build();

    /// <summary>Every decomposition, by op name.</summary>
    public static IReadOnlyDictionary<string, Decomposition> All => Entries;

    /// <summary>The decomposition of an op, or null when it has none. A <see cref="CompositeOp"/> (linear, dropout,
    /// flatten) is its own: its Forward runs its pieces through the dispatcher.</summary>
    public static Decomposition? Find(Op op) => op is CompositeOp ? ForwardOfComposite : Entries.GetValueOrDefault(op.Name);

    private static readonly Decomposition ForwardOfComposite = (op, inputs) => op.Forward(Array.ConvertAll(inputs, x => x!));

    /// <summary>Computes op's outputs with its decomposition (through the dispatcher, so modes and autograd see the
    /// ops it calls). Throws if the op has none.</summary>
    public static Tensor[] Run(Op op, Tensor?[] inputs)
        => (Find(op) ?? throw new InvalidOperationException($"aten::{op.Name} has no decomposition"))(op, inputs);

    private static Dictionary<string, Decomposition> Build()
    {
        var t = new Dictionary<string, Decomposition>();
        AddActivations(t);
        AddActivationBackward(t);
        AddSoftmax(t);
        AddReductions(t);
        AddNormalization(t);
        AddLosses(t);
        AddShapes(t);
        AddMatmul(t);
        return t;
    }

    /// <summary>The dtype half-precision values are computed in by the eager kernels (float32); others as they are.</summary>
    private static DType ComputeType(DType t) => t is DType.Float16 or DType.BFloat16 ? DType.Float32 : t;
}
