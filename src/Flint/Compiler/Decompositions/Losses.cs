using Flint.NN;

namespace Flint.Compiler.Decompositions;

// nll_loss_nd as a gather of the targets' log-probabilities, weighted and masked where the target is ignore_index.
// cross_entropy is log_softmax then nll_loss, and mse_loss is written with ops in F: both decompose through these.
public static partial class DecompositionTable
{
    private static void AddLosses(Dictionary<string, Decomposition> t) => t["nll_loss_nd"] = NllLoss;

    /// <summary>Per element −w[t]·input[…, t, …] (0 where t is ignore_index); mean divides the sum by Σ w[t] over the
    /// kept targets, as the op does. Ignored targets gather class 0, which the mask then zeroes.</summary>
    private static Tensor[] NllLoss(Op op, Tensor?[] inputs)
    {
        var nll = (NllLossOp)op;
        Tensor input = inputs[0]!, target = inputs[1]!.To(DType.Int64);
        int classDim = input.Dim == 1 ? 0 : 1;
        var kept = target.Ne(nll.IgnoreIndex);
        var safe = Torch.Where(kept, target, 0L);
        var picked = input.Gather(classDim, safe.Unsqueeze(classDim)).Squeeze(classDim);
        var w = kept.To(input.DType);
        if (nll.HasWeight) w = w * inputs[2]!.IndexSelect(0, safe.Reshape(-1)).View(target.Shape);
        var loss = -(picked * w);
        return nll.Reduction switch
        {
            Reduction.None => [loss],
            Reduction.Sum => [loss.Sum()],
            _ => [loss.Sum() / w.Sum()],
        };
    }
}
