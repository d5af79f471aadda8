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
