namespace Flint.Autograd;

/// <summary>Thread-local autograd switches: grad mode (NoGrad/EnableGrad), inference mode, anomaly detection.</summary>
public static class GradMode
{
    [ThreadStatic] private static bool _disabled;
    [ThreadStatic] private static bool _inference;
    private static volatile bool _anomaly;

    public static bool IsEnabled { get => !_disabled; set => _disabled = !value; }
    public static bool IsInferenceMode { get => _inference; internal set => _inference = value; }
    public static bool IsAnomalyEnabled { get => _anomaly; set => _anomaly = value; }
}

/// <summary>A using-scope that sets grad mode and restores the previous value on Dispose.</summary>
public sealed class GradModeScope : IDisposable
{
    private readonly bool _prevEnabled, _prevInference;
    internal GradModeScope(bool enabled, bool inference = false)
    {
        _prevEnabled = GradMode.IsEnabled;
        _prevInference = GradMode.IsInferenceMode;
        GradMode.IsEnabled = enabled;
        if (inference) GradMode.IsInferenceMode = true;
    }
    public void Dispose()
    {
        GradMode.IsEnabled = _prevEnabled;
        GradMode.IsInferenceMode = _prevInference;
    }
}

/// <summary>A using-scope that turns on anomaly detection: backward names the forward op whose gradient became NaN.</summary>
public sealed class AnomalyScope : IDisposable
{
    private readonly bool _prev = GradMode.IsAnomalyEnabled;
    internal AnomalyScope(bool enabled) => GradMode.IsAnomalyEnabled = enabled;
    public void Dispose() => GradMode.IsAnomalyEnabled = _prev;
}
