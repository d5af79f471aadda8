using Flint.Graphs;

namespace Flint.Jit;

/// <summary>A traced (or scripted) function: a graph without self, callable on tensors (PyTorch's ScriptFunction).</summary>
public sealed class ScriptFunction(string name, Graph graph)
{
    public string Name { get; } = name;
    public Graph Graph { get; } = graph;

    /// <summary>The function as TorchScript code.</summary>
    public string Code => CodePrinter.Print(Graph, Name);

    /// <summary>Runs the graph; returns its result (several results as object?[]).</summary>
    public object? Invoke(params object?[] arguments)
    {
        var outs = Interpreter.Run(Graph, arguments);
        return outs.Length == 1 ? outs[0] : outs;
    }

    public Tensor Call(params Tensor[] inputs)
        => Invoke(inputs) as Tensor ?? throw new InvalidOperationException("the function does not return a single Tensor; use Invoke");
}
