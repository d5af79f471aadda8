namespace Flint.Graphs;

/// <summary>
/// An object a graph's <c>%self</c> (or any class-typed value) stands for at run time: the interpreter reads its
/// attributes (<c>prim::GetAttr</c>) and calls its methods (<c>prim::CallMethod</c>) through this interface.
/// </summary>
public interface IScriptObject
{
    /// <summary>A submodule, parameter, buffer or constant attribute by name.</summary>
    object? GetAttr(string name);

    /// <summary>Runs a method's graph on the arguments (self excluded).</summary>
    object? CallMethod(string name, object?[] arguments);
}
