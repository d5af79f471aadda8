namespace Flint.Graphs;

/// <summary>
/// A node that holds the Flint <see cref="Op"/> itself instead of an ATen schema call: what graph capture records
/// for an op no schema describes yet, so that <c>Torch.Compile</c> captures every op. Its inputs are the op's
/// tensor inputs (None for an absent optional one); the interpreter runs it through the dispatcher. Such a graph
/// runs in process but cannot be saved as TorchScript.
/// </summary>
public static class DirectOp
{
    /// <summary>The node attribute that holds the op.</summary>
    public const string Attribute = "op";

    /// <summary>A node (not yet placed) for <paramref name="op"/> over tensor values, with its outputs.</summary>
    public static Node Create(Graph g, Op op, IReadOnlyList<Value> inputs, int outputs)
    {
        var n = g.Create("aten::" + op.Name, inputs, outputs);
        n.SetAttribute(Attribute, op);
        return n;
    }

    internal static void Run(Op op, int[] inputSlots, int[] outputSlots, object?[] frame, Node node)
    {
        var inputs = new Tensor?[inputSlots.Length];
        for (int i = 0; i < inputs.Length; i++) inputs[i] = frame[inputSlots[i]] as Tensor;
        Tensor[] outs;
        try { outs = Dispatcher.Call(op, inputs); }
        catch (Exception e) { throw new GraphRuntimeException(node, e); }
        for (int i = 0; i < outputSlots.Length; i++) frame[outputSlots[i]] = outs[i];
    }
}
