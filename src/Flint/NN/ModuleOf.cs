namespace Flint.NN;

/// <summary>
/// A module with one input: implement <see cref="Forward"/>; call it through <see cref="Call"/> (what containers
/// do, and what PyTorch's module(x) does), which also runs the forward pre-hooks and hooks. Calling Forward
/// directly skips the hooks, as calling .forward() does in PyTorch.
/// </summary>
public abstract class Module<TIn, TOut> : Module
{
    private List<Func<Module<TIn, TOut>, TIn, TIn>>? _preHooks;
    private List<Func<Module<TIn, TOut>, TIn, TOut, TOut>>? _hooks;

    public abstract TOut Forward(TIn input);

    public TOut Call(TIn input)
    {
        if (ModuleCalls.Installed != 0 && ModuleCalls.Current is { } o) return ModuleCalls.Observe(o, this, [input], () => CallCore(input));
        return CallCore(input);
    }

    private TOut CallCore(TIn input)
    {
        if (_preHooks is null && _hooks is null) return Forward(input);
        if (_preHooks is not null) foreach (var h in _preHooks.ToArray()) input = h(this, input);
        var output = Forward(input);
        if (_hooks is not null) foreach (var h in _hooks.ToArray()) output = h(this, input, output);
        return output;
    }

    /// <summary>A hook run before Forward; it returns the input to use (return the one given to keep it).</summary>
    public RemovableHandle RegisterForwardPreHook(Func<Module<TIn, TOut>, TIn, TIn> hook)
    {
        (_preHooks ??= new()).Add(hook);
        return new RemovableHandle(() => { _preHooks.Remove(hook); if (_preHooks.Count == 0) _preHooks = null; });
    }

    public RemovableHandle RegisterForwardPreHook(Action<Module<TIn, TOut>, TIn> hook)
        => RegisterForwardPreHook((m, x) => { hook(m, x); return x; });

    /// <summary>A hook run after Forward with the input and output; it returns the output to use.</summary>
    public RemovableHandle RegisterForwardHook(Func<Module<TIn, TOut>, TIn, TOut, TOut> hook)
    {
        (_hooks ??= new()).Add(hook);
        return new RemovableHandle(() => { _hooks.Remove(hook); if (_hooks.Count == 0) _hooks = null; });
    }

    public RemovableHandle RegisterForwardHook(Action<Module<TIn, TOut>, TIn, TOut> hook)
        => RegisterForwardHook((m, x, y) => { hook(m, x, y); return y; });
}

/// <summary>A module with two inputs (a loss takes input and target).</summary>
public abstract class Module<T1, T2, TOut> : Module
{
    private List<Func<Module<T1, T2, TOut>, (T1, T2), (T1, T2)>>? _preHooks;
    private List<Func<Module<T1, T2, TOut>, (T1, T2), TOut, TOut>>? _hooks;

    public abstract TOut Forward(T1 input1, T2 input2);

    public TOut Call(T1 input1, T2 input2)
    {
        if (ModuleCalls.Installed != 0 && ModuleCalls.Current is { } o)
            return ModuleCalls.Observe(o, this, [input1, input2], () => CallCore(input1, input2));
        return CallCore(input1, input2);
    }

    private TOut CallCore(T1 input1, T2 input2)
    {
        if (_preHooks is null && _hooks is null) return Forward(input1, input2);
        var args = (input1, input2);
        if (_preHooks is not null) foreach (var h in _preHooks.ToArray()) args = h(this, args);
        var output = Forward(args.Item1, args.Item2);
        if (_hooks is not null) foreach (var h in _hooks.ToArray()) output = h(this, args, output);
        return output;
    }

    public RemovableHandle RegisterForwardPreHook(Func<Module<T1, T2, TOut>, (T1, T2), (T1, T2)> hook)
    {
        (_preHooks ??= new()).Add(hook);
        return new RemovableHandle(() => { _preHooks.Remove(hook); if (_preHooks.Count == 0) _preHooks = null; });
    }

    public RemovableHandle RegisterForwardHook(Func<Module<T1, T2, TOut>, (T1, T2), TOut, TOut> hook)
    {
        (_hooks ??= new()).Add(hook);
        return new RemovableHandle(() => { _hooks.Remove(hook); if (_hooks.Count == 0) _hooks = null; });
    }

    public RemovableHandle RegisterForwardHook(Action<Module<T1, T2, TOut>, (T1, T2), TOut> hook)
        => RegisterForwardHook((m, x, y) => { hook(m, x, y); return y; });
}

/// <summary>A module with three inputs (attention takes query, key and value).</summary>
public abstract class Module<T1, T2, T3, TOut> : Module
{
    private List<Func<Module<T1, T2, T3, TOut>, (T1, T2, T3), (T1, T2, T3)>>? _preHooks;
    private List<Func<Module<T1, T2, T3, TOut>, (T1, T2, T3), TOut, TOut>>? _hooks;

    public abstract TOut Forward(T1 input1, T2 input2, T3 input3);

    public TOut Call(T1 input1, T2 input2, T3 input3)
    {
        if (ModuleCalls.Installed != 0 && ModuleCalls.Current is { } o)
            return ModuleCalls.Observe(o, this, [input1, input2, input3], () => CallCore(input1, input2, input3));
        return CallCore(input1, input2, input3);
    }

    private TOut CallCore(T1 input1, T2 input2, T3 input3)
    {
        if (_preHooks is null && _hooks is null) return Forward(input1, input2, input3);
        var args = (input1, input2, input3);
        if (_preHooks is not null) foreach (var h in _preHooks.ToArray()) args = h(this, args);
        var output = Forward(args.Item1, args.Item2, args.Item3);
        if (_hooks is not null) foreach (var h in _hooks.ToArray()) output = h(this, args, output);
        return output;
    }

    public RemovableHandle RegisterForwardPreHook(Func<Module<T1, T2, T3, TOut>, (T1, T2, T3), (T1, T2, T3)> hook)
    {
        (_preHooks ??= new()).Add(hook);
        return new RemovableHandle(() => { _preHooks.Remove(hook); if (_preHooks.Count == 0) _preHooks = null; });
    }

    public RemovableHandle RegisterForwardHook(Func<Module<T1, T2, T3, TOut>, (T1, T2, T3), TOut, TOut> hook)
    {
        (_hooks ??= new()).Add(hook);
        return new RemovableHandle(() => { _hooks.Remove(hook); if (_hooks.Count == 0) _hooks = null; });
    }

    public RemovableHandle RegisterForwardHook(Action<Module<T1, T2, T3, TOut>, (T1, T2, T3), TOut> hook)
        => RegisterForwardHook((m, x, y) => { hook(m, x, y); return y; });
}
