namespace Flint.Compiler.Decompositions;

/// <summary>
/// A dispatch mode that replaces each op chosen by its filter (by default every <see cref="OpKind.Composite"/> op)
/// with its decomposition, recursively (a decomposition that calls another composite is decomposed in turn), and
/// passes every other op to the modes below it and then to eager execution. Pushed over a recording mode it turns a
/// run of composite ops into the primitive graph; alone it runs the decompositions eagerly, with autograd.
/// </summary>
public sealed class DecomposingMode(Func<Op, bool>? shouldDecompose = null) : DispatchMode
{
    private readonly Func<Op, bool> _shouldDecompose = shouldDecompose ?? (op => op.Kind == OpKind.Composite);

    public override Tensor[] Dispatch(Op op, Tensor?[] inputs)
    {
        if (!_shouldDecompose(op) || DecompositionTable.Find(op) is not { } decompose)
            return Dispatcher.Redispatch(op, inputs);
        using (Reenter()) return decompose(op, inputs);
    }
}
