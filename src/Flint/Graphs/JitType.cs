namespace Flint.Graphs;

/// <summary>
/// The type of a graph <see cref="Value"/>, as TorchScript's type system names it: Tensor (with optional metadata),
/// int, float, bool, str, NoneType, Device, Scalar (any number), lists, tuples, optionals and classes (modules).
/// <see cref="ToString"/> is the form the graph printer shows after the colon.
/// </summary>
public abstract class JitType
{
    public static readonly JitType Int = new PrimType("int"), Float = new PrimType("float"), Bool = new PrimType("bool"),
        Str = new PrimType("str"), None = new PrimType("NoneType"), Device = new PrimType("Device"),
        Number = new PrimType("Scalar"), ScalarTypeT = new PrimType("ScalarType"), Any = new PrimType("Any");

    /// <summary>A plain tensor with no known metadata (what scripted graphs and frozen graphs show).</summary>
    public static readonly TensorType AnyTensor = new(null, null, null, null, null);

    /// <summary>The value's runtime category, for checks and the interpreter.</summary>
    public virtual bool IsTensor => false;

    /// <summary>Whether a value of type <paramref name="other"/> may be used where this type is expected.</summary>
    public virtual bool Accepts(JitType other) => Equals(other) || ToString() == other.ToString();

    public static ListType ListOf(JitType element) => new(element);
    public static OptionalType OptionalOf(JitType element) => new(element);
}

/// <summary>int, float, bool, str, NoneType, Device, Scalar: types without parameters.</summary>
public sealed class PrimType(string name) : JitType
{
    public string Name { get; } = name;

    public override bool Accepts(JitType other)
        => ReferenceEquals(this, other) || this == Any
           || (this == Number && (other == Int || other == Float || other == Bool))
           || (this == Float && other == Int);

    public override string ToString() => Name;
}

/// <summary>T[] (int[], Tensor[]).</summary>
public sealed class ListType(JitType element) : JitType
{
    public JitType Element { get; } = element;
    public override bool Accepts(JitType other) => other is ListType l && Element.Accepts(l.Element);
    public override string ToString() => Element + "[]";
}

/// <summary>T? : a value of T or None.</summary>
public sealed class OptionalType(JitType element) : JitType
{
    public JitType Element { get; } = element;
    public override bool Accepts(JitType other)
        => other == None || Element.Accepts(other) || (other is OptionalType o && Element.Accepts(o.Element));
    public override string ToString() => Element + "?";
}

/// <summary>(T1, T2, …): a fixed-size tuple.</summary>
public sealed class TupleType(IReadOnlyList<JitType> elements) : JitType
{
    public IReadOnlyList<JitType> Elements { get; } = elements;
    public override bool Accepts(JitType other)
    {
        if (other is not TupleType t || t.Elements.Count != Elements.Count) return false;
        for (int i = 0; i < Elements.Count; i++) if (!Elements[i].Accepts(t.Elements[i])) return false;
        return true;
    }
    public override string ToString() => "(" + string.Join(", ", Elements) + ")";
}

/// <summary>A module class, named as TorchScript names it (__torch__.torch.nn.modules.linear.Linear).</summary>
public sealed class ClassType(string qualifiedName) : JitType
{
    public string QualifiedName { get; } = qualifiedName;
    public override bool Accepts(JitType other) => other is ClassType c && c.QualifiedName == QualifiedName;
    public override string ToString() => QualifiedName;
}
