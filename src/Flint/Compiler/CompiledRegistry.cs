namespace Flint.Compiler;

/// <summary>Every live compiled function, so that Torch.Compiler.Reset can empty their caches.</summary>
internal static class CompiledRegistry
{
    private static readonly List<WeakReference<CompiledFunction>> Live = new();

    public static void Add(CompiledFunction f)
    {
        lock (Live)
        {
            Live.RemoveAll(w => !w.TryGetTarget(out _));
            Live.Add(new WeakReference<CompiledFunction>(f));
        }
    }

    public static void ResetAll()
    {
        lock (Live)
            foreach (var w in Live)
                if (w.TryGetTarget(out var f)) f.Reset();
    }
}
