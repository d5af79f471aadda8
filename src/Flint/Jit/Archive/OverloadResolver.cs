using Flint.Graphs;

namespace Flint.Jit.Archive;

/// <summary>
/// Picks the registered schema a TorchScript call means, as TorchScript's own resolver does: among the overloads
/// of the name, those whose arguments accept the call's values (positional, then by keyword, the rest from
/// defaults); the one needing the fewest implicit conversions (int to float, a number to Scalar) wins, ties to
/// the first registered.
/// </summary>
internal static class OverloadResolver
{
    public readonly record struct Match(OpSchema Schema, Value?[] Bound, object?[] Defaults);

    public static Match? Resolve(string name, IReadOnlyList<Value> args, IReadOnlyList<(string Name, Value Value)> kwargs)
    {
        Match? best = null;
        int bestCost = int.MaxValue;
        foreach (var s in OpRegistry.Overloads(name))
        {
            if (TryBind(s, args, kwargs, out var bound, out var defaults, out int cost) && cost < bestCost)
            {
                best = new Match(s, bound, defaults);
                bestCost = cost;
            }
        }
        return best;
    }

    private static bool TryBind(OpSchema s, IReadOnlyList<Value> args, IReadOnlyList<(string Name, Value Value)> kwargs,
        out Value?[] bound, out object?[] defaults, out int cost)
    {
        int n = s.Arguments.Count;
        bound = new Value?[n];
        defaults = new object?[n];
        cost = 0;
        if (args.Count > n) return false;
        for (int i = 0; i < args.Count; i++)
        {
            if (s.Arguments[i].KwargOnly) return false;
            bound[i] = args[i];
        }
        foreach (var (kw, v) in kwargs)
        {
            int i = s.ArgumentIndex(kw);
            if (i < 0 || bound[i] is not null) return false;
            bound[i] = v;
        }
        for (int i = 0; i < n; i++)
        {
            var a = s.Arguments[i];
            if (bound[i] is null)
            {
                if (!a.HasDefault) return false;
                defaults[i] = a.Default;
                continue;
            }
            int c = Cost(a.Type, bound[i]!.Type, a.ListSize);
            if (c < 0) return false;
            cost += c;
        }
        return true;
    }

    /// <summary>How many conversions passing <paramref name="actual"/> for <paramref name="formal"/> takes; -1: it cannot.</summary>
    public static int Cost(JitType formal, JitType actual, int listSize = 0)
    {
        if (formal == JitType.Any) return 3;
        if (formal.IsTensor) return actual.IsTensor ? 0 : -1;
        switch (formal)
        {
            case OptionalType o:
                if (actual == JitType.None) return 0;
                if (actual is OptionalType ao) return Cost(o.Element, ao.Element, listSize);
                return Cost(o.Element, actual, listSize);
            case ListType l:
                if (actual is ListType al)
                {
                    if (l.Element == JitType.Any) return 1;
                    if (al.Element == JitType.Any) return 1;   // an empty list literal
                    int c = Cost(l.Element, al.Element);
                    return c == 0 ? 0 : -1;   // lists are invariant
                }
                // int[2] given one int repeats it
                return listSize > 0 && l.Element == JitType.Int && actual == JitType.Int ? 1 : -1;
            case TupleType t:
                if (actual is not TupleType at || at.Elements.Count != t.Elements.Count) return -1;
                int sum = 0;
                for (int i = 0; i < t.Elements.Count; i++)
                {
                    int c = Cost(t.Elements[i], at.Elements[i]);
                    if (c < 0) return -1;
                    sum += c;
                }
                return sum;
            case ClassType ct:
                return actual is ClassType ac && ac.QualifiedName == ct.QualifiedName ? 0 : -1;
        }
        if (ReferenceEquals(formal, actual) || formal.ToString() == actual.ToString()) return 0;
        if (formal == JitType.Float && actual == JitType.Int) return 1;
        if (formal == JitType.Number && (actual == JitType.Int || actual == JitType.Float || actual == JitType.Bool)) return 2;
        return -1;
    }

    /// <summary>
    /// The type of a return declared with a type variable (t, t[]): taken from the argument declared with it.
    /// </summary>
    public static JitType ReturnType(OpSchema s, int r, Value?[] bound)
    {
        var declared = s.Returns[r].Type;
        if (!ContainsAny(declared)) return declared;
        JitType? t = null;
        for (int i = 0; i < s.Arguments.Count && t is null; i++)
        {
            var formal = s.Arguments[i].Type;
            var actual = bound[i]?.Type;
            if (actual is null) continue;
            if (formal == JitType.Any) t = actual;
            else if (formal is ListType { Element: var e } && e == JitType.Any && actual is ListType al) t = al.Element;
        }
        t ??= JitType.Any;
        return declared == JitType.Any ? t : declared is ListType ? JitType.ListOf(t) : declared;
    }

    private static bool ContainsAny(JitType t) => t == JitType.Any || t is ListType { Element: var e } && e == JitType.Any;
}
