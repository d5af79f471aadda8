namespace Flint.Compiler;

/// <summary>
/// FLINT_LOGS, PyTorch's TORCH_LOGS for Flint: a comma-separated list of artifacts (graph, graph_code,
/// graph_breaks, guards, recompiles, dynamic, aot_graphs, output_code, perf_hints, fusion) printed on stderr.
/// </summary>
public static class CompileLog
{
    private static HashSet<string> _enabled = Parse(Environment.GetEnvironmentVariable("FLINT_LOGS"));

    /// <summary>Where the logs go (stderr unless a test or tool sets another writer).</summary>
    public static TextWriter Writer { get; set; } = Console.Error;

    /// <summary>Sets the enabled artifacts, as FLINT_LOGS would ("graph_breaks,recompiles").</summary>
    public static void Set(string? spec) => _enabled = Parse(spec);

    /// <summary>Whether an artifact is logged.</summary>
    public static bool Enabled(string artifact) => _enabled.Contains(artifact) || _enabled.Contains("all");

    internal static void Log(string artifact, Func<string> message)
    {
        if (!Enabled(artifact)) return;
        lock (Writer) Writer.WriteLine($"[flint] [{artifact}] {message()}");
    }

    private static HashSet<string> Parse(string? spec)
        => spec is null ? [] : spec.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(s => s.TrimStart('+')).ToHashSet();
}
