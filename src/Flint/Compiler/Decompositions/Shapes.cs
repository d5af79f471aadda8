namespace Flint.Compiler.Decompositions;

public static partial class DecompositionTable
{
    /// <summary>stack: cat of the inputs each unsqueezed at the new dim.</summary>
    private static void AddShapes(Dictionary<string, Decomposition> t) => t["stack"] = (op, inputs) =>
    {
        if (inputs.Length == 0) throw new ArgumentException("stack expects a non-empty TensorList");
        int dim = ShapeUtil.WrapDim(((StackOp)op).Dim, inputs[0]!.Dim + 1);
        op.Meta(Array.ConvertAll(inputs, x => x!)); // unequal sizes are refused with stack's own message
        return [Torch.Cat(Array.ConvertAll(inputs, x => x!.Unsqueeze(dim)), dim)];
    };
}
