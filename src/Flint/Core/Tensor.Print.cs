namespace Flint;

public partial class Tensor
{
    /// <summary>Prints as PyTorch does: tensor([[1., 2.]], requires_grad=True).</summary>
    public override string ToString() => TensorFormatter.Format(this);
}
