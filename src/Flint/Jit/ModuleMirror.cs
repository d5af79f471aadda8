using Flint.NN;

namespace Flint.Jit;

/// <summary>
/// The ScriptModule tree of a module tree: same names, the same Parameter and buffer objects (so training a traced
/// module trains the original's weights), each module's training flag, and TorchScript class names.
/// </summary>
internal static class ModuleMirror
{
    public static ScriptModule Build(Module m)
    {
        var made = new Dictionary<Module, ScriptModule>(ReferenceEqualityComparer.Instance);
        var root = Mirror(m, made);
        foreach (var (orig, script) in made) script.TrainSelf(orig.Training);
        return root;
    }

    private static ScriptModule Mirror(Module m, Dictionary<Module, ScriptModule> made)
    {
        if (made.TryGetValue(m, out var done)) return done;
        var s = new ScriptModule(TorchScriptNames.For(m), m.GetName());
        made[m] = s;
        foreach (var (name, p) in m.LocalParameters()) s.AddParameter(name, p);
        foreach (var (name, b, persistent) in m.LocalBuffers()) s.AddBuffer(name, b, persistent);
        foreach (var (name, child) in m.LocalModules()) s.AddSubmodule(name, Mirror(child, made));
        return s;
    }
}
