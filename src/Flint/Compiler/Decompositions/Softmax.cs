namespace Flint.Compiler.Decompositions;

// softmax and log_softmax over one dim, shifted by the row's max as the fused kernels are (so no exp overflows), and
// their backward ops. Half-precision inputs compute in float32 and round once, as the kernels do.
public static partial class DecompositionTable
{
    private static void AddSoftmax(Dictionary<string, Decomposition> t)
    {
        t["_softmax"] = Softmax;
        t["_log_softmax"] = Softmax;
        t["_softmax_backward_data"] = SoftmaxBackward;
        t["_log_softmax_backward_data"] = SoftmaxBackward;
    }

    /// <summary>softmax: e^{x−m} / Σ e^{x−m}; log_softmax: (x − m) − log Σ e^{x−m}; m = max over the dim.</summary>
    private static Tensor[] Softmax(Op op, Tensor?[] inputs)
    {
        var s = (SoftmaxOp)op;
        var x0 = inputs[0]!;
        op.Meta([x0]); // the op's own checks (integer inputs are refused with PyTorch's message)
        var x = x0.To(ComputeType(x0.DType));
        int dim = x.Dim == 0 ? 0 : s.Dim;
        var shifted = x - x.Amax(dim, keepdim: true);
        if (s.Log) return [(shifted - shifted.Exp().Sum(dim, keepdim: true).Log()).To(x0.DType)];
        var e = shifted.Exp();
        return [(e / e.Sum(dim, keepdim: true)).To(x0.DType)];
    }

    /// <summary>softmax: y·(g − Σ g·y); log_softmax: g − e^y·Σ g (inputs: grad_output, output).</summary>
    private static Tensor[] SoftmaxBackward(Op op, Tensor?[] inputs)
    {
        var s = (SoftmaxBackwardOp)op;
        var rt = inputs[1]!.DType;
        var ct = ComputeType(rt);
        Tensor g = inputs[0]!.To(ct), y = inputs[1]!.To(ct);
        int dim = y.Dim == 0 ? 0 : s.Dim;
        var r = s.Log ? g - y.Exp() * g.Sum(dim, keepdim: true) : y * (g - (g * y).Sum(dim, keepdim: true));
        return [r.To(rt)];
    }
}
