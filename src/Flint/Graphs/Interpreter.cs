using System.Runtime.CompilerServices;

namespace Flint.Graphs;

/// <summary>
/// Runs a graph on C# values (see <see cref="Constants"/> for the runtime forms). Every aten node goes through its
/// schema's invoker, hence through the dispatcher: autograd records the ops, NoGrad and dispatch modes apply,
/// and a graph's result equals eager execution of the same ops. prim::If and prim::Loop run their blocks.
/// The graph is prepared once (each value gets a slot in one frame array) and again only after it changes.
/// </summary>
public static class Interpreter
{
    /// <summary>Runs <paramref name="graph"/> on its inputs (for a method, <c>self</c> first) and returns its outputs.</summary>
    public static object?[] Run(Graph graph, params object?[] inputs)
    {
        var plan = graph.Plan;
        if (plan is null || plan.Version != graph.Version) graph.Plan = plan = new Plan(graph);
        if (inputs.Length != graph.Inputs.Count)
            throw new ArgumentException($"forward() expected {graph.Inputs.Count} argument(s) but received {inputs.Length}");
        var frame = new object?[plan.Slots];
        for (int i = 0; i < inputs.Length; i++) frame[plan.SlotOf(graph.Inputs[i])] = inputs[i];
        RunBlock(plan.Top, frame);
        var outs = new object?[plan.Top.Returns.Length];
        for (int i = 0; i < outs.Length; i++) outs[i] = frame[plan.Top.Returns[i]];
        return outs;
    }

    /// <summary>The prepared form of a graph: value slots and, per block, its steps.</summary>
    internal sealed class Plan
    {
        private readonly Dictionary<Value, int> _slots = new();
        public readonly int Version;
        public readonly BlockPlan Top;
        public int Slots => _slots.Count;

        public Plan(Graph g)
        {
            Version = g.Version;
            Top = Prepare(g.Block);
        }

        public int SlotOf(Value v)
        {
            if (!_slots.TryGetValue(v, out int s)) _slots[v] = s = _slots.Count;
            return s;
        }

        private BlockPlan Prepare(Block b)
        {
            var inputs = b.Inputs.Select(SlotOf).ToArray();
            var steps = new List<Step>();
            foreach (var n in b.Nodes)
                steps.Add(new Step(n, n.Inputs.Select(SlotOf).ToArray(), n.Outputs.Select(SlotOf).ToArray(),
                    n.Blocks.Select(Prepare).ToArray()));
            return new BlockPlan(inputs, steps.ToArray(), b.Returns.Select(SlotOf).ToArray());
        }
    }

    internal sealed record BlockPlan(int[] Inputs, Step[] Steps, int[] Returns);

    internal sealed class Step(Node node, int[] inputs, int[] outputs, BlockPlan[] blocks)
    {
        public readonly Node Node = node;
        public readonly int[] Inputs = inputs, Outputs = outputs;
        public readonly BlockPlan[] Blocks = blocks;
        public readonly Func<OpArgs, object?>? Invoke = node.Schema?.Invoker;
        public readonly object? Constant = node.Kind == "prim::Constant" && node.HasAttribute("value") ? node.Attribute("value") : null;
    }

    private static void RunBlock(BlockPlan block, object?[] frame)
    {
        foreach (var step in block.Steps)
        {
            if (step.Invoke is { } invoke) RunAten(step, invoke, frame);
            else RunPrim(step, frame);
        }
    }

    private static void RunAten(Step step, Func<OpArgs, object?> invoke, object?[] frame)
    {
        var args = new object?[step.Inputs.Length];
        for (int i = 0; i < args.Length; i++) args[i] = frame[step.Inputs[i]];
        object? result;
        try { result = invoke(new OpArgs(args)); }
        catch (Exception e) when (e is not GraphRuntimeException)
        {
            throw new GraphRuntimeException(step.Node, e);
        }
        if (step.Outputs.Length == 1) { frame[step.Outputs[0]] = result; return; }
        Spread(result, step.Outputs, frame, step.Node);
    }

    // A multi-output node gets the elements of the tuple (or array) its invoker returned.
    private static void Spread(object? result, int[] outputs, object?[] frame, Node node)
    {
        switch (result)
        {
            case object?[] items when items.Length == outputs.Length:
                for (int i = 0; i < outputs.Length; i++) frame[outputs[i]] = items[i];
                break;
            case ITuple t when t.Length == outputs.Length:
                for (int i = 0; i < outputs.Length; i++) frame[outputs[i]] = t[i];
                break;
            default:
                throw new GraphRuntimeException(node, new InvalidOperationException(
                    $"expected {outputs.Length} results, got {result?.GetType().Name ?? "None"}"));
        }
    }

    private static void RunPrim(Step step, object?[] frame)
    {
        var n = step.Node;
        switch (n.Kind)
        {
            case "prim::Constant":
                frame[step.Outputs[0]] = step.Constant;
                break;
            case "prim::GetAttr":
                frame[step.Outputs[0]] = AsObject(frame[step.Inputs[0]], n).GetAttr(n.NameAttribute);
                break;
            case "prim::CallMethod":
            {
                var args = new object?[step.Inputs.Length - 1];
                for (int i = 0; i < args.Length; i++) args[i] = frame[step.Inputs[i + 1]];
                var r = AsObject(frame[step.Inputs[0]], n).CallMethod(n.NameAttribute, args);
                if (step.Outputs.Length == 1) frame[step.Outputs[0]] = r;
                else Spread(r, step.Outputs, frame, n);
                break;
            }
            case "prim::ListConstruct":
                frame[step.Outputs[0]] = PrimOps.MakeList(((ListType)n.Output().Type).Element, Gather(step, frame));
                break;
            case "prim::TupleConstruct":
                frame[step.Outputs[0]] = Gather(step, frame);
                break;
            case "prim::ListUnpack":
            case "prim::TupleUnpack":
                Spread(PrimOps.AsItems(frame[step.Inputs[0]]), step.Outputs, frame, n);
                break;
            case "prim::TupleIndex":
                frame[step.Outputs[0]] = PrimOps.AsItems(frame[step.Inputs[0]])[(int)(long)frame[step.Inputs[1]]!];
                break;
            case "prim::If":
                RunIf(step, frame);
                break;
            case "prim::Loop":
                RunLoop(step, frame);
                break;
            case "prim::RaiseException":
                throw new InvalidOperationException(frame[step.Inputs[0]] as string ?? "Exception");
            case "prim::Uninitialized":
                frame[step.Outputs[0]] = null;
                break;
            case "prim::unchecked_cast":
                frame[step.Outputs[0]] = frame[step.Inputs[0]];
                break;
            default:
                if (n.HasAttribute(DirectOp.Attribute) && n.Attribute(DirectOp.Attribute) is Op op)
                {
                    DirectOp.Run(op, step.Inputs, step.Outputs, frame, n);
                    break;
                }
                throw new NotSupportedException($"the interpreter cannot run {n.Kind}: no schema or prim rule for it");
        }
    }

    private static object?[] Gather(Step step, object?[] frame)
    {
        var items = new object?[step.Inputs.Length];
        for (int i = 0; i < items.Length; i++) items[i] = frame[step.Inputs[i]];
        return items;
    }

    private static IScriptObject AsObject(object? v, Node n)
        => v as IScriptObject ?? throw new GraphRuntimeException(n, new InvalidCastException(
            $"{n.Kind} needs an object, got {v?.GetType().Name ?? "None"}"));

    // prim::If(cond) with two blocks: the taken block's returns become the node's outputs.
    private static void RunIf(Step step, object?[] frame)
    {
        bool cond = PrimOps.Truthy(frame[step.Inputs[0]]);
        var block = step.Blocks[cond ? 0 : 1];
        RunBlock(block, frame);
        for (int i = 0; i < step.Outputs.Length; i++) frame[step.Outputs[i]] = frame[block.Returns[i]];
    }

    // prim::Loop(max_trip_count, start_condition, carried…); block(i, carried…) -> (continue, carried…);
    // the outputs are the carried values after the last iteration.
    private static void RunLoop(Step step, object?[] frame)
    {
        long max = frame[step.Inputs[0]] is long m ? m : long.MaxValue;
        bool go = PrimOps.Truthy(frame[step.Inputs[1]]);
        int carried = step.Inputs.Length - 2;
        var values = new object?[carried];
        for (int i = 0; i < carried; i++) values[i] = frame[step.Inputs[i + 2]];
        var body = step.Blocks[0];
        for (long iter = 0; go && iter < max; iter++)
        {
            frame[body.Inputs[0]] = iter;
            for (int i = 0; i < carried; i++) frame[body.Inputs[i + 1]] = values[i];
            RunBlock(body, frame);
            go = PrimOps.Truthy(frame[body.Returns[0]]);
            for (int i = 0; i < carried; i++) values[i] = frame[body.Returns[i + 1]];
        }
        for (int i = 0; i < carried; i++) frame[step.Outputs[i]] = values[i];
    }
}

/// <summary>An error while running a graph node: says which node, and keeps the original error inside.</summary>
public sealed class GraphRuntimeException(Node node, Exception inner)
    : Exception($"{inner.Message}\nThe above operation failed in the graph at:\n  {Describe(node)}", inner)
{
    public Node Node { get; } = node;

    private static string Describe(Node n)
    {
        try { return GraphPrinter.PrintNode(n); } catch { return n.Kind; }
    }
}
