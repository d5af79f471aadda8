namespace Flint.NN;

/// <summary>
/// A tensor that is a module parameter (torch.nn.Parameter): it shares the data of the tensor it wraps, is a leaf,
/// and requires grad unless told otherwise. Assigning one to a Module field registers it by the field's name.
/// </summary>
public class Parameter : Tensor
{
    public Parameter(Tensor data, bool requiresGrad = true)
        : base(data._storage, data._offset, data._sizes, data._strides)
    {
        _base = data._base;
        if (requiresGrad) RequiresGrad_(true);
    }

    /// <summary>PyTorch's repr: "Parameter containing:\ntensor(..., requires_grad=True)".</summary>
    public override string ToString() => "Parameter containing:\n" + base.ToString();
}

/// <summary>Internal helpers that change what a tensor object views, keeping its identity (PyTorch's param.data = …).</summary>
internal static class TensorData
{
    /// <summary>Makes t view src's data (storage, offset, sizes, strides): optimizers holding t see the new data.</summary>
    public static void Set(Tensor t, Tensor src)
    {
        t._storage = src._storage;
        t._offset = src._offset;
        t._sizes = src._sizes;
        t._strides = src._strides;
        t._numel = src._numel;
    }
}
