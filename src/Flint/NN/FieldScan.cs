using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using System.Reflection;

namespace Flint.NN;

internal enum SlotKind { Module, Tensor }

/// <summary>One registrable field of a Module subclass: its state-dict name and what it can hold.</summary>
internal sealed record FieldSlot(FieldInfo Field, string Name, SlotKind Kind, bool NonPersistent);

/// <summary>
/// Finds, once per type, the fields a Module subclass registers: instance fields whose declared type is a Module or
/// a Tensor, base class first, each class's fields in declaration order (the metadata order, which is what
/// GetFields(DeclaredOnly) returns). An auto-property's backing field takes the property's name.
/// </summary>
internal static class FieldScan
{
    private static readonly ConcurrentDictionary<Type, FieldSlot[]> Cache = new();

    public static FieldSlot[] For([DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicFields | DynamicallyAccessedMemberTypes.NonPublicFields)] Type type)
        => Cache.TryGetValue(type, out var s) ? s : Cache.GetOrAdd(type, Scan(type));

    [UnconditionalSuppressMessage("Trimming", "IL2070", Justification = "Module carries a type-hierarchy [DynamicallyAccessedMembers(PublicFields | NonPublicFields)], so every Module subclass (each base in the chain is one) keeps its fields.")]
    [UnconditionalSuppressMessage("Trimming", "IL2072", Justification = "As above: every type in the chain derives from Module.")]
    [UnconditionalSuppressMessage("Trimming", "IL2075", Justification = "As above: every type in the chain derives from Module.")]
    private static FieldSlot[] Scan(Type type)
    {
        var chain = new List<Type>();
        for (var t = type; t is not null && t != typeof(Module); t = t.BaseType) chain.Add(t);
        chain.Reverse();
        var slots = new List<FieldSlot>();
        const BindingFlags flags = BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly;
        foreach (var t in chain)
        {
            // Flint's own generic bases (Module<TIn, TOut> …) hold hooks, never registrable state.
            if (t.Assembly == typeof(Module).Assembly && t.IsGenericType && t.Namespace == typeof(Module).Namespace && t.Name.StartsWith("Module`", StringComparison.Ordinal)) continue;
            foreach (var f in t.GetFields(flags))
            {
                SlotKind kind;
                if (typeof(Module).IsAssignableFrom(f.FieldType)) kind = SlotKind.Module;
                else if (typeof(Tensor).IsAssignableFrom(f.FieldType)) kind = SlotKind.Tensor;
                else continue;
                if (f.IsDefined(typeof(NotRegisteredAttribute), false)) continue;
                slots.Add(new FieldSlot(f, NameOf(f), kind, f.IsDefined(typeof(NonPersistentAttribute), false)));
            }
        }
        return slots.ToArray();
    }

    /// <summary>"hidden" for a field named hidden; "Hidden" for the backing field of an auto-property Hidden.</summary>
    private static string NameOf(FieldInfo f)
    {
        var n = f.Name;
        if (n.Length > 0 && n[0] == '<')
        {
            int end = n.IndexOf('>');
            if (end > 1) return n.Substring(1, end - 1);
        }
        return n;
    }
}
