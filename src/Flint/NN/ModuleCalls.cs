namespace Flint.NN;

/// <summary>Sees every <c>Module.Call</c> on its thread (the tracer records module scopes with it).</summary>
internal interface IModuleCallObserver
{
    void Enter(Module module, object?[] inputs);
    void Exit(Module module, object? output);
    void Fail(Module module);
}

/// <summary>
/// The observer hook of <c>Module.Call</c>. Calls check a plain static count first, so with no observer anywhere
/// a module call pays one static read.
/// </summary>
internal static class ModuleCalls
{
    internal static int Installed;
    [ThreadStatic] internal static IModuleCallObserver? Current;

    public static IDisposable Install(IModuleCallObserver observer)
    {
        if (Current is not null) throw new InvalidOperationException("a module-call observer is already installed on this thread");
        Current = observer;
        Interlocked.Increment(ref Installed);
        return new Uninstall();
    }

    private sealed class Uninstall : IDisposable
    {
        private bool _done;
        public void Dispose()
        {
            if (_done) return;
            _done = true;
            Current = null;
            Interlocked.Decrement(ref Installed);
        }
    }

    public static TOut Observe<TOut>(IModuleCallObserver o, Module m, object?[] inputs, Func<TOut> run)
    {
        o.Enter(m, inputs);
        TOut result;
        try { result = run(); }
        catch { o.Fail(m); throw; }
        o.Exit(m, result);
        return result;
    }
}
