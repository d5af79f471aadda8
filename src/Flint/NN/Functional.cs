namespace Flint.NN;

/// <summary>
/// torch.nn.functional: stateless forms of the layers and losses. Use as <c>using F = Flint.NN.Functional;</c>
/// then <c>F.Relu(x)</c>, <c>F.Linear(x, w, b)</c>, <c>F.CrossEntropy(logits, target)</c>.
/// </summary>
public static partial class Functional
{
    /// <summary>y = x Wᵀ + b over the last dim of x (any number of leading dims).</summary>
    public static Tensor Linear(Tensor input, Tensor weight, Tensor? bias = null)
    {
        if (weight.Dim != 2) throw new ArgumentException($"linear(): weight should be 2-D, got {weight.Dim}-D");
        int inF = weight._sizes[1];
        if (input.Dim == 0 || input._sizes[^1] != inF)
        {
            var rows = input.Dim <= 1 ? 1 : input._numel / Math.Max(1, input._sizes[^1]);
            var last = input.Dim == 0 ? 1 : input._sizes[^1];
            throw new ArgumentException($"mat1 and mat2 shapes cannot be multiplied ({rows}x{last} and {inF}x{weight._sizes[0]})");
        }
        if (input.DType != weight.DType || (bias is not null && bias.DType != input.DType))
            throw new ArgumentException("mat1 and mat2 must have the same dtype");
        if (bias is not null && (bias.Dim > 1 || (bias.Dim == 1 && bias._sizes[0] != weight._sizes[0] && bias._sizes[0] != 1)))
            throw new ArgumentException($"The size of tensor a ({weight._sizes[0]}) must match the size of tensor b ({bias._sizes[^1]}) at non-singleton dimension 1");
        Tensor?[] args = bias is null ? [null, weight] : [null, weight, bias];
        var op = bias is null ? LinearOp.NoBias : LinearOp.WithBias;
        if (input.Dim == 2) { args[0] = input; return Dispatcher.Call1(op, args!); }
        if (input.Dim == 1)
        {
            args[0] = input.View(1, inF);
            return Dispatcher.Call1(op, args!).View(weight._sizes[0]);
        }
        var outShape = input.Shape;
        outShape[^1] = weight._sizes[0];
        args[0] = input.Reshape(-1, inF);
        return Dispatcher.Call1(op, args!).View(outShape);
    }
}
