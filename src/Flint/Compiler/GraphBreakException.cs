namespace Flint.Compiler;

/// <summary>
/// A graph break where <c>fullgraph: true</c> forbids one (PyTorch's torch._dynamo.exc.Unsupported): says why
/// the graph had to end and on which C# line.
/// </summary>
public sealed class GraphBreakException(string reason, string? location)
    : Exception($"{reason}\n  at {location ?? "<unknown location>"}\n"
                + "fullgraph=True forbids graph breaks: remove the break, or compile with fullgraph: false.")
{
    /// <summary>Why the graph had to end.</summary>
    public string Reason { get; } = reason;

    /// <summary>The C# file and line of the break.</summary>
    public string? Location { get; } = location;
}
