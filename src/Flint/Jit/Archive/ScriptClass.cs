using Flint.Graphs;

namespace Flint.Jit.Archive;

/// <summary>A class read from an archive's code: its qualified name, declarations and the file it came from.</summary>
internal sealed class ScriptClass(string qualifiedName, ClassDef def, string file)
{
    public string QualifiedName { get; } = qualifiedName;
    public ClassDef Def { get; } = def;
    public string File { get; } = file;
    public ClassType Type { get; } = new(qualifiedName);

    /// <summary>Compiled methods, by name (filled by the loader).</summary>
    public Dictionary<string, Graph> Methods { get; } = new();

    /// <summary>Each method's parameter defaults (null where there is none), self excluded.</summary>
    public Dictionary<string, object?[]> Defaults { get; } = new();

    public FuncDef? Method(string name) => Def.Methods.FirstOrDefault(m => m.Name == name);

    public AttrDecl? Attribute(string name) => Def.Attributes.FirstOrDefault(a => a.Name == name);
}
