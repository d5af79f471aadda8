namespace Flint.Autograd;

/// <summary>An edge of the backward graph: the node that receives a gradient, and which of its inputs it is.</summary>
public readonly record struct Edge(Node? Function, int InputNr)
{
    public bool IsValid => Function != null;
}

/// <summary>
/// A backward function (PyTorch's grad_fn). Apply maps the gradients of the forward op's outputs to the gradients of
/// its inputs; NextFunctions says where each input gradient flows next.
/// </summary>
public abstract class Node
{
    private static long _nextSequenceNr;

    /// <summary>Later nodes run first when several are ready (PyTorch's sequence_nr order).</summary>
    internal readonly long SequenceNr = Interlocked.Increment(ref _nextSequenceNr);
    internal Edge[] Next = [];
    /// <summary>Hooks on the gradient of a forward output, by output number (tensor hooks of non-leaves, retain_grad).</summary>
    internal List<(int output, Func<Tensor, Tensor?> hook)>? PreHooks;
    internal List<Action<Tensor?[], Tensor?[]>>? PostHooks;
    /// <summary>Where this node was created, recorded only in anomaly mode.</summary>
    internal string? ForwardTrace;

    /// <summary>PyTorch's name for it, e.g. "AddmmBackward0".</summary>
    public abstract string Name { get; }
    /// <summary>How many outputs the forward op had (= how many gradients Apply receives).</summary>
    public virtual int NumOutputs => 1;

    public IReadOnlyList<Edge> NextFunctions => Next;

    /// <summary>Gradients of the inputs, given those of the outputs (null = no gradient flows there).</summary>
    protected internal abstract Tensor?[] Apply(Tensor?[] gradOutputs);

    /// <summary>The dtype input i had in the forward call (null when unknown): its gradient is cast to it.</summary>
    internal virtual DType? InputGradDType(int input) => null;

    /// <summary>Drops saved tensors after a backward without retain_graph.</summary>
    protected internal virtual void ReleaseSaved() { }

    public RemovableHandle RegisterHook(Action<Tensor?[], Tensor?[]> hook)
    {
        (PostHooks ??= new()).Add(hook);
        return new RemovableHandle(() => PostHooks.Remove(hook));
    }

    /// <summary>Adds a hook on the gradient of one output; retain_grad's hook goes last so it sees the final value.</summary>
    internal void AddPreHook(int output, Func<Tensor, Tensor?> hook, bool last = false)
    {
        PreHooks ??= new();
        if (last) { PreHooks.Add((output, hook)); _lastHooks++; }
        else PreHooks.Insert(PreHooks.Count - _lastHooks, (output, hook));
    }
    private int _lastHooks;

    public override string ToString() => $"<{Name}>";
}

/// <summary>The sink at a leaf: adds the arriving gradient into the leaf's .Grad.</summary>
public sealed class AccumulateGrad : Node
{
    public Tensor Variable { get; }
    internal AccumulateGrad(Tensor variable) => Variable = variable;
    public override string Name => "torch::autograd::AccumulateGrad";

    protected internal override Tensor?[] Apply(Tensor?[] gradOutputs)
    {
        var g = gradOutputs[0];
        if (g is null) return [];
        if (Variable._hooks != null)
            foreach (var hook in Variable._hooks.ToArray()) g = hook(g) ?? g;
        Accumulate(Variable, g);
        return [];
    }

    internal static void Accumulate(Tensor variable, Tensor g)
    {
        if (variable.Grad is null)
        {
            // A fresh gradient: detach it from the graph unless building a higher-order graph.
            variable.Grad = GradMode.IsEnabled ? g : g.Detach().Clone();
            if (!GradMode.IsEnabled && !g.IsContiguous()) variable.Grad = variable.Grad.Contiguous();
        }
        else if (GradMode.IsEnabled) variable.Grad = variable.Grad + g;
        else variable.Grad.Add_(g);
    }
}
