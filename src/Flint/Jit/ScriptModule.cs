using Flint.Graphs;
using Flint.NN;

namespace Flint.Jit;

/// <summary>
/// A module run from graphs (PyTorch's ScriptModule / RecursiveScriptModule): methods are <see cref="Graph"/>s
/// whose first input is <c>%self</c>; attributes are submodules (ScriptModules), parameters and buffers (the same
/// tensor objects as the module it came from, so training updates them and gradients reach them) and constants.
/// It is built from a graph and an attribute tree alone (<see cref="DefineMethod"/>, <see cref="AddSubmodule"/>,
/// <see cref="AddParameter"/> …), so a loader needs no C# class of the original model.
/// </summary>
public class ScriptModule : Module<Tensor, Tensor>, IScriptObject
{
    private readonly Dictionary<string, Graph> _methods = new();
    private readonly Dictionary<string, object?> _constants = new();

    /// <summary>An empty module of TorchScript class <paramref name="qualifiedName"/> (__torch__.CustomModel).</summary>
    public ScriptModule(string qualifiedName, string? originalName = null)
    {
        Type = new ClassType(qualifiedName);
        OriginalName = originalName ?? qualifiedName[(qualifiedName.LastIndexOf('.') + 1)..];
    }

    /// <summary>The class type (what %self's type prints as).</summary>
    public ClassType Type { get; }

    /// <summary>The name of the class it was made from (the repr's original_name).</summary>
    public string OriginalName { get; }

    /// <summary>The forward method's graph.</summary>
    public Graph Graph => Method("forward");

    /// <summary>The forward graph with every submodule call replaced by the callee's nodes (PyTorch's inlined_graph).</summary>
    public Graph InlinedGraph => Graphs.Passes.Inline.Run(Graph.Copy(), this);

    /// <summary>The forward method as TorchScript code (PyTorch's .code).</summary>
    public string Code => CodePrinter.Print(Graph, "forward");

    /// <summary>The method names.</summary>
    public IEnumerable<string> MethodNames => _methods.Keys;

    public Graph Method(string name)
        => _methods.TryGetValue(name, out var g) ? g
            : throw new InvalidOperationException($"'{OriginalName}' object has no attribute or method '{name}'");

    public bool HasMethod(string name) => _methods.ContainsKey(name);

    /// <summary>Defines (or replaces) a method; its first input must be self.</summary>
    public void DefineMethod(string name, Graph graph)
    {
        if (graph.Inputs.Count == 0 || graph.Inputs[0].Type is not ClassType)
            throw new ArgumentException("a method's graph takes self as its first input");
        _methods[name] = graph;
    }

    public void AddSubmodule(string name, ScriptModule module) => base.RegisterModule(name, module);
    public void AddParameter(string name, Parameter p) => RegisterParameter(name, p);
    public void AddBuffer(string name, Tensor t, bool persistent = true) => RegisterBuffer(name, t, persistent);

    /// <summary>The constant attributes by name (what an archive declares as Final).</summary>
    internal IReadOnlyDictionary<string, object?> ConstantAttributes => _constants;

    /// <summary>A constant attribute (int, float, bool, str, list …).</summary>
    public void AddConstant(string name, object? value) => _constants[name] = Constants.Normalize(value);

    /// <summary>PyTorch refuses to swap a submodule of a ScriptModule for a plain module.</summary>
    public override void RegisterModule(string name, Module? module)
    {
        if (module is not ScriptModule)
            throw new InvalidOperationException(
                $"Cannot re-assign modules in a ScriptModule with non-scripted module, tried to replace existing module '{name}': {module}");
        base.RegisterModule(name, module);
    }

    /// <summary>Runs forward on any arguments (tensors, numbers, lists); returns its result (a tuple as object?[]).</summary>
    public object? Invoke(params object?[] arguments) => CallMethod("forward", arguments);

    public override Tensor Forward(Tensor input)
        => Invoke(input) as Tensor ?? throw new InvalidOperationException("forward did not return a single Tensor; use Invoke");

    /// <summary>
    /// Values for a method's trailing parameters that a call may leave out (a loaded archive's
    /// <c>def forward(self, x: Tensor, n: int=3)</c>); entry i is for parameter i after self, null where none.
    /// </summary>
    internal void SetDefaults(string method, object?[] defaults) => (_defaults ??= new())[method] = defaults;

    /// <summary>Marks a parameter without a default in <see cref="SetDefaults"/>.</summary>
    internal static readonly object NoDefault = new();

    /// <summary>The defaults set for a method (entries are <see cref="NoDefault"/> where there is none).</summary>
    internal object?[]? DefaultsOf(string method) => _defaults?.GetValueOrDefault(method);

    private Dictionary<string, object?[]>? _defaults;

    public object? CallMethod(string name, object?[] arguments)
    {
        var g = Method(name);
        if (arguments.Length < g.Inputs.Count - 1 && _defaults is not null && _defaults.TryGetValue(name, out var defaults)
            && defaults.Length == g.Inputs.Count - 1 && !defaults[arguments.Length..].Contains(NoDefault))
            arguments = [.. arguments, .. defaults[arguments.Length..]];
        var all = new object?[arguments.Length + 1];
        all[0] = this;
        Array.Copy(arguments, 0, all, 1, arguments.Length);
        var outs = Interpreter.Run(g, all);
        return outs.Length == 1 ? outs[0] : outs;
    }

    public object? GetAttr(string name)
    {
        foreach (var kv in LocalModules()) if (kv.Key == name) return kv.Value;
        foreach (var kv in LocalParameters()) if (kv.Key == name) return kv.Value;
        foreach (var (n, b, _) in LocalBuffers()) if (n == name) return b;
        if (_constants.TryGetValue(name, out var c)) return c;
        if (name == "training") return Training;
        throw new InvalidOperationException($"Module '{OriginalName}' has no attribute '{name}'");
    }

    /// <summary>The attribute's TorchScript type (for GetAttr nodes).</summary>
    public JitType AttributeType(string name) => GetAttr(name) switch
    {
        ScriptModule m => m.Type,
        Tensor => JitType.AnyTensor,
        var v => Constants.TypeOf(v),
    };

    public override string GetName() => OriginalName;
    public override string ExtraRepr() => "original_name=" + OriginalName;
}
