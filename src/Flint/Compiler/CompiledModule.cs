using System.Runtime.CompilerServices;
using Flint.NN;

namespace Flint.Compiler;

/// <summary>
/// What <c>Torch.Compile(module)</c> returns (PyTorch's OptimizedModule): a module of the same call type whose
/// only child is the original module, <c>_orig_mod</c> — same parameters, buffers and training flags — and whose
/// calls run through the compiled function.
/// </summary>
public sealed class CompiledModule<TIn, TOut> : Module<TIn, TOut>
{
    private readonly Module<TIn, TOut> _orig_mod;
    private readonly CompiledFunction _compiled;

    internal CompiledModule(Module<TIn, TOut> module, CompileOptions options)
    {
        _orig_mod = module;
        _compiled = new CompiledFunction(module.GetType().Name + ".forward", module, options);
    }

    /// <summary>The module that was compiled.</summary>
    public Module<TIn, TOut> OriginalModule => _orig_mod;

    public override TOut Forward(TIn input)
        => (TOut)_compiled.Call(Arguments.Flatten(input), () => _orig_mod.Call(input))!;

    internal CompiledFunction Function => _compiled;
}

/// <summary>A compiled region's arguments as the flat list its guards check (tuples flattened).</summary>
internal static class Arguments
{
    public static object?[] Flatten(object? input)
    {
        if (input is Tensor t) return [t];
        if (input is not ITuple tuple) return [input];
        var list = new List<object?>();
        for (int i = 0; i < tuple.Length; i++) list.AddRange(Flatten(tuple[i]));
        return list.ToArray();
    }
}
