using System.Runtime.CompilerServices;
using Flint.Autograd;

namespace Flint.Ops;

/// <summary>
/// A mode sees every op call on its thread while it is pushed (PyTorch's TorchDispatchMode): tracing, graph capture,
/// profiling. It may record, replace or forward the call; <see cref="Dispatcher.Redispatch"/> passes it to the modes
/// below it and finally to eager execution.
/// </summary>
public abstract class DispatchMode : IDisposable
{
    public abstract Tensor[] Dispatch(Op op, Tensor?[] inputs);

    /// <summary>Whether this mode wants <see cref="CompositeOp"/> calls (aten::linear) as one call; otherwise it
    /// sees their pieces.</summary>
    public virtual bool KeepsComposites => false;

    /// <summary>Called when C# code reads a tensor's value (Item, ToArray): a graph break for capture modes.</summary>
    public virtual void OnValueRead(Tensor t) { }

    /// <summary>
    /// From inside <see cref="Dispatch"/>: until the scope is disposed, op calls on this thread come to this mode again
    /// instead of the modes below it (PyTorch's <c>with self:</c> inside <c>__torch_dispatch__</c>), so that a mode can
    /// run code whose own op calls it must see, such as a decomposition that calls other composites.
    /// </summary>
    protected Dispatcher.ReentryScope Reenter() => Dispatcher.Reenter(this);

    public DispatchMode Push() { Dispatcher.PushMode(this); return this; }
    public void Dispose() => Dispatcher.PopMode(this);
}

/// <summary>
/// The one entry point of every op: mode stack first, then eager execution with autograd recording.
/// The common case (no mode pushed) costs one thread-static read.
/// </summary>
public static class Dispatcher
{
    [ThreadStatic] private static List<DispatchMode>? _modes;
    [ThreadStatic] private static int _skipModes; // > 0 while a mode redispatches below itself

    internal static void PushMode(DispatchMode m) => (_modes ??= new()).Add(m);
    internal static void PopMode(DispatchMode m)
    {
        if (_modes is null || _modes.Count == 0 || !ReferenceEquals(_modes[^1], m))
            throw new InvalidOperationException("dispatch modes must be exited in the reverse order they were entered");
        _modes.RemoveAt(_modes.Count - 1);
    }

    /// <summary>Whether a mode would see the next call on this thread (in-place ops then keep their recorded form).</summary>
    internal static bool ModeActive => _modes is { } m && m.Count > _skipModes;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Tensor[] Call(Op op, Tensor?[] inputs)
    {
        var modes = _modes;
        if (modes is not null && modes.Count > _skipModes) return CallMode(op, inputs, modes);
        return Eager(op, inputs);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Tensor Call1(Op op, Tensor?[] inputs) => Call(op, inputs)[0];

    private static Tensor[] CallMode(Op op, Tensor?[] inputs, List<DispatchMode> modes)
    {
        var mode = modes[modes.Count - 1 - _skipModes];
        _skipModes++;
        try { return mode.Dispatch(op, inputs); }
        finally { _skipModes--; }
    }

    /// <summary>Undoes a <see cref="DispatchMode.Reenter"/> when disposed.</summary>
    public readonly struct ReentryScope : IDisposable
    {
        public void Dispose() => _skipModes++;
    }

    internal static ReentryScope Reenter(DispatchMode m)
    {
        if (_modes is null || _skipModes == 0 || !ReferenceEquals(_modes[_modes.Count - _skipModes], m))
            throw new InvalidOperationException("a dispatch mode can re-enter itself only from inside its own Dispatch");
        _skipModes--;
        return new ReentryScope();
    }

    /// <summary>From inside a mode: run the op through the modes below it (and then eagerly).</summary>
    public static Tensor[] Redispatch(Op op, Tensor?[] inputs)
        => op is CompositeOp c ? CallComposite(c, inputs) : Call(op, inputs);

    /// <summary>
    /// A composite op: the next mode gets it whole if it keeps composites, and otherwise the decomposition runs
    /// here, its pieces going through <see cref="Call"/> (so that mode and the ones below see them).
    /// </summary>
    public static Tensor[] CallComposite(CompositeOp op, Tensor?[] inputs)
    {
        var modes = _modes;
        if (modes is not null && modes.Count > _skipModes && modes[modes.Count - 1 - _skipModes].KeepsComposites)
            return CallMode(op, inputs, modes);
        return op.Forward(inputs!);
    }

    internal static void NotifyValueRead(Tensor t)
    {
        var modes = _modes;
        if (modes is null || modes.Count <= _skipModes) return;
        // the mode's callback runs below itself, as Dispatch does: ops it runs (a capture flushing its pending graph)
        // go to the modes under it and then to eager execution
        var mode = modes[modes.Count - 1 - _skipModes];
        _skipModes++;
        try { mode.OnValueRead(t); }
        finally { _skipModes--; }
    }

    /// <summary>Eager execution: the kernel, then (if any input requires grad) the grad_fn for the outputs.</summary>
    public static Tensor[] Eager(Op op, Tensor?[] inputs)
    {
        // While an op runs, its kernels hold raw spans: the buffer pool reuses dead tensors' arrays only between ops.
        BufferPool.EnterOp();
        try { return EagerInOp(op, inputs); }
        finally
        {
            BufferPool.ExitOp();
            GC.KeepAlive(inputs); // the inputs' arrays stay ours until the kernels are done with them
        }
    }

    private static Tensor[] EagerInOp(Op op, Tensor?[] inputs)
    {
        bool record = op.Differentiable && GradMode.IsEnabled && AnyRequiresGrad(inputs);
        // Absent optional inputs are null here; each op's Forward knows which of its inputs are optional.
        if (!record) return op.Forward(inputs!);

        if (op.InPlace) CheckInPlaceAllowed(inputs[0]!);
        Tensor[] outputs;
        GradMode.IsEnabled = false;
        try { outputs = op.Forward(inputs!); }
        finally { GradMode.IsEnabled = true; }

        var node = new OpNode(op, inputs, outputs);
        for (int i = 0; i < outputs.Length; i++)
        {
            var o = outputs[i];
            if (!op.IsOutputDifferentiable(o, i)) continue; // indices, masks, marked outputs never carry gradients
            o._gradFn = node;
            o._outputNr = i;
            o._requiresGrad = false; // a non-leaf requires grad through its grad_fn
        }
        node.SnapshotOutputVersions();
        return outputs;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool AnyRequiresGrad(Tensor?[] inputs)
    {
        foreach (var t in inputs)
            if (t is not null && t.RequiresGrad) return true;
        return false;
    }

    private static void CheckInPlaceAllowed(Tensor self)
    {
        if (self.IsLeaf && self._requiresGrad)
            throw new InvalidOperationException("a leaf Variable that requires grad is being used in an in-place operation.");
        if (self._base is { } b && b.IsLeaf && b._requiresGrad)
            throw new InvalidOperationException("a view of a leaf Variable that requires grad is being used in an in-place operation.");
    }
}
