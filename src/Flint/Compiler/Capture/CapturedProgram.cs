using Flint.Autograd;
using Flint.NN;

namespace Flint.Compiler.Capture;

/// <summary>
/// What one capture of a compiled region produced: its segments (graphs between breaks) and the guards that say
/// when they still apply — per tensor argument its <see cref="TensorGuard"/>, and the global state the capture
/// ran under (grad mode, inference mode, default dtype, each module's training flag).
/// </summary>
internal sealed class CapturedProgram
{
    public readonly List<Segment> Segments;
    public readonly TensorGuard?[] ArgumentGuards;
    public readonly bool GradEnabled = GradMode.IsEnabled, InferenceMode = GradMode.IsInferenceMode;
    public readonly DType DefaultDType = Torch.DefaultDType;
    public readonly bool[] TrainingFlags;

    public CapturedProgram(List<Segment> segments, object?[] arguments, Module? module)
    {
        Segments = segments;
        ArgumentGuards = arguments.Select(a => a is Tensor t ? new TensorGuard(t) : null).ToArray();
        TrainingFlags = module is null ? [] : module.Modules().Select(m => m.Training).ToArray();
    }

    /// <summary>Null when the program applies to this call; otherwise the first guard that failed.</summary>
    public string? Check(object?[] arguments, Module? module)
    {
        if (GradMode.IsEnabled != GradEnabled) return $"grad mode mismatch: expected {GradEnabled}";
        if (GradMode.IsInferenceMode != InferenceMode) return $"inference mode mismatch: expected {InferenceMode}";
        if (Torch.DefaultDType != DefaultDType) return $"default dtype mismatch: expected {DefaultDType.Name()}";
        if (arguments.Length != ArgumentGuards.Length)
            return $"argument count mismatch: expected {ArgumentGuards.Length}, actual {arguments.Length}";
        for (int i = 0; i < arguments.Length; i++)
        {
            var g = ArgumentGuards[i];
            if (g is null) continue;
            if (arguments[i] is not Tensor t) return $"argument {i} is no longer a tensor";
            if (g.Check(t) is { } why) return $"tensor 'L[{i}]' {why}";
        }
        if (module is not null)
        {
            int k = 0;
            foreach (var m in module.Modules())
            {
                if (k >= TrainingFlags.Length || m.Training != TrainingFlags[k])
                    return $"training mode mismatch for module {m.GetType().Name}: expected {!m.Training}";
                k++;
            }
        }
        return null;
    }

    public int GraphCount => Segments.Count(s => !s.IsEmpty);
    public int BreakCount => Segments.Count(s => s.BreakReason is not null);
}
