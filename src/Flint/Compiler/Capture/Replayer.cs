using System.Runtime.ExceptionServices;
using Flint.Graphs;
using Flint.Ops;

namespace Flint.Compiler.Capture;

/// <summary>
/// A later run of a compiled region: the C# code runs again, and each op it calls is matched against the captured
/// program (the op, its attributes, where each input came from, each new input's guard) and answered with a
/// placeholder instead of being computed. When a segment is complete (at its graph break or the region's return)
/// its compiled graph runs on the real inputs and every placeholder takes over its result.
/// A call that differs from the capture (another op, another input, a guard that fails) diverges: what was
/// deferred runs eagerly at once and the rest of the call runs eagerly, so results are always eager's.
/// </summary>
internal sealed class Replayer(IReadOnlyList<Segment> segments) : DispatchMode
{
    private int _seg, _op;
    private Tensor?[] _bound = new Tensor?[segments.Count == 0 ? 0 : segments[0].InputGuards.Count];
    private Tensor[][] _outputs = new Tensor[segments.Count == 0 ? 0 : segments[0].Ops.Count][];
    private readonly List<(Op Op, Tensor?[] Inputs)> _calls = new();

    /// <summary>Why this call left the captured program, or null if it followed it to the end.</summary>
    public string? Divergence { get; private set; }

    public override bool KeepsComposites => true;

    public override Tensor[] Dispatch(Op op, Tensor?[] inputs)
    {
        if (Divergence is not null) return Dispatcher.Redispatch(op, inputs);
        var seg = segments[_seg];
        if (_op == seg.Ops.Count)
        {
            if (seg.End == SegmentEnd.EagerOp && seg.MatchesEagerOp(op))
            {
                RunSegment(seg);
                var r = Dispatcher.Redispatch(op, inputs);
                NextSegment();
                return r;
            }
            return Diverge($"aten::{op.Name} was called where the captured graph {EndText(seg)}", op, inputs);
        }
        var c = seg.Ops[_op];
        if (!c.SameOp(op)) return Diverge($"expected {c} but the code called aten::{op.Name}", op, inputs);
        if (MismatchedInput(seg, c, inputs) is { } why) return Diverge($"{c}: {why}", op, inputs);

        Tensor[] outs;
        if (op.InPlace) outs = [inputs[0]!];
        else
        {
            outs = new Tensor[c.OutputDTypes.Length];
            for (int k = 0; k < outs.Length; k++)
                outs[k] = Tensor.Placeholder(c.OutputDTypes[k], c.OutputSizes[k], c.OutputStrides[k],
                    c.OutputRequiresGrad[k]);
        }
        _outputs[_op++] = outs;
        _calls.Add((op, inputs));
        return outs;
    }

    public override void OnValueRead(Tensor t)
    {
        if (Divergence is not null || _op == 0) return;
        var seg = segments[_seg];
        if (_op == seg.Ops.Count && seg.End == SegmentEnd.ValueRead)
        {
            RunSegment(seg);
            NextSegment();
            return;
        }
        Diverge($"a tensor value was read from C# where the captured graph {EndText(seg)}", null, null);
    }

    /// <summary>At the region's return: runs the last segment, or notes the divergence if the code stopped early.
    /// </summary>
    public void Finish()
    {
        if (Divergence is not null) return;
        var seg = segments[_seg];
        if (_op == seg.Ops.Count && seg.End == SegmentEnd.Return && _seg == segments.Count - 1)
        {
            RunSegment(seg);
            return;
        }
        Diverge($"the code returned where the captured graph {EndText(seg)}", null, null);
    }

    private static string EndText(Segment s) => s.End switch
    {
        SegmentEnd.Return => $"has {s.Ops.Count} ops and returns",
        SegmentEnd.ValueRead => $"reads a value after {s.Ops.Count} ops",
        _ => $"runs aten::{s.EagerOp!.Name} eagerly after {s.Ops.Count} ops",
    };

    private string? MismatchedInput(Segment seg, CapturedOp c, Tensor?[] inputs)
    {
        if (inputs.Length != c.Inputs.Length) return $"{inputs.Length} inputs instead of {c.Inputs.Length}";
        for (int i = 0; i < inputs.Length; i++)
        {
            var t = inputs[i];
            var r = c.Inputs[i];
            switch (r.Kind)
            {
                case ArgKind.None:
                    if (t is not null) return $"input {i} is a tensor where the capture had none";
                    break;
                case ArgKind.Produced:
                    if (t is null || !ReferenceEquals(t, _outputs[r.Index][r.Output]))
                        return $"input {i} is not the result of op {r.Index} as in the capture";
                    break;
                case ArgKind.Input:
                    if (t is null) return $"input {i} is missing";
                    if (_bound[r.Index] is { } b)
                    {
                        if (!ReferenceEquals(b, t)) return $"input {i} is another tensor than in the capture";
                    }
                    else
                    {
                        if (seg.InputGuards[r.Index].Check(t) is { } fail) return $"input {i}: {fail}";
                        _bound[r.Index] = t;
                    }
                    break;
            }
        }
        return null;
    }

    private void RunSegment(Segment seg)
    {
        _calls.Clear();
        if (seg.Ops.Count == 0) return;
        var args = new object?[_bound.Length];
        for (int i = 0; i < args.Length; i++) args[i] = _bound[i];
        object?[] results;
        try { results = seg.Compiled!(args); }
        catch (GraphRuntimeException e) when (e.InnerException is { } inner)
        {
            ExceptionDispatchInfo.Capture(inner).Throw();
            throw;
        }
        for (int k = 0; k < seg.OutputMap.Count; k++)
        {
            var (op, output) = seg.OutputMap[k];
            _outputs[op][output].AdoptFrom((Tensor)results[k]!);
        }
    }

    private void NextSegment()
    {
        _seg++;
        _op = 0;
        var seg = segments[_seg];
        _bound = new Tensor?[seg.InputGuards.Count];
        _outputs = new Tensor[seg.Ops.Count][];
    }

    // What was deferred runs eagerly, in order, each placeholder taking its result; then so does the rest.
    private Tensor[] Diverge(string reason, Op? op, Tensor?[]? inputs)
    {
        Divergence = reason;
        for (int i = 0; i < _calls.Count; i++)
        {
            var (o, ins) = _calls[i];
            var real = Dispatcher.Redispatch(o, ins);
            for (int k = 0; k < real.Length; k++) _outputs[i][k].AdoptFrom(real[k]);
        }
        _calls.Clear();
        return op is null ? [] : Dispatcher.Redispatch(op, inputs!);
    }
}
