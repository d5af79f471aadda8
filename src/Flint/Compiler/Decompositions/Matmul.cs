namespace Flint.Compiler.Decompositions;

// addmm is an extern op (one GEMM whose kernel adds the bias as it stores the result), so the compiler keeps it by
// default; this decomposition serves a code generator that would rather fuse the bias and the scalings into a
// following pointwise kernel: DecomposingMode(op => op.Kind == OpKind.Composite || op.Name == "addmm").
public static partial class DecompositionTable
{
    private static void AddMatmul(Dictionary<string, Decomposition> t) => t["addmm"] = (op, inputs) =>
    {
        var a = (AddmmOp)op;
        var product = inputs[1]!.Mm(inputs[2]!);
        if (a.Alpha != 1) product = product * a.Alpha;
        // beta = 0 ignores the bias entirely (NaN and inf in it do not propagate), as addmm does
        if (a.Beta == 0) return [product];
        var bias = a.Beta == 1 ? inputs[0]! : inputs[0]! * a.Beta;
        return [product + bias];
    };
}
