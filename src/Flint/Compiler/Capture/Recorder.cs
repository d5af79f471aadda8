using Flint.Graphs;
using Flint.Ops;
using Node = Flint.Graphs.Node;

namespace Flint.Compiler.Capture;

/// <summary>
/// The capture of a compiled region's first run (TorchDynamo's role): a dispatch mode that runs every op eagerly,
/// so this call's results are eager's, and records it into the current <see cref="Segment"/> with its graph node.
/// A value read from C# (Item, ToArray, printing, a tensor used as a bool), an op whose output shape depends on
/// values (nonzero, masked_select, unique) and an op with no graph schema end the segment: a graph break, kept
/// with its reason and C# line.
/// </summary>
internal sealed class Recorder : DispatchMode
{
    private static readonly HashSet<string> DataDependent =
        ["nonzero", "masked_select", "unique", "_unique2", "unique_dim", "unique_consecutive", "bincount",
         "repeat_interleave"];

    private readonly bool _fullgraph;
    private readonly List<Segment> _segments = new();
    private Segment _seg = new();
    private readonly Dictionary<Tensor, (int Op, int Output)> _produced = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<Tensor, int> _slots = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<Tensor, Value> _values = new(ReferenceEqualityComparer.Instance);
    private readonly List<Tensor> _examples = new();

    public Recorder(bool fullgraph) => _fullgraph = fullgraph;

    public override bool KeepsComposites => true;

    public override Tensor[] Dispatch(Op op, Tensor?[] inputs)
    {
        if (DataDependent.Contains(op.Name))
            return EagerBreak(op, inputs, $"dynamic shape operator: aten.{op.Name}.default");
        SchemaCall? call = null;
        try { call = OpRegistry.Bind(op, inputs); }
        catch (NotSupportedException) { } // recorded as the op itself (DirectOp)
        if (call is { } c && !AllTensorArgumentsKnown(c, inputs)) call = null;
        var outputs = Dispatcher.Redispatch(op, inputs);
        Record(op, inputs, call, outputs);
        return outputs;
    }

    public override void OnValueRead(Tensor t)
    {
        if (_seg.IsEmpty) return; // nothing pending: the value is already what eager has
        Break(SegmentEnd.ValueRead, "Tensor value read from C# (Item, ToArray, printing or a tensor used as a bool)");
    }

    /// <summary>Ends the capture: the last segment ends at the region's return.</summary>
    public List<Segment> Finish()
    {
        Close(SegmentEnd.Return, null, null);
        return _segments;
    }

    // ------------------------------------------------------------------ breaks

    private Tensor[] EagerBreak(Op op, Tensor?[] inputs, string reason)
    {
        Break(SegmentEnd.EagerOp, reason);
        var last = _segments[^1];
        last.EagerOp = op;
        last.EagerOpAttributes = op.FormatAttributes();
        return Dispatcher.Redispatch(op, inputs);
    }

    private void Break(SegmentEnd end, string reason)
    {
        var location = Jit.Tracer.CallerLocation();
        if (_fullgraph)
            throw new GraphBreakException(reason, location);
        Close(end, reason, location);
    }

    private void Close(SegmentEnd end, string? reason, string? location)
    {
        _seg.End = end;
        _seg.BreakReason = reason;
        _seg.BreakLocation = location;
        _seg.ExampleInputs = _examples.ToArray();
        _segments.Add(_seg);
        _seg = new Segment();
        _produced.Clear();
        _slots.Clear();
        _values.Clear();
        _examples.Clear();
    }

    // ------------------------------------------------------------------ recording

    private bool AllTensorArgumentsKnown(SchemaCall call, Tensor?[] inputs)
    {
        foreach (var a in call.Arguments)
        {
            if (a is Tensor t && !Contains(inputs, t)) return false;
            if (a is Tensor[] ts) foreach (var x in ts) if (!Contains(inputs, x)) return false;
        }
        return true;
    }

    private static bool Contains(Tensor?[] inputs, Tensor t)
    {
        foreach (var x in inputs) if (ReferenceEquals(x, t)) return true;
        return false;
    }

    private void Record(Op op, Tensor?[] inputs, SchemaCall? call, Tensor[] outputs)
    {
        int index = _seg.Ops.Count;
        var refs = new ArgRef[inputs.Length];
        for (int i = 0; i < inputs.Length; i++) refs[i] = Reference(inputs[i]);
        var results = call is { } c ? RecordSchemaCall(c, outputs) : RecordDirect(op, inputs, outputs);
        for (int k = 0; k < outputs.Length; k++)
        {
            _values[outputs[k]] = results[k];
            _produced[outputs[k]] = (index, k);
            _seg.Graph.AddOutput(results[k]);
            _seg.OutputMap.Add((index, k));
        }
        _seg.Ops.Add(new CapturedOp(op, refs, outputs, results.Length > 0 ? results[0].Node?.SourceLocation : null));
    }

    private Value[] RecordDirect(Op op, Tensor?[] inputs, Tensor[] outputs)
    {
        var g = _seg.Graph;
        var args = inputs.Select(t => t is null ? Append(g.CreateConstant(null)).Output() : _values[t]).ToArray();
        var node = Append(DirectOp.Create(g, op, args, outputs.Length));
        node.SourceLocation = Jit.Tracer.CallerLocation();
        for (int k = 0; k < outputs.Length; k++) node.Output(k).Type = TensorType.Of(outputs[k]);
        return node.Outputs.ToArray();
    }

    private Node Append(Node n)
    {
        _seg.Graph.Block.Append(n);
        return n;
    }

    private Value[] RecordSchemaCall(SchemaCall call, Tensor[] outputs)
    {
        var g = _seg.Graph;
        var schema = call.Schema;
        var args = new Value[call.Arguments.Length];
        for (int i = 0; i < args.Length; i++) args[i] = ArgumentValue(call.Arguments[i], schema.Arguments[i].Type);
        var node = g.CreateAten(schema, args);
        g.Block.Append(node);
        node.SourceLocation = Jit.Tracer.CallerLocation();

        Value[] results;
        if (schema.Returns.Count == 1 && schema.Returns[0].Type is ListType)
        {
            node.Output().Type = JitType.ListOf(JitType.AnyTensor);
            var unpack = g.Create("prim::ListUnpack", [node.Output()], 0);
            g.Block.Append(unpack);
            results = outputs.Select(o => unpack.AddOutput(TensorType.Of(o))).ToArray();
        }
        else
        {
            if (schema.Returns.Count != outputs.Length)
                throw new InvalidOperationException(
                    $"{schema.QualifiedName} returns {schema.Returns.Count} values, the op gave {outputs.Length}");
            results = new Value[outputs.Length];
            for (int k = 0; k < outputs.Length; k++)
            {
                node.Output(k).Type = TensorType.Of(outputs[k]);
                results[k] = node.Output(k);
            }
        }
        return results;
    }

    private ArgRef Reference(Tensor? t)
    {
        if (t is null) return ArgRef.None;
        if (_produced.TryGetValue(t, out var p)) return ArgRef.Produced(p.Op, p.Output);
        return ArgRef.Input(Slot(t));
    }

    private int Slot(Tensor t)
    {
        if (_slots.TryGetValue(t, out int s)) return s;
        s = _slots[t] = _seg.InputGuards.Count;
        _seg.InputGuards.Add(new TensorGuard(t));
        _examples.Add(t);
        _values[t] = _seg.Graph.AddInput(TensorType.Of(t), "arg" + s);
        return s;
    }

    private Value ArgumentValue(object? arg, JitType type)
    {
        var g = _seg.Graph;
        switch (arg)
        {
            case Tensor t:
                return _values[t];
            case Tensor[] ts:
            {
                var list = g.CreateList(JitType.AnyTensor, ts.Select(t => _values[t]));
                g.Block.Append(list);
                return list.Output();
            }
            default:
            {
                var c = g.CreateConstant(arg);
                g.Block.Append(c);
                if (arg is long[] && type is ListType { Element: var e } && e != JitType.Int) c.Output().Type = type;
                return c.Output();
            }
        }
    }
}
