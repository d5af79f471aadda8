using Flint.Graphs;

namespace Flint.Compiler;

/// <summary>
/// The named compiler backends. "eager" runs a captured graph node by node through the interpreter (and so through
/// the dispatcher: autograd records as in eager mode). "inductor" is the default; until the code generator lands
/// it runs the graph as "eager" does. "aot_eager" is registered by AOT autograd once it exists.
/// </summary>
public static class Backends
{
    private static readonly Dictionary<string, CompilerBackend> Registry = new()
    {
        ["eager"] = Eager,
        ["inductor"] = Eager,
    };
    private static readonly object Gate = new();

    /// <summary>Replays the graph op by op (torch.compile's "eager" backend).</summary>
    public static Func<object?[], object?[]> Eager(Graph graph, Tensor[] exampleInputs)
        => args => Interpreter.Run(graph, args);

    /// <summary>Adds or replaces a named backend (what torch._dynamo's register_backend does).</summary>
    public static void Register(string name, CompilerBackend backend)
    {
        lock (Gate) Registry[name] = backend;
    }

    /// <summary>The backends that can be named in <c>Torch.Compile(backend: …)</c>.</summary>
    public static IReadOnlyList<string> Names
    {
        get { lock (Gate) return Registry.Keys.Order().ToArray(); }
    }

    internal static CompilerBackend Lookup(string name)
    {
        lock (Gate)
        {
            if (Registry.TryGetValue(name, out var b)) return b;
            throw new ArgumentException($"Invalid backend: '{name}', see `Torch.Compiler.ListBackends()` "
                + $"for available backends ({string.Join(", ", Registry.Keys.Order())}).");
        }
    }
}
