using Flint.Ops;

namespace Flint;

// torch.cat/stack and the other shape functions that take several tensors or are called as torch.f(x, …).
public static partial class Torch
{
    public static Tensor Cat(Tensor[] tensors, int dim = 0) => Dispatcher.Call1(new CatOp(dim), tensors);
    public static Tensor Concat(Tensor[] tensors, int dim = 0) => Cat(tensors, dim);
    public static Tensor Concatenate(Tensor[] tensors, int dim = 0) => Cat(tensors, dim);
    public static Tensor Stack(Tensor[] tensors, int dim = 0) => Dispatcher.Call1(new StackOp(dim), tensors);

    public static Tensor Squeeze(Tensor x) => x.Squeeze();
    public static Tensor Squeeze(Tensor x, int dim) => x.Squeeze(dim);
    public static Tensor Unsqueeze(Tensor x, int dim) => x.Unsqueeze(dim);
    public static Tensor Narrow(Tensor x, int dim, long start, long length) => x.Narrow(dim, start, length);
    public static Tensor Select(Tensor x, int dim, long index) => x.Select(dim, index);
    public static Tensor Flatten(Tensor x, int startDim = 0, int endDim = -1) => x.Flatten(startDim, endDim);
    public static Tensor Unflatten(Tensor x, int dim, params long[] sizes) => x.Unflatten(dim, sizes);
    public static Tensor Movedim(Tensor x, int source, int destination) => x.Movedim(source, destination);
    public static Tensor Movedim(Tensor x, int[] source, int[] destination) => x.Movedim(source, destination);
    public static Tensor Permute(Tensor x, params long[] dims) => x.Permute(dims);
    public static Tensor Transpose(Tensor x, int dim0, int dim1) => x.Transpose(dim0, dim1);
    public static Tensor Swapaxes(Tensor x, int axis0, int axis1) => x.Transpose(axis0, axis1);
    public static Tensor Reshape(Tensor x, params long[] shape) => x.Reshape(shape);
    public static Tensor Diagonal(Tensor x, int offset = 0, int dim1 = 0, int dim2 = 1) => x.Diagonal(offset, dim1, dim2);
    public static Tensor AsStrided(Tensor x, long[] size, long[] stride, long? storageOffset = null) => x.AsStrided(size, stride, storageOffset);

    public static Tensor Gather(Tensor x, int dim, Tensor index) => x.Gather(dim, index);
    public static Tensor Scatter(Tensor x, int dim, Tensor index, Tensor src) => x.Scatter(dim, index, src);
    public static Tensor Scatter(Tensor x, int dim, Tensor index, Scalar value) => x.Scatter(dim, index, value);
    public static Tensor ScatterAdd(Tensor x, int dim, Tensor index, Tensor src) => x.ScatterAdd(dim, index, src);
    public static Tensor IndexSelect(Tensor x, int dim, Tensor index) => x.IndexSelect(dim, index);
    public static Tensor IndexAdd(Tensor x, int dim, Tensor index, Tensor source, Scalar? alpha = null) => x.IndexAdd(dim, index, source, alpha);
}
