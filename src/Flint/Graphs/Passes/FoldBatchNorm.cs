namespace Flint.Graphs.Passes;

/// <summary>
/// Folds an inference-mode aten::batch_norm into the convolution or linear layer before it, when that layer's
/// weight and bias and the norm's statistics are constants (after freezing): with s = γ/√(var + ε),
/// W' = W·s (per output channel) and b' = (b − mean)·s + β, so the norm node disappears.
/// </summary>
public static class FoldBatchNorm
{
    public static Graph Run(Graph g)
    {
        using (Torch.NoGrad())
            foreach (var bn in g.AllNodes().ToArray())
                if (bn.Kind == "aten::batch_norm") TryFold(bn);
        return g;
    }

    private static void TryFold(Node bn)
    {
        var x = bn.Input(0);
        if (x.Node is not { } layer || x.Uses.Count != 1) return;
        bool conv = layer.Kind == "aten::convolution";
        if (!conv && layer.Kind != "aten::linear") return;
        if (conv && (!Const(layer.Input(6), out var transposed) || transposed is not false)) return;
        if (!Const(bn.Input(5), out var training) || training is not false) return;
        if (!Const(layer.Input(1), out var w) || w is not Tensor weight) return;
        if (!Const(layer.Input(2), out var b) || !ConstTensors(bn, out var gamma, out var beta, out var mean, out var var)) return;
        if (!Const(bn.Input(7), out var epsValue) || mean is null || var is null) return;
        double eps = Convert.ToDouble(epsValue);

        var scale = (var + eps).Rsqrt();
        if (gamma is not null) scale = scale * gamma;
        var shape = new long[weight.Dim];
        Array.Fill(shape, 1L);
        shape[0] = -1;
        var newWeight = (weight * scale.View(shape)).Contiguous();
        var newBias = ((b is Tensor bias ? bias - mean : -mean) * scale);
        if (beta is not null) newBias = newBias + beta;

        layer.ReplaceInput(1, Constant(layer, newWeight, layer.Input(1)));
        layer.ReplaceInput(2, Constant(layer, newBias.Contiguous(), layer.Input(2)));
        bn.Output().ReplaceAllUsesWith(x);
        bn.Destroy();
    }

    private static bool ConstTensors(Node bn, out Tensor? gamma, out Tensor? beta, out Tensor? mean, out Tensor? var)
    {
        gamma = beta = mean = var = null;
        var vs = new Tensor?[4];
        for (int i = 0; i < 4; i++)
        {
            if (!Const(bn.Input(i + 1), out var v) || (v is not null && v is not Tensor)) return false;
            vs[i] = (Tensor?)v;
        }
        (gamma, beta, mean, var) = (vs[0], vs[1], vs[2], vs[3]);
        return true;
    }

    private static bool Const(Value v, out object? value) => ConstantPropagation.ConstantValue(v, out value);

    // named as PyTorch names folded weights: self.conv.weight_fused_bn
    private static Value Constant(Node before, Tensor t, Value replaced)
    {
        var c = before.Graph.CreateConstant(t);
        c.InsertBefore(before);
        if (replaced.HasDebugName) c.Output().SetDebugName(replaced.Name + "_fused_bn");
        return c.Output();
    }
}
