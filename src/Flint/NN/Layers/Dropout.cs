namespace Flint.NN;

/// <summary>Zeroes elements with probability p during training (scaling the rest by 1/(1−p)); identity in eval.</summary>
public sealed class Dropout : Module<Tensor, Tensor>
{
    public double P { get; }
    public bool Inplace { get; }

    public Dropout(double p = 0.5, bool inplace = false)
    {
        Functional.CheckP(p);
        P = p; Inplace = inplace;
    }

    public override Tensor Forward(Tensor input) => Functional.Dropout(input, P, Training, Inplace);
    public override string ExtraRepr() => $"p={Py(P)}, inplace={Py(Inplace)}";
}

/// <summary>Base of the channel-wise dropouts: p and inplace, PyTorch's repr.</summary>
public abstract class DropoutBase : Module<Tensor, Tensor>
{
    public double P { get; }
    public bool Inplace { get; }
    protected DropoutBase(double p, bool inplace) { Functional.CheckP(p); P = p; Inplace = inplace; }
    public override string ExtraRepr() => $"p={Py(P)}, inplace={Py(Inplace)}";
}

public sealed class Dropout1d(double p = 0.5, bool inplace = false) : DropoutBase(p, inplace)
{
    public override Tensor Forward(Tensor input) => Functional.Dropout1d(input, P, Training, Inplace);
}

public sealed class Dropout2d(double p = 0.5, bool inplace = false) : DropoutBase(p, inplace)
{
    public override Tensor Forward(Tensor input) => Functional.Dropout2d(input, P, Training, Inplace);
}

public sealed class Dropout3d(double p = 0.5, bool inplace = false) : DropoutBase(p, inplace)
{
    public override Tensor Forward(Tensor input) => Functional.Dropout3d(input, P, Training, Inplace);
}

public sealed class AlphaDropout(double p = 0.5, bool inplace = false) : DropoutBase(p, inplace)
{
    public override Tensor Forward(Tensor input) => Functional.AlphaDropout(input, P, Training, Inplace);
}

public sealed class FeatureAlphaDropout(double p = 0.5, bool inplace = false) : DropoutBase(p, inplace)
{
    public override Tensor Forward(Tensor input) => Functional.FeatureAlphaDropout(input, P, Training, Inplace);
}
