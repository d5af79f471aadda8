using System.Diagnostics;
using System.Runtime.CompilerServices;
using Flint.Graphs;
using Flint.NN;
using Node = Flint.Graphs.Node;

namespace Flint.Jit;

/// <summary>
/// Records one run of a module (or function) into graphs: a dispatch mode that sees every op (composites such as
/// aten::linear whole) and a module-call observer that opens a graph per submodule call. Each op becomes an aten
/// node through its schema (<see cref="OpRegistry.Bind"/>), non-tensor arguments become prim::Constant inputs,
/// parameters and buffers are read with prim::GetAttr from %self, and a submodule call becomes prim::CallMethod
/// on that submodule's own traced graph (PyTorch's structure; <see cref="Graphs.Passes.Inline"/> flattens it).
/// </summary>
internal sealed class Tracer : DispatchMode, IModuleCallObserver
{
    private static readonly System.Reflection.Assembly FlintAssembly = typeof(Tensor).Assembly;

    private readonly Dictionary<Module, (ScriptModule Script, string Path)> _modules = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<Tensor, (Module Owner, string Name)> _attributes = new(ReferenceEqualityComparer.Instance);
    private readonly Stack<TraceFrame?> _frames = new(); // null: a call of a module outside the traced tree
    private TraceFrame _current;

    public Tracer(Module? root, ScriptModule? rootScript)
    {
        if (root is not null) Index(root, rootScript!, "");
        _current = new TraceFrame(root, rootScript, null, null);
    }

    public TraceFrame Root => _frames.Count == 0 ? _current : throw new InvalidOperationException("trace still inside a module");

    public override bool KeepsComposites => true;

    private void Index(Module m, ScriptModule s, string path)
    {
        _modules[m] = (s, path);
        foreach (var (name, p) in m.LocalParameters()) _attributes.TryAdd(p, (m, name));
        foreach (var (name, b, _) in m.LocalBuffers()) _attributes.TryAdd(b, (m, name));
        foreach (var (name, child) in m.LocalModules())
            if (!_modules.ContainsKey(child)) Index(child, (ScriptModule)s.GetAttr(name)!, path.Length == 0 ? name : path + "." + name);
    }

    /// <summary>Makes a graph input for a tensor given to the traced function or module.</summary>
    public Value AddInput(Tensor t, string name)
    {
        var v = _current.Graph.AddInput(TensorType.Of(t), name);
        _current.Values[t] = v;
        return v;
    }

    /// <summary>Ends the trace: the traced call's result becomes the graph's return (a tuple for several tensors).</summary>
    public Graph Finish(object? output)
    {
        var f = Root;
        var outputs = Tensors([output]).ToArray();
        if (outputs.Length == 0) throw new ArgumentException("Only tensors, lists, tuples of tensors, or dictionary of tensors can be output from traced functions");
        var results = outputs.Select(t => Resolve(f, t)).ToArray();
        f.Graph.AddOutput(results.Length == 1 && output is Tensor ? results[0] : Place(f, f.Graph.CreateTuple(results)).Output());
        return f.Graph;
    }

    // ------------------------------------------------------------------ ops

    public override Tensor[] Dispatch(Op op, Tensor?[] inputs)
    {
        var call = OpRegistry.Bind(op, inputs);
        var outputs = Dispatcher.Redispatch(op, inputs);
        Record(call, outputs);
        return outputs;
    }

    private void Record(SchemaCall call, Tensor[] outputs)
    {
        var f = _current;
        var schema = call.Schema;
        var args = new Value[call.Arguments.Length];
        for (int i = 0; i < args.Length; i++) args[i] = ArgumentValue(f, call.Arguments[i], schema.Arguments[i].Type);
        var node = Place(f, f.Graph.CreateAten(schema, args));
        if (schema.Returns.Count == 1 && schema.Returns[0].Type is ListType && outputs.Length >= 1)
        {
            // Tensor[] results (split): the list, then ListUnpack into one value per tensor
            node.Output().Type = JitType.ListOf(JitType.AnyTensor);
            var unpack = Place(f, f.Graph.Create("prim::ListUnpack", [node.Output()], 0));
            foreach (var o in outputs) Bind(f, o, unpack.AddOutput(TensorType.Of(o)));
            return;
        }
        if (schema.Returns.Count != outputs.Length)
            throw new InvalidOperationException($"{schema.QualifiedName} returns {schema.Returns.Count} values, the op gave {outputs.Length}");
        for (int i = 0; i < outputs.Length; i++)
        {
            node.Output(i).Type = TensorType.Of(outputs[i]);
            Bind(f, outputs[i], node.Output(i));
        }
    }

    private Node Place(TraceFrame f, Node n)
    {
        f.Graph.Block.Append(n);
        n.Scope = f.Scope;
        n.SourceLocation = CallerLocation();
        return n;
    }

    private static void Bind(TraceFrame f, Tensor t, Value v) => f.Values[t] = v;

    private Value ArgumentValue(TraceFrame f, object? arg, JitType type)
    {
        switch (arg)
        {
            case Tensor t:
                return Resolve(f, t);
            case Tensor[] ts:
                var items = ts.Select(t => Resolve(f, t)).ToArray();
                return Place(f, f.Graph.CreateList(JitType.AnyTensor, items)).Output();
            default:
                // a Scalar or optional argument keeps the constant's own type (int, float, NoneType)
                return Place(f, f.Graph.CreateConstant(arg)).Output();
        }
    }

    // ------------------------------------------------------------------ tensors as values

    /// <summary>The value of tensor <paramref name="t"/> in frame <paramref name="f"/>, made available if needed.</summary>
    private Value Resolve(TraceFrame f, Tensor t)
    {
        if (f.Values.TryGetValue(t, out var v)) return v;
        if (_attributes.TryGetValue(t, out var attr) && f.Module is not null && PathFrom(f.Module, attr.Owner) is { } path)
        {
            var owner = ModuleValue(f, path);
            v = Place(f, f.Graph.CreateGetAttr(owner, attr.Name, JitType.AnyTensor)).Output();
            v.SetDebugName(attr.Name);
            v.Node!.Scope = null;
            v.Node.SourceLocation = null;
            return f.Values[t] = v;
        }
        if (f.Parent is not null && IsKnown(f.Parent, t))
        {
            var outer = Resolve(f.Parent, t);
            v = f.Graph.AddInput(outer.Type, outer.HasDebugName ? outer.Name : null);
            f.OuterArguments.Add(outer);
            return f.Values[t] = v;
        }
        // a tensor the trace did not produce: recorded as a constant, as PyTorch's tracer does
        v = Place(f, f.Graph.CreateConstant(t)).Output();
        return f.Values[t] = v;
    }

    private bool IsKnown(TraceFrame f, Tensor t)
        => f.Values.ContainsKey(t)
           || (_attributes.TryGetValue(t, out var a) && f.Module is not null && PathFrom(f.Module, a.Owner) is not null)
           || (f.Parent is not null && IsKnown(f.Parent, t));

    private bool IsTraced(Tensor t)
    {
        for (var f = _current; f is not null; f = f.Parent) if (f.Values.ContainsKey(t)) return true;
        return false;
    }

    /// <summary>The attribute names from <paramref name="from"/> down to <paramref name="to"/>, or null if not below.</summary>
    private string[]? PathFrom(Module from, Module to)
    {
        if (!_modules.TryGetValue(from, out var a) || !_modules.TryGetValue(to, out var b)) return null;
        if (ReferenceEquals(from, to)) return [];
        var prefix = a.Path.Length == 0 ? "" : a.Path + ".";
        if (!b.Path.StartsWith(prefix, StringComparison.Ordinal)) return null;
        return b.Path[prefix.Length..].Split('.');
    }

    private Value ModuleValue(TraceFrame f, string[] path)
    {
        Value cur = f.Self!;
        ScriptModule curScript = f.Script!;
        Module curModule = f.Module!;
        foreach (var name in path)
        {
            var child = curModule.LocalModules().First(kv => kv.Key == name).Value;
            if (!f.ModuleValues.TryGetValue(child, out var v))
            {
                var childScript = (ScriptModule)curScript.GetAttr(name)!;
                v = Place(f, f.Graph.CreateGetAttr(cur, name, childScript.Type)).Output();
                v.SetDebugName(char.IsAsciiDigit(name[0]) ? "_" + name : name); // PyTorch's %_0 for Sequential's "0"
                v.Node!.Scope = null;
                v.Node.SourceLocation = null;
                f.ModuleValues[child] = v;
            }
            cur = v;
            curScript = (ScriptModule)curScript.GetAttr(name)!;
            curModule = child;
        }
        return cur;
    }

    // ------------------------------------------------------------------ module calls

    public void Enter(Module module, object?[] inputs)
    {
        if (_frames.Count == 0 && ReferenceEquals(module, _current.Module) && !_rootEntered)
        {
            _rootEntered = true; // the traced module's own call: its frame is the root
            _frames.Push(_current);
            return;
        }
        if (!_modules.TryGetValue(module, out var info) || _current.Module is null
            || PathFrom(_current.Module, module) is not { Length: > 0 })
        {
            _frames.Push(null); // not a submodule of the frame's module: its ops stay in the current graph
            return;
        }
        var scope = "__module." + info.Path;
        var frame = new TraceFrame(module, info.Script, _current, _current.Scope is null ? scope : _current.Scope + "/" + scope);
        var names = ForwardParameterNames(module);
        int k = 0;
        foreach (var t in Tensors(inputs))
        {
            var outer = Resolve(_current, t);
            var name = k < names.Length ? names[k] : null;
            var v = frame.Graph.AddInput(outer.Type, name);
            frame.Values.TryAdd(t, v);
            frame.OuterArguments.Add(outer);
            k++;
        }
        _frames.Push(frame);
        _current = frame;
    }

    private bool _rootEntered;

    public void Exit(Module module, object? output)
    {
        var frame = _frames.Pop();
        if (frame is null || ReferenceEquals(frame, _current) && frame.Parent is null) return;
        var outputs = Tensors([output]).ToArray();
        var results = outputs.Select(t => Resolve(frame, t)).ToArray();
        Value ret = results.Length == 1 && output is Tensor ? results[0] : Place(frame, frame.Graph.CreateTuple(results)).Output();
        frame.Graph.AddOutput(ret);
        var script = frame.Script!;
        if (!script.HasMethod("forward")) script.DefineMethod("forward", frame.Graph);

        var parent = frame.Parent!;
        _current = parent;
        var callee = ModuleValue(parent, PathFrom(parent.Module!, module)!);
        var call = Place(parent, parent.Graph.Create("prim::CallMethod", [callee, .. frame.OuterArguments], 0));
        call.SetAttribute("name", "forward");
        call.Scope = null;
        call.SourceLocation = null;
        var result = call.AddOutput(ret.Type is TupleType ? new TupleType(results.Select(_ => (JitType)JitType.AnyTensor).ToArray()) : JitType.AnyTensor);
        if (ret.Type is not TupleType) { Bind(parent, outputs[0], result); return; }
        var unpack = Place(parent, parent.Graph.Create("prim::TupleUnpack", [result], 0));
        unpack.Scope = null;
        unpack.SourceLocation = null;
        for (int i = 0; i < outputs.Length; i++) Bind(parent, outputs[i], unpack.AddOutput(TensorType.Of(outputs[i])));
    }

    public void Fail(Module module)
    {
        var frame = _frames.Pop();
        if (frame?.Parent is not null) _current = frame.Parent;
    }

    /// <summary>The tensors among call arguments or results (tuples flattened, other values skipped).</summary>
    internal static IEnumerable<Tensor> Tensors(object?[] values)
    {
        foreach (var v in values)
        {
            if (v is Tensor t) yield return t;
            else if (v is ITuple tuple)
                for (int i = 0; i < tuple.Length; i++)
                    foreach (var x in Tensors([tuple[i]])) yield return x;
        }
    }

    internal static string[] ForwardParameterNames(object target)
    {
        var m = target.GetType().GetMethods().FirstOrDefault(x => x.Name == "Forward" && x.GetParameters().Length > 0);
        return m?.GetParameters().Select(p => p.Name ?? "input").ToArray() ?? [];
    }

    // ------------------------------------------------------------------ value reads

    public override void OnValueRead(Tensor t)
    {
        if (!IsTraced(t)) return;
        Warnings.Warn("TracerWarning",
            "Converting a tensor to a C# value might cause the trace to be incorrect. We can't record the data flow of "
            + "C# values, so this value will be treated as a constant in the future. This means that the trace might "
            + "not generalize to other inputs!", CallerLocation());
    }

    /// <summary>The first C# source line outside Flint on the stack (file:line:column), as PyTorch's "# file:line:0".</summary>
    internal static string? CallerLocation()
    {
        var st = new StackTrace(1, true);
        foreach (var fr in st.GetFrames())
        {
            var m = fr.GetMethod();
            if (m?.DeclaringType?.Assembly == FlintAssembly) continue;
            var file = fr.GetFileName();
            if (file is null) continue;
            return $"{file}:{fr.GetFileLineNumber()}:{fr.GetFileColumnNumber()}";
        }
        return null;
    }
}
