using System.Diagnostics;
using Flint.Compiler.Capture;
using Flint.NN;

namespace Flint.Compiler;

/// <summary>
/// The runtime of one compiled function or module: a cache of captured programs, each guarded. A call whose
/// guards pass replays a program (its graphs run through the backend); a call that no program fits is captured
/// anew (a recompile, logged with the failed guard), up to the recompile limit, after which the function runs
/// eagerly with one warning. Safe to call from several threads: each call has its own dispatch mode, and the
/// cache is replaced, never changed in place.
/// </summary>
internal sealed class CompiledFunction
{
    private readonly Module? _module;
    private readonly CompileOptions _options;
    private readonly string _name;
    private readonly CompilerBackend _backend;
    private volatile CapturedProgram[] _programs = [];
    private int _recompiles;
    private volatile bool _eagerForGood;
    private readonly object _gate = new();

    public CompiledFunction(string name, Module? module, CompileOptions options)
    {
        options.Validate();
        _name = name;
        _module = module;
        _options = options;
        _backend = options.CustomBackend ?? Backends.Lookup(options.Backend);
        CompiledRegistry.Add(this);
    }

    internal IReadOnlyList<CapturedProgram> Programs => _programs;

    /// <summary>Forgets every captured program (Torch.Compiler.Reset).</summary>
    internal void Reset()
    {
        lock (_gate)
        {
            _programs = [];
            _recompiles = 0;
            _eagerForGood = false;
        }
    }

    /// <summary>Runs the region: <paramref name="args"/> are its arguments (guarded), <paramref name="run"/> runs
    /// the user's code on them.</summary>
    public object? Call(object?[] args, Func<object?> run)
    {
        if (_eagerForGood) return run();
        string? failed = null;
        foreach (var p in _programs)
        {
            failed = p.Check(args, _module);
            if (failed is null) return _options.Verify ? Verified(p, args, run) : Replay(p, run);
        }
        if (_programs.Length > 0 && !AllowRecompile(failed!)) return run();
        return Capture(args, run);
    }

    private bool AllowRecompile(string reason)
    {
        lock (_gate)
        {
            _recompiles++;
            CompileLog.Log("recompiles", () => $"Recompiling function {_name}\n    triggered by the following guard "
                + $"failure(s):\n    - {reason}");
            if (_recompiles <= _options.RecompileLimit) return true;
            _eagerForGood = true;
        }
        Warnings.Warn("UserWarning",
            $"torch._dynamo hit config.cache_size_limit ({_options.RecompileLimit})\n   function: '{_name}'\n"
            + $"   last reason: {reason}\nTo log all recompilation reasons, use FLINT_LOGS=recompiles. "
            + "The function runs eagerly from now on.");
        return false;
    }

    private object? Replay(CapturedProgram p, Func<object?> run)
    {
        var replay = new Replayer(p.Segments);
        object? result;
        using (replay.Push()) result = run();
        replay.Finish();
        if (replay.Divergence is { } why)
        {
            // the code took another path under the same guards: capture that path on the next call
            lock (_gate) _programs = _programs.Where(x => x != p).ToArray();
            CompileLog.Log("recompiles", () => $"Recompiling function {_name}: the call left its graph: {why}");
        }
        return result;
    }

    private object? Capture(object?[] args, Func<object?> run)
    {
        var recorder = new Recorder(_options.Fullgraph);
        object? result;
        using (recorder.Push()) result = run();
        var segments = recorder.Finish();
        var program = new CapturedProgram(segments, args, _module);
        Compile(program);
        lock (_gate) _programs = [.. _programs, program];
        return result;
    }

    private void Compile(CapturedProgram program)
    {
        for (int i = 0; i < program.Segments.Count; i++)
        {
            var seg = program.Segments[i];
            var sw = Stopwatch.StartNew();
            if (!seg.IsEmpty) seg.Compiled = _backend(seg.Graph, seg.ExampleInputs);
            seg.CompileTime = sw.Elapsed;
            seg.ExampleInputs = []; // the first call's tensors are not kept alive by the cache
            int n = i;
            if (!seg.IsEmpty) CompileLog.Log("graph", () => $"GRAPH {n} of {_name}:\n{seg.Graph}");
            if (!seg.IsEmpty) CompileLog.Log("graph_code", () => $"GRAPH {n} of {_name}:\n{Graphs.CodePrinter.Print(seg.Graph, "forward")}");
            if (seg.BreakReason is { } r)
                CompileLog.Log("graph_breaks", () => $"Graph break in {_name}: {r}\n    at {seg.BreakLocation}");
        }
        CompileLog.Log("guards", () => $"GUARDS of {_name}:\n" + string.Join("\n", Describe(program)));
    }

    internal static IEnumerable<string> Describe(CapturedProgram p)
    {
        yield return $"  grad_mode == {p.GradEnabled}";
        yield return $"  inference_mode == {p.InferenceMode}";
        yield return $"  default_dtype == {p.DefaultDType.Name()}";
        for (int i = 0; i < p.ArgumentGuards.Length; i++)
            if (p.ArgumentGuards[i] is { } g) yield return $"  L[{i}]: {g}";
        if (p.TrainingFlags.Length > 0)
            yield return $"  training flags == [{string.Join(", ", p.TrainingFlags)}]";
        for (int s = 0; s < p.Segments.Count; s++)
            for (int i = 0; i < p.Segments[s].InputGuards.Count; i++)
                yield return $"  graph {s} input {i}: {p.Segments[s].InputGuards[i]}";
    }

    /// <summary>The report of the program the last capture made (Torch.Dynamo.Explain).</summary>
    internal Explanation Explain()
    {
        var p = _programs[^1];
        var graphs = p.Segments.Where(s => !s.IsEmpty).ToArray();
        var breaks = p.Segments.Where(s => s.BreakReason is not null)
            .Select(s => new GraphBreak(s.BreakReason!, s.BreakLocation)).ToArray();
        return new Explanation(graphs.Length, breaks.Length, breaks, graphs.Select(s => s.Ops.Count).ToArray(),
            graphs.Select(s => s.Graph).ToArray(), Describe(p).ToArray(), graphs.Select(s => s.CompileTime).ToArray());
    }

    // Verify: the compiled call and an eager run from the same random state and buffers must agree.
    private object? Verified(CapturedProgram p, object?[] args, Func<object?> run)
    {
        var rng = Generator.Default.GetState();
        var buffers = _module?.Buffers().Select(b => (b, b.Detach().Clone())).ToArray() ?? [];
        object? expected;
        using (Torch.NoGrad()) expected = run();
        foreach (var (b, saved) in buffers)
            using (Torch.NoGrad()) b.CopyFromRaw(saved);
        Generator.Default.SetState(rng);
        var actual = Replay(p, run);
        VerifyOutputs.Compare(_name, expected, actual);
        return actual;
    }
}
