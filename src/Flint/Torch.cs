using Flint.Autograd;

namespace Flint;

/// <summary>The torch namespace: factories, functions, grad-mode scopes (torch.zeros → Torch.Zeros).</summary>
public static partial class Torch
{
    /// <summary>torch.get_default_dtype / set_default_dtype.</summary>
    public static DType DefaultDType { get; set; } = DType.Float32;

    public static readonly DType float32 = DType.Float32, float64 = DType.Float64, float16 = DType.Float16,
        bfloat16 = DType.BFloat16, int64 = DType.Int64, int32 = DType.Int32, int16 = DType.Int16, int8 = DType.Int8,
        uint8 = DType.UInt8, @bool = DType.Bool;

    /// <summary>using (Torch.NoGrad()) { … }: no autograd recording inside.</summary>
    public static IDisposable NoGrad() => new GradModeScope(false);
    public static IDisposable EnableGrad() => new GradModeScope(true);
    public static IDisposable SetGradEnabled(bool enabled) => new GradModeScope(enabled);
    public static bool IsGradEnabled() => GradMode.IsEnabled;
    /// <summary>Like NoGrad, and marks the scope as inference (PyTorch's inference_mode).</summary>
    public static IDisposable InferenceMode(bool enabled = true) => new GradModeScope(!enabled, inference: enabled);
    public static bool IsInferenceModeEnabled() => GradMode.IsInferenceMode;
}
