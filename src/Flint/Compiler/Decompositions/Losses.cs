using Flint.NN;

namespace Flint.Compiler.Decompositions;

// nll_loss_nd as a gather of the targets' log-probabilities, weighted and masked where the target is ignore_index.
// cross_entropy is log_softmax then nll_loss, and mse_loss is written with ops in F: both decompose through these.
public static partial class DecompositionTable
{
    private static void AddLosses(Dictionary<string, Decomposition> t)
    {
        t["nll_loss_nd"] = NllLoss;
        t["binary_cross_entropy"] = BinaryCrossEntropy;
    }

    /// <summary>−(y·max(log x, −100) + (1 − y)·max(log(1 − x), −100)). Its gradient is the op's (x − y)/(x(1 − x))
    /// inside (0, 1); at exactly 0 or 1 the op's own derivative stays finite where the clamp cuts a term (AOT autograd
    /// traces the op's derivative before decomposing, so compiled training keeps it).</summary>
    private static Tensor[] BinaryCrossEntropy(Op op, Tensor?[] inputs)
    {
        Tensor x = inputs[0]!, y = inputs[1]!;
        return [-(y * x.Log().ClampMin(-100) + (1 - y) * (1 - x).Log().ClampMin(-100))];
    }

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
