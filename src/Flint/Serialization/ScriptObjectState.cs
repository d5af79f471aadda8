namespace Flint.Serialization;

/// <summary>
/// A TorchScript object in an archive's data.pkl: the class it names (<c>__torch__.CustomModel</c>) and the
/// attribute dict its BUILD gives it. The unpickler makes one of these instead of constructing anything; the
/// archive loader turns it into a ScriptModule using the class's compiled code.
/// </summary>
internal sealed class ScriptObjectState(string qualifiedName)
{
    /// <summary>module.Class as pickled (the module is the code file's dotted path under __torch__).</summary>
    public string QualifiedName { get; } = qualifiedName;

    /// <summary>The attributes, in the order they were pickled.</summary>
    public OrderedDict State { get; set; } = new(isOrderedDict: false);
}
