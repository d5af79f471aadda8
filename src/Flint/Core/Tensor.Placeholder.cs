using Flint.Autograd;

namespace Flint;

// Placeholders for graph capture: while a compiled region replays, ops return tensors that have their final
// metadata but no data yet; when the region's graph has run, each placeholder takes over its result's storage and
// autograd state, so the C# code that holds it sees exactly the tensor eager execution would have given.
public partial class Tensor
{
    /// <summary>A tensor with metadata only (an empty storage of the dtype) that <see cref="AdoptFrom"/> fills.</summary>
    internal static Tensor Placeholder(DType dtype, int[] sizes, int[] strides, bool requiresGrad)
        => new(Storage.Allocate(dtype, 0, zeroed: false), 0, sizes, strides) { _requiresGrad = requiresGrad };

    /// <summary>Makes this placeholder the tensor <paramref name="real"/>: same storage, view and autograd state.</summary>
    internal void AdoptFrom(Tensor real)
    {
        if (ReferenceEquals(this, real)) return;
        _storage = real._storage;
        _offset = real._offset;
        _sizes = real._sizes;
        _strides = real._strides;
        _numel = real._numel;
        _gradFn = real._gradFn;
        _outputNr = real._outputNr;
        _requiresGrad = real._requiresGrad;
        _base = real._base;
        _accumulator = real._accumulator;
    }
}
