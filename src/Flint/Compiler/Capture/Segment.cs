using Flint.Graphs;
using Flint.Ops;

namespace Flint.Compiler.Capture;

/// <summary>How a segment ends: the region returns, C# reads a tensor's value, or an op that cannot be captured
/// runs eagerly between two graphs.</summary>
internal enum SegmentEnd { Return, ValueRead, EagerOp }

/// <summary>
/// One graph of a compiled region: the ops captured between two graph breaks, the tensors they read from outside
/// (the graph's inputs, each with its guard), the graph itself and the backend's compiled form of it.
/// Every output of every op is a graph output, so whatever the C# code kept of the segment can be filled in.
/// </summary>
internal sealed class Segment
{
    public readonly List<CapturedOp> Ops = new();
    public readonly List<TensorGuard> InputGuards = new();
    public readonly List<(int Op, int Output)> OutputMap = new();
    public readonly Graph Graph = new();
    public Tensor[] ExampleInputs = [];

    public SegmentEnd End = SegmentEnd.Return;
    /// <summary>Why the graph ended early (a graph break), and where in the C# code.</summary>
    public string? BreakReason, BreakLocation;
    /// <summary>The op run eagerly after this segment (End == EagerOp).</summary>
    public Op? EagerOp;
    public string? EagerOpAttributes;

    public Func<object?[], object?[]>? Compiled;
    public TimeSpan CompileTime;

    public bool MatchesEagerOp(Op op)
        => EagerOp is not null && (ReferenceEquals(op, EagerOp)
            || op.GetType() == EagerOp.GetType() && op.Name == EagerOp.Name && op.FormatAttributes() == EagerOpAttributes);

    public bool IsEmpty => Ops.Count == 0;
}
