namespace Flint;

/// <summary>A warning as Python's warnings module would show it: category (TracerWarning), message, C# location.</summary>
public sealed record Warning(string Category, string Message, string? Location)
{
    public override string ToString() => (Location is null ? "" : Location + ": ") + Category + ": " + Message;
}

/// <summary>
/// Python's warnings for Flint: a warning goes to the recorders active on the thread (<see cref="Record"/>, like
/// warnings.catch_warnings(record=True)), else to <see cref="Raised"/> handlers, else once per message and location
/// to standard error (Python's default filter).
/// </summary>
public static class Warnings
{
    [ThreadStatic] private static List<List<Warning>>? _recorders;
    private static readonly HashSet<(string, string?)> Shown = new();

    /// <summary>Handlers that see every warning not caught by a recorder.</summary>
    public static event Action<Warning>? Raised;

    /// <summary>Collects this thread's warnings into <paramref name="warnings"/> until the scope is disposed.</summary>
    public static IDisposable Record(out List<Warning> warnings)
    {
        var list = warnings = new List<Warning>();
        (_recorders ??= new()).Add(list);
        return new Scope(() => _recorders!.Remove(list));
    }

    /// <summary>Issues a warning.</summary>
    public static void Warn(string category, string message, string? location = null)
    {
        var w = new Warning(category, message, location);
        if (_recorders is { Count: > 0 } r) { r[^1].Add(w); return; }
        if (Raised is { } h) { h(w); return; }
        lock (Shown) if (!Shown.Add((message, location))) return;
        Console.Error.WriteLine(w);
    }

    private sealed class Scope(Action dispose) : IDisposable
    {
        private Action? _dispose = dispose;
        public void Dispose() { _dispose?.Invoke(); _dispose = null; }
    }
}
