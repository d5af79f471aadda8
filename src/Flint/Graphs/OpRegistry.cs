using Flint.Graphs.Schemas;

namespace Flint.Graphs;

/// <summary>A dispatched op call as a schema invocation: the schema and its arguments in schema order.</summary>
public readonly record struct SchemaCall(OpSchema Schema, object?[] Arguments);

/// <summary>
/// The op schema registry: every op a graph may call, by qualified name (aten::add.Tensor), each with an invoker
/// that runs it from argument values through Flint's public API or the dispatcher (so autograd, NoGrad and
/// dispatch modes apply). Schemas are declared one line each in <c>Graphs/Schemas/</c>; an op's
/// <see cref="Op.Bind"/> turns a dispatched call back into one of them (that is how tracing records nodes).
/// </summary>
public static class OpRegistry
{
    private static readonly Dictionary<string, OpSchema> ByQualifiedName = new();
    private static readonly Dictionary<string, List<OpSchema>> ByName = new();
    private static readonly object Gate = new();

    static OpRegistry()
    {
        lock (Gate) SchemaTable.RegisterAll();
    }

    /// <summary>Declares a schema (ATen syntax) with the function that runs it; returns the parsed schema.</summary>
    public static OpSchema Register(string schema, Func<OpArgs, object?> invoke, bool nondeterministic = false)
    {
        var s = OpSchema.Parse(schema);
        s = new OpSchema(s.Name, s.Overload, s.Arguments, s.Returns) { IsNondeterministic = nondeterministic, Invoker = invoke };
        lock (Gate)
        {
            ByQualifiedName[s.QualifiedName] = s;
            if (!ByName.TryGetValue(s.Name, out var list)) ByName[s.Name] = list = new();
            list.RemoveAll(x => x.Overload == s.Overload);
            list.Add(s);
        }
        return s;
    }

    /// <summary>The schema registered under a qualified name, or null.</summary>
    public static OpSchema? Find(string qualifiedName)
    {
        lock (Gate) return ByQualifiedName.GetValueOrDefault(qualifiedName);
    }

    /// <summary>The schema registered under a qualified name; a clear error names the op when there is none.</summary>
    public static OpSchema Get(string qualifiedName)
        => Find(qualifiedName) ?? throw new NotSupportedException(
            $"Unknown builtin op: {qualifiedName}. Flint has no schema for it: declare it in src/Flint/Graphs/Schemas/.");

    /// <summary>Every overload registered for a node kind (aten::add).</summary>
    public static IReadOnlyList<OpSchema> Overloads(string name)
    {
        lock (Gate) return ByName.TryGetValue(name, out var l) ? l.ToArray() : [];
    }

    /// <summary>Every registered schema.</summary>
    public static IReadOnlyList<OpSchema> All
    {
        get { lock (Gate) return ByQualifiedName.Values.ToArray(); }
    }

    /// <summary>Runs a schema on argument values (one per schema argument, in order).</summary>
    public static object? Invoke(OpSchema schema, object?[] arguments)
        => (schema.Invoker ?? throw new NotSupportedException($"{schema.QualifiedName} has no invoker"))(new OpArgs(arguments));

    /// <summary>
    /// A dispatched call (op + inputs) as a schema invocation. Ops with attributes say how in <see cref="Op.Bind"/>;
    /// an op without attributes matches the default overload of aten::&lt;Name&gt; whose tensor arguments take its
    /// inputs in order and whose other arguments have defaults.
    /// </summary>
    public static SchemaCall Bind(Op op, Tensor?[] inputs)
    {
        if (op.Bind(inputs) is { } call) return call;
        var attrs = op.FormatAttributes();
        if (attrs.Length == 0)
            foreach (var schema in Overloads("aten::" + op.Name))
                if (TryBindTensorsOnly(schema, inputs, out var args)) return new SchemaCall(schema, args);
        throw new NotSupportedException(
            $"no schema binding for aten::{op.Name}{(attrs.Length > 0 ? "(" + attrs + ")" : "")} (Flint op {op.GetType().Name}): "
            + "declare its schema in src/Flint/Graphs/Schemas/ and override Op.Bind if it has attributes");
    }

    private static bool TryBindTensorsOnly(OpSchema schema, Tensor?[] inputs, out object?[] args)
    {
        args = new object?[schema.Arguments.Count];
        int next = 0;
        for (int i = 0; i < args.Length; i++)
        {
            var a = schema.Arguments[i];
            bool tensorArg = a.Type.IsTensor || a.Type is OptionalType { Element.IsTensor: true };
            if (tensorArg && next < inputs.Length) args[i] = inputs[next++];
            else if (a.HasDefault) args[i] = a.Default;
            else return false;
        }
        return next == inputs.Length;
    }

    /// <summary>A call of the schema registered as <paramref name="qualifiedName"/> (for <see cref="Op.Bind"/>).</summary>
    public static SchemaCall Call(string qualifiedName, params object?[] arguments)
    {
        var s = Get(qualifiedName);
        if (arguments.Length != s.Arguments.Count)
            throw new ArgumentException($"{qualifiedName} takes {s.Arguments.Count} arguments, got {arguments.Length}");
        for (int i = 0; i < arguments.Length; i++) arguments[i] = Constants.Normalize(arguments[i]);
        return new SchemaCall(s, arguments);
    }
}
