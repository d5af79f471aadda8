namespace Flint.Jit;

/// <summary>
/// The TorchScript class names of modules: Flint's layers get PyTorch's (<c>__torch__.torch.nn.modules.linear.Linear</c>),
/// a user's module class gets <c>__torch__.&lt;ClassName&gt;</c> (PyTorch's name for a class defined in __main__).
/// </summary>
public static class TorchScriptNames
{
    private static readonly Dictionary<string, string> NNFiles = Build(
        ("linear", "Linear Identity Bilinear NonDynamicallyQuantizableLinear"),
        ("activation", "ReLU ReLU6 LeakyReLU ELU CELU SELU SiLU Mish Hardswish Hardsigmoid GELU Sigmoid Tanh Softsign "
                       + "LogSigmoid Tanhshrink Softplus Hardtanh Threshold Softshrink Hardshrink GLU PReLU Softmax "
                       + "LogSoftmax Softmin Softmax2d MultiheadAttention"),
        ("conv", "Conv1d Conv2d Conv3d ConvTranspose1d ConvTranspose2d ConvTranspose3d"),
        ("dropout", "Dropout Dropout1d Dropout2d Dropout3d AlphaDropout FeatureAlphaDropout"),
        ("sparse", "Embedding EmbeddingBag"),
        ("flatten", "Flatten Unflatten"),
        ("batchnorm", "BatchNorm1d BatchNorm2d BatchNorm3d"),
        ("instancenorm", "InstanceNorm1d InstanceNorm2d InstanceNorm3d"),
        ("normalization", "LayerNorm GroupNorm LocalResponseNorm"),
        ("pooling", "MaxPool1d MaxPool2d MaxPool3d AvgPool1d AvgPool2d AvgPool3d AdaptiveAvgPool1d AdaptiveAvgPool2d "
                    + "AdaptiveAvgPool3d AdaptiveMaxPool1d AdaptiveMaxPool2d AdaptiveMaxPool3d MaxUnpool1d MaxUnpool2d"),
        ("rnn", "RNN LSTM GRU RNNCell LSTMCell GRUCell"),
        ("transformer", "TransformerEncoderLayer TransformerDecoderLayer TransformerEncoder TransformerDecoder Transformer"),
        ("pixelshuffle", "PixelShuffle PixelUnshuffle"),
        ("upsampling", "Upsample UpsamplingNearest2d UpsamplingBilinear2d"),
        ("fold", "Unfold Fold"),
        ("container", "Sequential ModuleList ModuleDict ParameterList ParameterDict"),
        ("loss", "CrossEntropyLoss NLLLoss MSELoss L1Loss SmoothL1Loss HuberLoss BCELoss BCEWithLogitsLoss KLDivLoss"));

    private static Dictionary<string, string> Build(params (string File, string Classes)[] rows)
    {
        var d = new Dictionary<string, string>();
        foreach (var (file, classes) in rows)
            foreach (var c in classes.Split(' ', StringSplitOptions.RemoveEmptyEntries)) d[c] = file;
        return d;
    }

    /// <summary>The qualified class name TorchScript gives a module of this kind.</summary>
    public static string For(NN.Module m)
    {
        var name = m.GetName();
        bool flintLayer = m.GetType().Namespace == "Flint.NN";
        return flintLayer && NNFiles.TryGetValue(name, out var file)
            ? $"__torch__.torch.nn.modules.{file}.{name}"
            : "__torch__." + name;
    }
}
