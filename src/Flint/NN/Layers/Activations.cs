using System.Globalization;

namespace Flint.NN;

// The activation modules of torch.nn, each a thin wrapper over Functional with PyTorch's repr.

/// <summary>Base of the activations that take an inplace flag.</summary>
public abstract class InplaceActivation(bool inplace) : Module<Tensor, Tensor>
{
    public bool Inplace { get; } = inplace;
    public override string ExtraRepr() => Inplace ? "inplace=True" : "";
}

public sealed class ReLU(bool inplace = false) : InplaceActivation(inplace)
{
    public override Tensor Forward(Tensor input) => Functional.Relu(input, Inplace);
}

public sealed class ReLU6(bool inplace = false) : InplaceActivation(inplace)
{
    public override Tensor Forward(Tensor input) => Functional.Relu6(input, Inplace);
}

public sealed class LeakyReLU(double negativeSlope = 0.01, bool inplace = false) : InplaceActivation(inplace)
{
    public double NegativeSlope { get; } = negativeSlope;
    public override Tensor Forward(Tensor input) => Functional.LeakyRelu(input, NegativeSlope, Inplace);
    public override string ExtraRepr() => $"negative_slope={Py(NegativeSlope)}{(Inplace ? ", inplace=True" : "")}";
}

public sealed class ELU(double alpha = 1.0, bool inplace = false) : InplaceActivation(inplace)
{
    public double Alpha { get; } = alpha;
    public override Tensor Forward(Tensor input) => Functional.Elu(input, Alpha, Inplace);
    public override string ExtraRepr() => $"alpha={Py(Alpha)}{(Inplace ? ", inplace=True" : "")}";
}

public sealed class CELU(double alpha = 1.0, bool inplace = false) : InplaceActivation(inplace)
{
    public double Alpha { get; } = alpha;
    public override Tensor Forward(Tensor input) => Functional.Celu(input, Alpha, Inplace);
    public override string ExtraRepr() => $"alpha={Py(Alpha)}{(Inplace ? ", inplace=True" : "")}";
}

public sealed class SELU(bool inplace = false) : InplaceActivation(inplace)
{
    public override Tensor Forward(Tensor input) => Functional.Selu(input, Inplace);
}

public sealed class SiLU(bool inplace = false) : InplaceActivation(inplace)
{
    public override Tensor Forward(Tensor input) => Functional.Silu(input, Inplace);
}

public sealed class Mish(bool inplace = false) : Module<Tensor, Tensor>
{
    public bool Inplace { get; } = inplace;
    public override Tensor Forward(Tensor input) => Functional.Mish(input, Inplace);
}

public sealed class Hardswish(bool inplace = false) : Module<Tensor, Tensor>
{
    public bool Inplace { get; } = inplace;
    public override Tensor Forward(Tensor input) => Functional.Hardswish(input, Inplace);
}

public sealed class Hardsigmoid(bool inplace = false) : Module<Tensor, Tensor>
{
    public bool Inplace { get; } = inplace;
    public override Tensor Forward(Tensor input) => Functional.Hardsigmoid(input, Inplace);
}

public sealed class GELU : Module<Tensor, Tensor>
{
    public string Approximate { get; }
    public GELU(string approximate = "none")
    {
        if (approximate is not ("none" or "tanh")) throw new ArgumentException("approximate argument must be either none or tanh.");
        Approximate = approximate;
    }
    public override Tensor Forward(Tensor input) => Functional.Gelu(input, Approximate);
    public override string ExtraRepr() => $"approximate='{Approximate}'";
}

public sealed class Sigmoid : Module<Tensor, Tensor>
{
    public override Tensor Forward(Tensor input) => input.Sigmoid();
}

public sealed class Tanh : Module<Tensor, Tensor>
{
    public override Tensor Forward(Tensor input) => input.Tanh();
}

public sealed class Softsign : Module<Tensor, Tensor>
{
    public override Tensor Forward(Tensor input) => input.Softsign();
}

public sealed class LogSigmoid : Module<Tensor, Tensor>
{
    public override Tensor Forward(Tensor input) => Functional.LogSigmoid(input);
}

public sealed class Tanhshrink : Module<Tensor, Tensor>
{
    public override Tensor Forward(Tensor input) => Functional.Tanhshrink(input);
}

public sealed class Softplus(double beta = 1, double threshold = 20) : Module<Tensor, Tensor>
{
    public double Beta { get; } = beta;
    public double Threshold { get; } = threshold;
    public override Tensor Forward(Tensor input) => Functional.Softplus(input, Beta, Threshold);
    public override string ExtraRepr() => $"beta={Num(Beta)}, threshold={Num(Threshold)}";
    /// <summary>Python prints the defaults as the ints they are (beta=1, threshold=20).</summary>
    internal static string Num(double v) => v == Math.Floor(v) && Math.Abs(v) < 1e15 ? ((long)v).ToString(CultureInfo.InvariantCulture) : PyFormat.Float(v);
}

public sealed class Hardtanh(double minVal = -1.0, double maxVal = 1.0, bool inplace = false) : InplaceActivation(inplace)
{
    public double MinVal { get; } = maxVal < minVal ? throw new ArgumentException("max_val must be greater than or equal to min_val") : minVal;
    public double MaxVal { get; } = maxVal;
    public override Tensor Forward(Tensor input) => Functional.Hardtanh(input, MinVal, MaxVal, Inplace);
    public override string ExtraRepr() => $"min_val={Py(MinVal)}, max_val={Py(MaxVal)}{(Inplace ? ", inplace=True" : "")}";
}

public sealed class Threshold(double threshold, double value, bool inplace = false) : InplaceActivation(inplace)
{
    public double ThresholdValue { get; } = threshold;
    public double Value { get; } = value;
    public override Tensor Forward(Tensor input) => Functional.Threshold(input, ThresholdValue, Value, Inplace);
    public override string ExtraRepr() => $"threshold={Softplus.Num(ThresholdValue)}, value={Softplus.Num(Value)}{(Inplace ? ", inplace=True" : "")}";
}

public sealed class Softshrink(double lambd = 0.5) : Module<Tensor, Tensor>
{
    public double Lambd { get; } = lambd;
    public override Tensor Forward(Tensor input) => Functional.Softshrink(input, Lambd);
    public override string ExtraRepr() => Py(Lambd);
}

public sealed class Hardshrink(double lambd = 0.5) : Module<Tensor, Tensor>
{
    public double Lambd { get; } = lambd;
    public override Tensor Forward(Tensor input) => Functional.Hardshrink(input, Lambd);
    public override string ExtraRepr() => Py(Lambd);
}

public sealed class GLU(int dim = -1) : Module<Tensor, Tensor>
{
    public int DimIndex { get; } = dim;
    public override Tensor Forward(Tensor input) => Functional.Glu(input, DimIndex);
    public override string ExtraRepr() => $"dim={DimIndex}";
}

/// <summary>x where x ≥ 0, else a·x with a learnable a (one, or one per channel), initialised to init.</summary>
public sealed class PReLU : Module<Tensor, Tensor>
{
    public Parameter weight;
    public long NumParameters { get; }
    public PReLU(long numParameters = 1, double init = 0.25, DType? dtype = null)
    {
        NumParameters = numParameters;
        weight = new Parameter(Torch.Full([numParameters], init, dtype ?? Torch.DefaultDType));
    }
    public override Tensor Forward(Tensor input) => Functional.Prelu(input, weight);
    public override string ExtraRepr() => $"num_parameters={NumParameters}";
}

/// <summary>Softmax along dim (null: PyTorch's legacy implicit choice).</summary>
public sealed class Softmax(int? dim = null) : Module<Tensor, Tensor>
{
    public int? DimIndex { get; } = dim;
    public override Tensor Forward(Tensor input) => Functional.Softmax(input, DimIndex ?? Functional.ImplicitSoftmaxDim(input.Dim));
    public override string ExtraRepr() => $"dim={(DimIndex is { } d ? d.ToString(CultureInfo.InvariantCulture) : "None")}";
}

public sealed class LogSoftmax(int? dim = null) : Module<Tensor, Tensor>
{
    public int? DimIndex { get; } = dim;
    public override Tensor Forward(Tensor input) => Functional.LogSoftmax(input, DimIndex ?? Functional.ImplicitSoftmaxDim(input.Dim));
    public override string ExtraRepr() => $"dim={(DimIndex is { } d ? d.ToString(CultureInfo.InvariantCulture) : "None")}";
}

public sealed class Softmin(int? dim = null) : Module<Tensor, Tensor>
{
    public int? DimIndex { get; } = dim;
    public override Tensor Forward(Tensor input) => Functional.Softmin(input, DimIndex ?? Functional.ImplicitSoftmaxDim(input.Dim));
    public override string ExtraRepr() => $"dim={(DimIndex is { } d ? d.ToString(CultureInfo.InvariantCulture) : "None")}";
}

/// <summary>Softmax over the channel dim of (C, H, W) or (N, C, H, W) input.</summary>
public sealed class Softmax2d : Module<Tensor, Tensor>
{
    public override Tensor Forward(Tensor input)
    {
        if (input.Dim is not (3 or 4)) throw new ArgumentException($"Softmax2d: expected input to be 3D or 4D, got {input.Dim}D instead");
        return Functional.Softmax(input, -3);
    }
}
