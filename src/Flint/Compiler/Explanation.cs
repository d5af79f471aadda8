namespace Flint.Compiler;

/// <summary>One graph break: why, and the C# line (torch._dynamo.explain's break_reasons).</summary>
public sealed record GraphBreak(string Reason, string? Location)
{
    public override string ToString() => $"{Reason}\n  {Location}";
}

/// <summary>What <c>Torch.Dynamo.Explain</c> found in one run (torch._dynamo.explain's ExplainOutput).</summary>
public sealed record Explanation(
    int GraphCount, int GraphBreakCount, IReadOnlyList<GraphBreak> BreakReasons, IReadOnlyList<int> OpsPerGraph,
    IReadOnlyList<Graphs.Graph> Graphs, IReadOnlyList<string> Guards, IReadOnlyList<TimeSpan> CompileTimes)
{
    public override string ToString()
    {
        var lines = new List<string>
        {
            $"Graph Count: {GraphCount}",
            $"Graph Break Count: {GraphBreakCount}",
            $"Op Count: {OpsPerGraph.Sum()}",
            "Break Reasons:",
        };
        for (int i = 0; i < BreakReasons.Count; i++)
            lines.Add($"  Break Reason {i + 1}:\n    Reason: {BreakReasons[i].Reason}\n    User Stack:\n      "
                      + BreakReasons[i].Location);
        lines.Add("Ops per Graph:");
        for (int i = 0; i < OpsPerGraph.Count; i++) lines.Add($"  Ops {i + 1}: {OpsPerGraph[i]}");
        lines.Add("Compile Times: " + string.Join(", ", CompileTimes.Select(t => $"{t.TotalMilliseconds:F2} ms")));
        return string.Join("\n", lines);
    }
}
