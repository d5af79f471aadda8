using Flint.Ops;

namespace Flint;

// torch.native_layer_norm: the fused layer norm that F.layer_norm / nn.LayerNorm call.
public static partial class Torch
{
    /// <summary>
    /// Layer norm over the trailing dims normalizedShape: returns (output, mean, rstd), mean and rstd shaped like the
    /// input with the normalized dims as size 1 (rstd = 1/√(biased var + eps)). Only the output carries a gradient.
    /// </summary>
    public static (Tensor Output, Tensor Mean, Tensor Rstd) NativeLayerNorm(Tensor input, long[] normalizedShape, Tensor? weight, Tensor? bias, double eps)
    {
        var ns = new int[normalizedShape.Length];
        for (int i = 0; i < ns.Length; i++) ns[i] = checked((int)normalizedShape[i]);
        // trailing absent inputs are left off; an absent weight before a bias stays as null
        Tensor?[] inputs = bias is not null ? [input, weight, bias] : weight is not null ? [input, weight] : [input];
        var r = Dispatcher.Call(new NativeLayerNormOp(ns, eps), inputs);
        return (r[0], r[1], r[2]);
    }
}
