namespace Flint.Ops;

/// <summary>
/// An op that Flint computes from other ops (PyTorch's CompositeImplicitAutograd: linear, dropout) but that
/// tracing records as one node, as PyTorch's tracer does. Its <see cref="Op.Forward"/> runs the decomposition
/// through the dispatcher, so autograd records the pieces; it never records itself (not differentiable).
/// Callers reach it through <see cref="Dispatcher.CallComposite"/> only while a mode is active; otherwise they run
/// the decomposition directly and pay nothing.
/// </summary>
public abstract class CompositeOp : Op
{
    /// <summary>Composite: its <see cref="Op.Forward"/> is its decomposition.</summary>
    public sealed override OpKind Kind => OpKind.Composite;

    public sealed override bool Differentiable => false;

    // Never called: the pieces carry the gradients.
    public sealed override Tensor?[] Backward(BackwardContext ctx)
        => throw new InvalidOperationException($"{Name} is composite: its pieces are differentiated, not itself");
}

/// <summary>aten::linear(input, weight, bias): input @ weightᵀ + bias (addmm for 2-D input).</summary>
public sealed class LinearOp : CompositeOp
{
    public static readonly LinearOp Instance = new();
    public override string Name => "linear";
    public override TensorMeta[] Meta(Tensor[] x)
    {
        var s = (int[])x[0]._sizes.Clone();
        s[^1] = x[1]._sizes[0];
        return [new(s, x[0].DType)];
    }
    public override Tensor[] Forward(Tensor[] x) => [Torch.LinearDecomposed(x[0], x[1], x.Length > 2 ? x[2] : null)];
    public override Graphs.SchemaCall? Bind(Tensor?[] x) => Graphs.OpRegistry.Call("aten::linear", x[0], x[1], x.Length > 2 ? x[2] : null);
}

/// <summary>aten::dropout(input, p, train): random zeroing in training, the identity otherwise.</summary>
public sealed class DropoutOp(double p, bool train) : CompositeOp
{
    public double P { get; } = p;
    public bool Train { get; } = train;
    public override string Name => "dropout";
    public override string FormatAttributes() => $"p={PyFormat.Float(P)}, train={(Train ? "True" : "False")}";
    public override TensorMeta[] Meta(Tensor[] x) => [TensorMeta.Like(x[0])];
    public override Tensor[] Forward(Tensor[] x) => [NN.Functional.DropoutDecomposed(x[0], P, Train)];
    public override Graphs.SchemaCall? Bind(Tensor?[] x) => Graphs.OpRegistry.Call("aten::dropout", x[0], P, Train);
}

/// <summary>aten::flatten.using_ints(self, start_dim, end_dim): a reshape merging the dims between.</summary>
public sealed class FlattenOp(int startDim, int endDim) : CompositeOp
{
    public override string Name => "flatten";
    public override string FormatAttributes() => $"start_dim={startDim}, end_dim={endDim}";
    public override TensorMeta[] Meta(Tensor[] x) => [new(x[0].FlattenDecomposed(startDim, endDim)._sizes, x[0].DType)];
    public override Tensor[] Forward(Tensor[] x) => [x[0].FlattenDecomposed(startDim, endDim)];
    public override Graphs.SchemaCall? Bind(Tensor?[] x) => Graphs.OpRegistry.Call("aten::flatten.using_ints", x[0], startDim, endDim);
}

/// <summary>aten::batch_norm(input, weight, bias, running_mean, running_var, training, momentum, eps, cudnn_enabled).</summary>
public sealed class BatchNormOp(bool training, double momentum, double eps) : CompositeOp
{
    public bool Training { get; } = training;
    public double Momentum { get; } = momentum;
    public double Eps { get; } = eps;
    public override string Name => "batch_norm";
    public override string FormatAttributes() => $"training={(Training ? "True" : "False")}, momentum={PyFormat.Float(Momentum)}, eps={PyFormat.Float(Eps)}";
    public override TensorMeta[] Meta(Tensor[] x) => [TensorMeta.Like(x[0])];
    public override Tensor[] Forward(Tensor[] x)
        => [NN.Functional.BatchNormDecomposed(x[0], x[3], x[4], x[1], x[2], Training, Momentum, Eps)];
    public override Graphs.SchemaCall? Bind(Tensor?[] x)
        => Graphs.OpRegistry.Call("aten::batch_norm", x[0], x[1], x[2], x[3], x[4], Training, Momentum, Eps, true);
}
