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

public static partial class Functional
{
    /// <summary>y[…, o] = Σ_ij x1[…, i]·W[o, i, j]·x2[…, j] + b[o].</summary>
    public static Tensor Bilinear(Tensor input1, Tensor input2, Tensor weight, Tensor? bias = null)
    {
        if (weight.Dim != 3) throw new ArgumentException($"bilinear(): weight must be 3-dimensional, but got {weight.Dim}D");
        if (input1.Dim != input2.Dim) throw new ArgumentException($"bilinear(): input dimensions do not match: got {input1.Dim} and {input2.Dim}");
        long o = weight.Size(0), i1 = weight.Size(1), i2 = weight.Size(2);
        if (input1.Size(-1) != i1) throw new ArgumentException($"bilinear(): input1 size does not match weight size: got {input1.Size(-1)} but expected {i1}");
        if (input2.Size(-1) != i2) throw new ArgumentException($"bilinear(): input2 size does not match weight size: got {input2.Size(-1)} but expected {i2}");
        var lead = input1.Shape[..^1];
        var a = input1.Reshape(-1, i1);
        var b = input2.Reshape(-1, i2);
        var t = Linear(b, weight.Reshape(o * i1, i2)).View(-1, o, i1);   // [N, out, in1]: W x2
        var y = (t * a.Unsqueeze(1)).Sum(2);                              // [N, out]
        if (bias is not null) y = y + bias;
        return y.View([.. lead, o]);
    }
}
