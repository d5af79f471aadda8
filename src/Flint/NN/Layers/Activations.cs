namespace Flint.NN;

/// <summary>max(x, 0).</summary>
public sealed class ReLU(bool inplace = false) : Module<Tensor, Tensor>
{
    public bool Inplace { get; } = inplace;
    public override Tensor Forward(Tensor input) => Functional.Relu(input, Inplace);
    public override string ExtraRepr() => Inplace ? "inplace=True" : "";
}

public sealed class Softmax(int dim) : Module<Tensor, Tensor>
{
    public int DimIndex { get; } = dim;
    public override Tensor Forward(Tensor input) => Functional.Softmax(input, DimIndex);
    public override string ExtraRepr() => $"dim={DimIndex}";
}

public sealed class LogSoftmax(int dim) : Module<Tensor, Tensor>
{
    public int DimIndex { get; } = dim;
    public override Tensor Forward(Tensor input) => Functional.LogSoftmax(input, DimIndex);
    public override string ExtraRepr() => $"dim={DimIndex}";
}

public sealed class Softmin(int dim) : Module<Tensor, Tensor>
{
    public int DimIndex { get; } = dim;
    public override Tensor Forward(Tensor input) => Functional.Softmin(input, DimIndex);
    public override string ExtraRepr() => $"dim={DimIndex}";
}
