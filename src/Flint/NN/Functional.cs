namespace Flint.NN;

/// <summary>
/// torch.nn.functional: stateless forms of the layers and losses. Use as <c>using F = Flint.NN.Functional;</c>
/// then <c>F.Relu(x)</c>, <c>F.Linear(x, w, b)</c>, <c>F.CrossEntropy(logits, target)</c>.
/// </summary>
public static partial class Functional
{
    /// <summary>y = x Wᵀ + b over the last dim of x (torch.nn.functional.linear; the op lives with linalg).</summary>
    public static Tensor Linear(Tensor input, Tensor weight, Tensor? bias = null) => Torch.Linear(input, weight, bias);
}
