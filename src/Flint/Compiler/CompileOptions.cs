using Flint.Graphs;

namespace Flint.Compiler;

/// <summary>
/// A compiler backend: from a captured graph and example inputs (one per graph input) to the function that runs
/// it (PyTorch's <c>backend=</c> callable). The function takes the graph's inputs and returns its outputs.
/// </summary>
public delegate Func<object?[], object?[]> CompilerBackend(Graph graph, Tensor[] exampleInputs);

/// <summary>The options of <c>Torch.Compile</c>, as torch.compile names them.</summary>
public sealed record CompileOptions
{
    /// <summary>"default", "reduce-overhead" or "max-autotune".</summary>
    public string Mode { get; init; } = "default";

    /// <summary>A graph break is an error that names its C# line.</summary>
    public bool Fullgraph { get; init; }

    /// <summary>null: sizes that change become dynamic at the first recompile; true: from the start; false: never.
    /// </summary>
    public bool? Dynamic { get; init; }

    /// <summary>"inductor" (default), "eager", "aot_eager", or a name registered with
    /// <see cref="Backends.Register"/>.</summary>
    public string Backend { get; init; } = "inductor";

    /// <summary>A user's backend function; when set it replaces <see cref="Backend"/>.</summary>
    public CompilerBackend? CustomBackend { get; init; }

    /// <summary>Runs eager beside every compiled call and throws at the first output that differs
    /// (also set by FLINT_COMPILE_VERIFY=1).</summary>
    public bool Verify { get; init; } = Environment.GetEnvironmentVariable("FLINT_COMPILE_VERIFY") == "1";

    /// <summary>Recompiles allowed per compiled function before it runs eagerly for good (PyTorch's
    /// cache_size_limit, 8).</summary>
    public int RecompileLimit { get; init; } = Torch.Compiler.CacheSizeLimit;

    internal void Validate()
    {
        if (Mode is not ("default" or "reduce-overhead" or "max-autotune" or "max-autotune-no-cudagraphs"))
            throw new ArgumentException(
                $"Unrecognized mode={Mode}, should be one of: default, reduce-overhead, max-autotune, "
                + "max-autotune-no-cudagraphs");
        if (RecompileLimit < 0) throw new ArgumentException("RecompileLimit must be non-negative");
        if (CustomBackend is null) Backends.Lookup(Backend);
    }
}
