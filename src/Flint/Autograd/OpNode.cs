using Flint.Ops;

namespace Flint.Autograd;

/// <summary>
/// The grad_fn recorded for one call of an <see cref="Op"/>: the op (with its attributes), the inputs and outputs it
/// may need (with their versions at the time of the call), and where each input's gradient goes next.
/// </summary>
public sealed class OpNode : Node, BackwardContext
{
    public Op Op { get; }
    private Tensor?[]? _inputs;
    private Tensor[]? _outputs;
    private readonly int[] _inputVersions;
    private readonly int[] _outputVersions;
    private readonly TensorMeta[] _inputMeta;
    private Tensor?[] _grads = [];
    private bool _released;

    internal OpNode(Op op, Tensor?[] inputs, Tensor[] outputs)
    {
        Op = op;
        _inputs = inputs;
        _outputs = outputs;
        _inputVersions = new int[inputs.Length];
        _inputMeta = new TensorMeta[inputs.Length];
        var next = new Edge[inputs.Length];
        for (int i = 0; i < inputs.Length; i++)
        {
            var x = inputs[i];
            if (x is null) continue;
            _inputVersions[i] = x._storage.Version;
            _inputMeta[i] = TensorMeta.Like(x);
            if (x.RequiresGrad) next[i] = x._gradFn is { } fn ? new Edge(fn, x._outputNr) : new Edge(x.GradAccumulator(), 0);
        }
        Next = next;
        _outputVersions = new int[outputs.Length];
        if (GradMode.IsAnomalyEnabled) ForwardTrace = Environment.StackTrace;
    }

    /// <summary>Called by the dispatcher once outputs are attached (in-place ops bump versions during forward).</summary>
    internal void SnapshotOutputVersions()
    {
        for (int i = 0; i < _outputs!.Length; i++) _outputVersions[i] = _outputs[i]._storage.Version;
        if (Op.InPlace && _inputs![0] is { } self) _inputVersions[0] = self._storage.Version;
    }

    public override string Name => Op.BackwardName;
    public override int NumOutputs => _outputs?.Length ?? _outputVersions.Length;

    protected internal override Tensor?[] Apply(Tensor?[] gradOutputs)
    {
        if (_released) throw new InvalidOperationException(Engine.FreedMessage);
        _grads = gradOutputs;
        try { return Op.Backward(this); }
        finally { _grads = []; }
    }

    internal override DType? InputGradDType(int input) => input < _inputMeta.Length && Next[input].IsValid ? _inputMeta[input].DType : null;

    protected internal override void ReleaseSaved()
    {
        _released = true;
        _inputs = null;
        _outputs = null;
    }

    // ---- BackwardContext ----
    public Tensor Grad(int output = 0)
    {
        var g = output < _grads.Length ? _grads[output] : null;
        if (g is not null) return g;
        var o = _outputs![output];
        return Torch.Zeros(o._sizes, o.DType);
    }

    public Tensor? GradOrNull(int output = 0) => output < _grads.Length ? _grads[output] : null;

    public Tensor Input(int i)
    {
        if (_released || _inputs is null) throw new InvalidOperationException(Engine.FreedMessage);
        var x = _inputs[i] ?? throw new InvalidOperationException($"input {i} of {Name} was not given");
        if (x._storage.Version != _inputVersions[i]) throw VersionError(x, i, _inputVersions[i], isOutput: false);
        return x;
    }

    public Tensor? InputOrNull(int i) => _inputs?[i] is null ? null : Input(i);

    public Tensor Output(int i = 0)
    {
        if (_released || _outputs is null) throw new InvalidOperationException(Engine.FreedMessage);
        var y = _outputs[i];
        if (y._storage.Version != _outputVersions[i]) throw VersionError(y, i, _outputVersions[i], isOutput: true);
        return y;
    }

    public bool NeedsInputGrad(int i) => Next[i].IsValid;
    public int[] InputSizes(int i) => _inputMeta[i].Sizes;
    public DType InputDType(int i) => _inputMeta[i].DType;
    public int InputCount => _inputMeta.Length;

    private InvalidOperationException VersionError(Tensor t, int index, int expected, bool isOutput)
    {
        var shape = ShapeUtil.Format(t._sizes);
        var which = isOutput ? $"output {index} of {Name}" : (t._gradFn is { } fn ? $"output {t._outputNr} of {fn.Name}" : "a leaf Variable");
        return new InvalidOperationException(
            $"one of the variables needed for gradient computation has been modified by an inplace operation: [{t.DType.LegacyTypeName()} {shape}], which is {which}, is at version {t._storage.Version}; expected version {expected} instead. Hint: enable anomaly detection to find the operation that failed to compute its gradient, with torch.autograd.set_detect_anomaly(True).");
    }
}

/// <summary>What an op's Backward sees: the output gradients and the saved inputs/outputs (checked for in-place changes).</summary>
public interface BackwardContext
{
    /// <summary>The gradient of output i (zeros if none flowed there).</summary>
    Tensor Grad(int output = 0);
    Tensor? GradOrNull(int output = 0);
    /// <summary>Input i as it was at the call; throws PyTorch's error if it was modified in place since.</summary>
    Tensor Input(int i);
    Tensor? InputOrNull(int i);
    Tensor Output(int i = 0);
    /// <summary>Whether input i needs a gradient: skip computing the others.</summary>
    bool NeedsInputGrad(int i);
    int[] InputSizes(int i);
    DType InputDType(int i);
    /// <summary>How many inputs the op was called with (optional ones included, possibly null).</summary>
    int InputCount { get; }
}
