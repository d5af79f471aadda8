namespace Flint.Autograd;

/// <summary>
/// A custom differentiable function (torch.autograd.Function): subclass, write Forward and Backward with tensor ops,
/// save what Backward needs with ctx.SaveForBackward, and call <see cref="Apply"/>. It runs through the dispatcher
/// like any op, so grad modes, hooks and tracing modes see it.
/// </summary>
public abstract class Function
{
    /// <summary>Computes the outputs (autograd recording is off inside).</summary>
    public abstract Tensor[] Forward(FunctionContext ctx, Tensor[] inputs);

    /// <summary>The gradients of the inputs (null for inputs that need none), given those of the outputs.</summary>
    public abstract Tensor?[] Backward(FunctionContext ctx, Tensor[] gradOutputs);

    /// <summary>The grad_fn name PyTorch shows for a custom function: the class name + "Backward".</summary>
    public virtual string BackwardName => GetType().Name + "Backward";

    public Tensor[] Apply(params Tensor[] inputs) => Dispatcher.Call(new CustomFunctionOp(this), inputs);

    public static Tensor Apply<TFunction>(params Tensor[] inputs) where TFunction : Function, new()
        => new TFunction().Apply(inputs)[0];
}

/// <summary>What a custom Function's Forward and Backward share: saved tensors and any other state.</summary>
public sealed class FunctionContext
{
    private Tensor[] _saved = [];
    private int[] _savedVersions = [];
    internal BackwardContext? Backward;
    internal HashSet<Tensor>? NonDifferentiable;

    /// <summary>Anything else Backward needs (sizes, flags, non-tensor values).</summary>
    public Dictionary<string, object?> Items { get; } = new();

    public void SaveForBackward(params Tensor[] tensors)
    {
        _saved = tensors;
        _savedVersions = new int[tensors.Length];
        for (int i = 0; i < tensors.Length; i++) _savedVersions[i] = tensors[i]._storage.Version;
    }

    /// <summary>The saved tensors; throws PyTorch's error if one was modified in place since it was saved.</summary>
    public Tensor[] SavedTensors
    {
        get
        {
            for (int i = 0; i < _saved.Length; i++)
                if (_saved[i]._storage.Version != _savedVersions[i])
                    throw new InvalidOperationException(
                        $"one of the variables needed for gradient computation has been modified by an inplace operation: [{_saved[i].DType.LegacyTypeName()} {ShapeUtil.Format(_saved[i]._sizes)}] is at version {_saved[i]._storage.Version}; expected version {_savedVersions[i]} instead.");
            return _saved;
        }
    }

    /// <summary>Whether input i needs a gradient (only meaningful inside Backward).</summary>
    public bool NeedsInputGrad(int i) => Backward?.NeedsInputGrad(i) ?? false;

    /// <summary>Marks outputs (e.g. indices) that never carry gradients.</summary>
    public void MarkNonDifferentiable(params Tensor[] outputs) => (NonDifferentiable ??= new(ReferenceEqualityComparer.Instance)).UnionWith(outputs);
}

/// <summary>The op that runs a custom Function through the dispatcher.</summary>
internal sealed class CustomFunctionOp(Function fn) : Op
{
    private readonly FunctionContext _ctx = new();
    private int _outputs = 1;
    public override string Name => "custom_function::" + fn.GetType().Name;
    public override OpKind Kind => OpKind.Extern;
    public override string BackwardName => fn.BackwardName;

    public override TensorMeta[] Meta(Tensor[] inputs)
        => throw new InvalidOperationException($"custom Function {fn.GetType().Name} has no meta function: its output shapes are only known by running it");

    public override Tensor[] Forward(Tensor[] inputs)
    {
        var outs = fn.Forward(_ctx, inputs);
        _outputs = outs.Length;
        // An output that is an input object unchanged must become a new tensor, or its grad_fn would be overwritten.
        for (int i = 0; i < outs.Length; i++)
            foreach (var x in inputs)
                if (ReferenceEquals(outs[i], x)) outs[i] = x.Detach();
        return outs;
    }

    public override bool IsOutputDifferentiable(Tensor output, int index)
        => output.DType.IsFloatingPoint() && !(_ctx.NonDifferentiable?.Contains(output) ?? false);

    public override Tensor?[] Backward(BackwardContext ctx)
    {
        _ctx.Backward = ctx;
        var grads = new Tensor[_outputs];
        for (int i = 0; i < _outputs; i++) grads[i] = ctx.Grad(i);
        try { return fn.Backward(_ctx, grads); }
        finally { _ctx.Backward = null; }
    }
}
