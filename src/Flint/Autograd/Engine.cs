namespace Flint.Autograd;

/// <summary>
/// The backward pass: walks the grad_fn DAG from the roots in dependency order (a node runs once every gradient
/// flowing into it has arrived; among ready nodes the most recently created runs first), sums the gradients that
/// meet at a node, and either accumulates into leaves (Backward) or captures the requested ones (Grad).
/// </summary>
public static class Engine
{
    internal const string FreedMessage =
        "Trying to backward through the graph a second time (or directly access saved tensors after they have already been freed). Saved intermediate values of the graph are freed when you call .backward() or autograd.grad(). Specify retain_graph=True if you need to backward through the graph a second time or if you need to access saved tensors after calling backward.";

    public static void Backward(Tensor[] roots, Tensor?[]? grads, bool retainGraph, bool createGraph, Tensor[]? inputs = null)
    {
        Run(roots, grads, retainGraph || createGraph, createGraph, inputs, accumulate: true, allowUnused: true);
    }

    public static Tensor?[] Grad(Tensor[] outputs, Tensor[] inputs, Tensor?[]? gradOutputs, bool retainGraph, bool createGraph, bool allowUnused)
    {
        foreach (var x in inputs)
            if (!x.RequiresGrad) throw new InvalidOperationException("One of the differentiated Tensors does not require grad");
        var r = Run(outputs, gradOutputs, retainGraph || createGraph, createGraph, inputs, accumulate: false, allowUnused);
        for (int i = 0; i < r.Length; i++)
            if (r[i] is null && !allowUnused)
                throw new InvalidOperationException("One of the differentiated Tensors appears to not have been used in the graph. Set allow_unused=True if this is the desired behavior.");
        return r;
    }

    private static Tensor?[] Run(Tensor[] roots, Tensor?[]? grads, bool retainGraph, bool createGraph, Tensor[]? inputs,
        bool accumulate, bool allowUnused)
    {
        // 1. Root gradients.
        var rootEdges = new List<(Edge edge, Tensor grad)>();
        for (int i = 0; i < roots.Length; i++)
        {
            var r = roots[i];
            if (!r.RequiresGrad)
                throw new InvalidOperationException($"element {i} of tensors does not require grad and does not have a grad_fn");
            var g = grads is not null && i < grads.Length ? grads[i] : null;
            if (g is null)
            {
                if (r.Numel() != 1) throw new InvalidOperationException("grad can be implicitly created only for scalar outputs");
                g = Torch.OnesLike(r);
            }
            else if (!ShapeUtil.SameShape(g._sizes, r._sizes))
                throw new ArgumentException($"Mismatch in shape: grad_output[{i}] has a shape of {ShapeUtil.Format(g._sizes)} and output[{i}] has a shape of {ShapeUtil.Format(r._sizes)}.");
            var edge = r._gradFn is { } fn ? new Edge(fn, r._outputNr) : new Edge(r.GradAccumulator(), 0);
            rootEdges.Add((edge, g));
        }

        // 2. Where to capture (Grad, or Backward(inputs: …)).
        Dictionary<(Node, int), int>? capture = null;
        Tensor?[] capturedGrads = [];
        if (inputs is not null)
        {
            capture = new();
            capturedGrads = new Tensor?[inputs.Length];
            for (int i = 0; i < inputs.Length; i++)
            {
                var x = inputs[i];
                var key = x._gradFn is { } fn ? (fn, x._outputNr) : ((Node)x.GradAccumulator(), 0);
                capture[key] = i;
            }
        }

        // 3. Dependencies: how many edges point into each reachable node; and which nodes lead to a capture.
        var deps = new Dictionary<Node, int>(ReferenceEqualityComparer.Instance);
        var stack = new Stack<Node>();
        foreach (var (e, _) in rootEdges)
            if (deps.TryAdd(e.Function!, 0)) stack.Push(e.Function!);
        var order = new List<Node>();
        while (stack.Count > 0)
        {
            var n = stack.Pop();
            order.Add(n);
            foreach (var e in n.Next)
            {
                if (e.Function is null) continue;
                if (deps.TryGetValue(e.Function, out var c)) deps[e.Function] = c + 1;
                else { deps[e.Function] = 1; stack.Push(e.Function); }
            }
        }
        HashSet<Node>? needed = null;
        if (capture is not null) needed = NodesLeadingTo(order, capture);

        // 4. Execute in dependency order.
        var buffers = new Dictionary<Node, Tensor?[]>(ReferenceEqualityComparer.Instance);
        var ready = new PriorityQueue<Node, long>();
        foreach (var (e, g) in rootEdges)
            AddToBuffer(buffers, e, g);
        foreach (var (e, _) in rootEdges)
            if (deps[e.Function!] == 0 && buffers.ContainsKey(e.Function!)) { ready.Enqueue(e.Function!, -e.Function!.SequenceNr); deps[e.Function!] = -1; }

        using var mode = new GradModeScope(createGraph);
        while (ready.Count > 0)
        {
            var node = ready.Dequeue();
            // A node that received no gradient at all still releases its dependents, so a node below it that is
            // also reached by another path runs once every edge into it has been accounted for.
            if (!buffers.Remove(node, out var inGrads))
            {
                foreach (var e in node.Next)
                    if (e.Function is not null && --CollectionsMarshalGet(deps, e.Function) == 0)
                        ready.Enqueue(e.Function, -e.Function.SequenceNr);
                continue;
            }

            // Tensor hooks on this node's outputs (non-leaf tensors), then retain_grad.
            if (node.PreHooks is { } pre)
                foreach (var (output, hook) in pre.ToArray())
                    if (inGrads[output] is { } g0) inGrads[output] = hook(g0) ?? g0;

            if (capture is not null)
                for (int o = 0; o < inGrads.Length; o++)
                    if (capture.TryGetValue((node, o), out var idx) && inGrads[o] is { } cg)
                        capturedGrads[idx] = capturedGrads[idx] is null ? cg : capturedGrads[idx]! + cg;

            bool run = needed is null || needed.Contains(node);
            if (node is AccumulateGrad && !accumulate) run = false;
            if (node is AccumulateGrad acc && capture is not null && accumulate && !capture.ContainsKey((node, 0))) run = false;

            Tensor?[] outGrads = [];
            if (run)
            {
                BufferPool.EnterOp(); // a backward function may hold raw spans of its temporaries (see BufferPool)
                try { outGrads = node.Apply(inGrads); }
                finally { BufferPool.ExitOp(); }
                CastToInputDTypes(node, outGrads);
                node.PostHooks?.ForEach(h => h(outGrads, inGrads));
                if (GradMode.IsAnomalyEnabled) CheckNaN(node, outGrads);
                if (!retainGraph) node.ReleaseSaved();
            }

            for (int i = 0; i < node.Next.Length; i++)
            {
                var e = node.Next[i];
                if (e.Function is null) continue;
                if (run && i < outGrads.Length && outGrads[i] is { } g) AddToBuffer(buffers, e, g);
                int left = --CollectionsMarshalGet(deps, e.Function);
                if (left == 0) ready.Enqueue(e.Function, -e.Function.SequenceNr);
            }
        }
        return capturedGrads;
    }

    /// <summary>
    /// Each gradient leaves in the dtype its input had in the forward call (PyTorch's validate_outputs): a float32
    /// tensor added to a float64 one gets a float32 gradient, whatever dtype the op's derivative computed in. Done
    /// here once, differentiably (a cast op), so no op's Backward has to.
    /// </summary>
    private static void CastToInputDTypes(Node node, Tensor?[] grads)
    {
        for (int i = 0; i < grads.Length; i++)
            if (grads[i] is { } g && node.InputGradDType(i) is { } want && g.DType != want) grads[i] = g.To(want);
    }

    private static ref int CollectionsMarshalGet(Dictionary<Node, int> d, Node n)
        => ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrNullRef(d, n);

    private static void AddToBuffer(Dictionary<Node, Tensor?[]> buffers, Edge e, Tensor g)
    {
        if (!buffers.TryGetValue(e.Function!, out var buf))
        {
            buf = new Tensor?[Math.Max(e.Function!.NumOutputs, e.InputNr + 1)];
            buffers[e.Function!] = buf;
        }
        buf[e.InputNr] = buf[e.InputNr] is null ? g : buf[e.InputNr]! + g;
    }

    private static HashSet<Node> NodesLeadingTo(List<Node> order, Dictionary<(Node, int), int> capture)
    {
        var targets = new HashSet<Node>(ReferenceEqualityComparer.Instance);
        foreach (var (node, _) in capture.Keys) targets.Add(node);
        var needed = new HashSet<Node>(ReferenceEqualityComparer.Instance);
        // order is a DFS pre-order from the roots; iterate to a fixed point (graphs are small relative to kernels).
        bool changed = true;
        while (changed)
        {
            changed = false;
            foreach (var n in order)
            {
                if (needed.Contains(n)) continue;
                bool leads = targets.Contains(n);
                foreach (var e in n.Next)
                    if (e.Function is not null && needed.Contains(e.Function)) { leads = true; break; }
                if (leads) { needed.Add(n); changed = true; }
            }
        }
        // Capture targets themselves need not run (their gradient is read from the buffer), except to flow further.
        return needed;
    }

    private static bool HasNaN(Tensor g)
    {
        foreach (var v in g.Detach().CastRaw(DType.Float64).ContiguousRaw().RawSpan<double>()) if (double.IsNaN(v)) return true;
        return false;
    }

    private static void CheckNaN(Node node, Tensor?[] grads)
    {
        for (int i = 0; i < grads.Length; i++)
        {
            if (grads[i] is not { } g || !g.DType.IsFloatingPoint()) continue;
            if (HasNaN(g))
            {
                var msg = $"Function '{node.Name}' returned nan values in its {i}th output.";
                if (node.ForwardTrace is { } trace) msg += "\nTraceback of forward call that caused the error:\n" + trace;
                throw new InvalidOperationException(msg);
            }
        }
    }
}
