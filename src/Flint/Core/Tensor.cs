using System.Runtime.CompilerServices;
using Flint.Autograd;

namespace Flint;

/// <summary>
/// A strided view over a <see cref="Storage"/>: element (i, j, …) lives at Offset + i*Strides[0] + j*Strides[1] + …
/// Views (View, Transpose, slicing …) share the storage; <see cref="Contiguous"/> copies only when needed.
/// The autograd fields (GradFn, Grad, RequiresGrad) live here too; the ops are in the other partial files.
/// </summary>
public partial class Tensor
{
    internal Storage _storage;
    internal int _offset;
    internal int[] _sizes;    // never mutated after construction: views may share these arrays
    internal int[] _strides;
    internal int _numel;

    // ---- autograd state ----
    internal Node? _gradFn;
    internal int _outputNr;
    internal bool _requiresGrad;   // set on leaves only; non-leaves require grad through their GradFn
    internal bool _retainsGrad;
    internal AccumulateGrad? _accumulator;
    internal List<Func<Tensor, Tensor?>>? _hooks;
    /// <summary>The tensor this one is a view of (PyTorch's ._base), or null.</summary>
    internal Tensor? _base;

    internal Tensor(Storage storage, int offset, int[] sizes, int[] strides)
    {
        _storage = storage;
        _offset = offset;
        _sizes = sizes;
        _strides = strides;
        _numel = ShapeUtil.Numel(sizes);
    }

    /// <summary>A new contiguous tensor with uninitialized (or zeroed) memory.</summary>
    internal static Tensor Empty(int[] sizes, DType dtype, bool zeroed = false)
    {
        int n = ShapeUtil.Numel(sizes);
        return new Tensor(Storage.Allocate(dtype, n, zeroed), 0, sizes, ShapeUtil.ContiguousStrides(sizes));
    }

    // ---- metadata ----
    public DType DType => _storage.DType;
    public Device Device => _storage.Device;
    public Storage Storage => _storage;
    public int Dim => _sizes.Length;
    public int NDim => _sizes.Length;
    public long Numel() => _numel;
    public long NumElements => _numel;
    public long StorageOffset => _offset;
    public long[] Shape => ShapeUtil.ToLong(_sizes);
    public long[] Size() => ShapeUtil.ToLong(_sizes);
    public long Size(int dim) => _sizes[ShapeUtil.WrapDim(dim, Dim)];
    public long[] Stride() => ShapeUtil.ToLong(_strides);
    public long Stride(int dim) => _strides[ShapeUtil.WrapDim(dim, Dim)];
    internal ReadOnlySpan<int> Sizes => _sizes;
    internal ReadOnlySpan<int> Strides => _strides;
    public bool IsFloatingPoint() => DType.IsFloatingPoint();
    public long ElementSize() => DType.ElementSize();

    public bool IsContiguous()
    {
        if (_numel == 0) return true; // as PyTorch: an empty tensor is contiguous whatever its strides
        int expected = 1;
        for (int d = _sizes.Length - 1; d >= 0; d--)
        {
            int s = _sizes[d];
            if (s == 1) continue;
            if (_strides[d] != expected) return s == 0 ? true : false;
            expected *= s;
        }
        return true;
    }

    /// <summary>True when two tensors view the same storage.</summary>
    public bool SharesStorageWith(Tensor other) => ReferenceEquals(_storage, other._storage);

    // ---- autograd properties ----
    public Node? GradFn => _gradFn;
    public bool RequiresGrad
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => _requiresGrad || _gradFn != null;
        set => RequiresGrad_(value);
    }
    public bool IsLeaf => _gradFn == null;
    /// <summary>The gradient accumulated by Backward() (leaves, and non-leaves that called RetainGrad()).</summary>
    public Tensor? Grad { get; set; }
    public bool RetainsGrad => _retainsGrad;
    /// <summary>The number of in-place writes to this tensor's storage.</summary>
    public int Version => _storage.Version;

    public Tensor RequiresGrad_(bool requiresGrad = true)
    {
        if (!IsLeaf)
        {
            if (!requiresGrad)
                throw new InvalidOperationException("you can only change requires_grad flags of leaf variables. If you want to use a computed variable in a subgraph that doesn't require differentiation use var_no_grad = var.detach().");
            return this;
        }
        if (requiresGrad && !DType.IsFloatingPoint())
            throw new InvalidOperationException("only Tensors of floating point dtype can require gradients");
        _requiresGrad = requiresGrad;
        return this;
    }

    /// <summary>Keeps this non-leaf tensor's gradient in .Grad after backward (leaves always keep theirs).</summary>
    public void RetainGrad()
    {
        if (!RequiresGrad) throw new InvalidOperationException("can't retain_grad on Tensor that has requires_grad=False");
        if (IsLeaf || _retainsGrad) return;
        _retainsGrad = true;
        var self = this;
        _gradFn!.AddPreHook(_outputNr, g =>
        {
            if (!self._retainsGrad) return null;
            self.Grad = self.Grad is null ? (GradMode.IsEnabled ? g : g.Detach().CloneRaw()) : self.Grad + g;
            return null;
        }, last: true);
    }

    /// <summary>Registers a hook called with this tensor's gradient during backward; it may return a replacement.</summary>
    public RemovableHandle RegisterHook(Func<Tensor, Tensor?> hook)
    {
        if (!RequiresGrad) throw new InvalidOperationException("cannot register a hook on a tensor that doesn't require gradient");
        if (IsLeaf)
        {
            (_hooks ??= new()).Add(hook);
            return new RemovableHandle(() => _hooks.Remove(hook));
        }
        // A non-leaf's hook sees the gradient flowing into its grad_fn, before that node runs.
        var fn = _gradFn!;
        int nr = _outputNr;
        fn.AddPreHook(nr, hook);
        return new RemovableHandle(() => fn.PreHooks?.Remove((nr, hook)));
    }

    public RemovableHandle RegisterHook(Action<Tensor> hook) => RegisterHook(g => { hook(g); return null; });

    public void Backward(Tensor? gradient = null, bool retainGraph = false, bool createGraph = false, Tensor[]? inputs = null)
        => Engine.Backward([this], gradient is null ? null : [gradient], retainGraph, createGraph, inputs);

    internal AccumulateGrad GradAccumulator() => _accumulator ??= new AccumulateGrad(this);

    // ---- element access ----

    /// <summary>The storage's elements as a typed span (whole storage, not just this view).</summary>
    internal Span<T> StorageSpan<T>() where T : unmanaged => ((Storage<T>)_storage).Span;

    /// <summary>This tensor's elements, when it is contiguous (zero-copy).</summary>
    public Span<T> AsSpan<T>() where T : unmanaged
    {
        CheckElementType<T>();
        if (!IsContiguous()) throw new InvalidOperationException("AsSpan() needs a contiguous tensor; call Contiguous() first");
        var s = (Storage<T>)_storage;
        s.Escape(); // the span may outlive this tensor: its array must not be reused
        return _numel == 0 ? Span<T>.Empty : s.Span.Slice(_offset, _numel);
    }

    /// <summary>AsSpan for Flint's own kernels and ops, which use the span only while the tensor is alive: no escape.</summary>
    internal Span<T> RawSpan<T>() where T : unmanaged
    {
        CheckElementType<T>();
        if (!IsContiguous()) throw new InvalidOperationException("AsSpan() needs a contiguous tensor; call Contiguous() first");
        return _numel == 0 ? Span<T>.Empty : ((Storage<T>)_storage).Span.Slice(_offset, _numel);
    }

    internal void CheckElementType<T>()
    {
        if (DTypeExtensions.FromClrType(typeof(T)) != DType)
            throw new InvalidOperationException($"expected element type {DType.ClrType().Name} for a tensor of dtype {DType.Name()}, got {typeof(T).Name}");
    }

    /// <summary>The value of a one-element tensor (PyTorch's item()).</summary>
    public T Item<T>() where T : unmanaged
    {
        if (_numel != 1)
            throw new InvalidOperationException($"a Tensor with {_numel} elements cannot be converted to Scalar");
        Dispatcher.NotifyValueRead(this);
        var t = DTypeExtensions.FromClrType(typeof(T)) == DType ? this : To(DTypeExtensions.FromClrType(typeof(T)));
        return ((Storage<T>)t._storage).Span[t._offset];
    }

    /// <summary>The value of a one-element tensor as a double.</summary>
    public double Item() => To(DType.Float64).Item<double>();

    /// <summary>The elements in row-major order, copied to a new array.</summary>
    public T[] ToArray<T>() where T : unmanaged
    {
        Dispatcher.NotifyValueRead(this);
        var t = DTypeExtensions.FromClrType(typeof(T)) == DType ? this : To(DTypeExtensions.FromClrType(typeof(T)));
        t = t.Contiguous();
        return ((Storage<T>)t._storage).Span.Slice(t._offset, t._numel).ToArray();
    }

    /// <summary>Sum of offset + index·stride for a multi-index (for tests and printing; not a hot path).</summary>
    internal int OffsetOf(ReadOnlySpan<int> index)
    {
        int off = _offset;
        for (int d = 0; d < index.Length; d++) off += index[d] * _strides[d];
        return off;
    }
}

/// <summary>Returned by hook registrations; Remove() unregisters.</summary>
public sealed class RemovableHandle(Action remove) : IDisposable
{
    private Action? _remove = remove;
    public void Remove() { _remove?.Invoke(); _remove = null; }
    public void Dispose() => Remove();
}
