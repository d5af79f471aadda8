namespace Flint.NN;

public static partial class Functional
{
    public static Tensor Relu(Tensor input, bool inplace = false)
    {
        var y = Dispatcher.Call1(ReluOp.Instance, [input]);
        return inplace ? input.InPlace(y) : y;
    }

    public static Tensor Relu_(Tensor input) => Relu(input, inplace: true);

    public static Tensor Softmax(Tensor input, int dim, DType? dtype = null)
    {
        if (dtype is { } d) input = input.To(d);
        return Dispatcher.Call1(new SoftmaxOp(input.Dim == 0 ? 0 : ShapeUtil.WrapDim(dim, input.Dim), false), [input]);
    }

    public static Tensor LogSoftmax(Tensor input, int dim, DType? dtype = null)
    {
        if (dtype is { } d) input = input.To(d);
        return Dispatcher.Call1(new SoftmaxOp(input.Dim == 0 ? 0 : ShapeUtil.WrapDim(dim, input.Dim), true), [input]);
    }

    /// <summary>softmin(x) = softmax(−x).</summary>
    public static Tensor Softmin(Tensor input, int dim, DType? dtype = null)
    {
        if (dtype is { } d) input = input.To(d);
        return Softmax(-input, dim);
    }
}
