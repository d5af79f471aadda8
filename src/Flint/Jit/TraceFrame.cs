using Flint.Graphs;
using Flint.NN;

namespace Flint.Jit;

/// <summary>
/// One module call being traced: the graph of that module's forward, its <c>%self</c>, and which graph value each
/// tensor is. Tensors from the caller become inputs of this graph (and arguments of the caller's CallMethod).
/// </summary>
internal sealed class TraceFrame
{
    public TraceFrame(Module? module, ScriptModule? script, TraceFrame? parent, string? scope)
    {
        Module = module; Script = script; Parent = parent; Scope = scope;
        Graph = new Graph();
        if (script is not null) Self = Graph.AddInput(script.Type, "self");
    }

    public readonly Module? Module;
    public readonly ScriptModule? Script;
    public readonly TraceFrame? Parent;
    public readonly string? Scope;
    public readonly Graph Graph;
    public readonly Value? Self;

    /// <summary>The graph value each tensor is, in this frame.</summary>
    public readonly Dictionary<Tensor, Value> Values = new(ReferenceEqualityComparer.Instance);

    /// <summary>The caller's values passed for this graph's inputs after self, in order.</summary>
    public readonly List<Value> OuterArguments = new();

    /// <summary>GetAttr values of submodules, by module.</summary>
    public readonly Dictionary<Module, Value> ModuleValues = new(ReferenceEqualityComparer.Instance);
}
