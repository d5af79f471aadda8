namespace Flint.Graphs;

/// <summary>One argument of an op schema: name, type, default, keyword-only, and whether the op writes to it.</summary>
public sealed record SchemaArgument(string Name, JitType Type, bool HasDefault, object? Default, bool KwargOnly,
    bool IsWrite = false, int ListSize = 0)
{
    public override string ToString() => $"{Type} {Name}";
}

/// <summary>One return of an op schema.</summary>
public sealed record SchemaReturn(JitType Type, string? Name = null);

/// <summary>
/// An op's signature as ATen declares it (native_functions.yaml):
/// <c>aten::add.Tensor(Tensor self, Tensor other, *, Scalar alpha=1) -> Tensor</c>. Aten nodes carry one input per
/// argument, in this order; the overload name tells same-named schemas apart.
/// </summary>
public sealed class OpSchema
{
    public OpSchema(string name, string overload, IReadOnlyList<SchemaArgument> arguments, IReadOnlyList<SchemaReturn> returns)
    {
        Name = name; Overload = overload; Arguments = arguments; Returns = returns;
        var bare = name[(name.IndexOf("::", StringComparison.Ordinal) + 2)..];
        IsInPlace = bare.EndsWith('_') || arguments.Any(a => a.IsWrite);
    }

    /// <summary>"aten::add" — the node kind.</summary>
    public string Name { get; }

    /// <summary>"Tensor" in aten::add.Tensor; "" for the default overload.</summary>
    public string Overload { get; }

    /// <summary>Name and overload: the registry key (aten::add.Tensor).</summary>
    public string QualifiedName => Overload.Length == 0 ? Name : Name + "." + Overload;

    public IReadOnlyList<SchemaArgument> Arguments { get; }
    public IReadOnlyList<SchemaReturn> Returns { get; }

    /// <summary>Writes into an argument (add_, copy_): never removed or merged by passes.</summary>
    public bool IsInPlace { get; }

    /// <summary>Runs the op from argument values (set by <see cref="OpRegistry.Register"/>).</summary>
    public Func<OpArgs, object?>? Invoker { get; init; }

    /// <summary>Draws random numbers (dropout, bernoulli): two calls differ, so CSE and constant folding skip it.</summary>
    public bool IsNondeterministic { get; init; }

    /// <summary>The index of the argument called <paramref name="name"/>, or -1.</summary>
    public int ArgumentIndex(string name)
    {
        for (int i = 0; i < Arguments.Count; i++) if (Arguments[i].Name == name) return i;
        return -1;
    }

    /// <summary>Parses a schema string in ATen's syntax.</summary>
    public static OpSchema Parse(string text) => SchemaParser.Parse(text);

    public override string ToString()
    {
        var args = new List<string>();
        bool kw = false;
        foreach (var a in Arguments)
        {
            if (a.KwargOnly && !kw) { args.Add("*"); kw = true; }
            args.Add(a.HasDefault ? $"{a.Type} {a.Name}={SchemaParser.FormatDefault(a.Default)}" : $"{a.Type} {a.Name}");
        }
        var rets = Returns.Count == 1 ? Returns[0].Type.ToString() : "(" + string.Join(", ", Returns.Select(r => r.Type)) + ")";
        return $"{QualifiedName}({string.Join(", ", args)}) -> {rets}";
    }
}
