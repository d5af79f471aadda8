using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Flint;

/// <summary>
/// One flat buffer of elements on one device. Tensors are views over a storage (offset, sizes, strides), so several
/// tensors may share one. The version counter counts in-place writes; autograd uses it to detect that a tensor saved
/// for backward was modified.
/// </summary>
public abstract class Storage
{
    public DType DType { get; }
    public Device Device { get; }
    public int Length { get; }
    /// <summary>Bumped by every in-place op on any view of this storage.</summary>
    public int Version;

    protected Storage(DType dtype, Device device, int length) { DType = dtype; Device = device; Length = length; }

    public int ByteLength => Length * DType.ElementSize();

    /// <summary>Allocates an uninitialized storage; the caller writes every element.</summary>
    public static Storage Allocate(DType dtype, int length, bool zeroed = false) => dtype switch
    {
        DType.Float32 => Storage<float>.Allocate(length, zeroed),
        DType.Float64 => Storage<double>.Allocate(length, zeroed),
        DType.Int64 => Storage<long>.Allocate(length, zeroed),
        DType.Int32 => Storage<int>.Allocate(length, zeroed),
        DType.Bool => Storage<bool>.Allocate(length, zeroed),
        DType.UInt8 => Storage<byte>.Allocate(length, zeroed),
        DType.Int8 => Storage<sbyte>.Allocate(length, zeroed),
        DType.Int16 => Storage<short>.Allocate(length, zeroed),
        DType.Float16 => Storage<Half>.Allocate(length, zeroed),
        DType.BFloat16 => Storage<BFloat16>.Allocate(length, zeroed),
        _ => throw new ArgumentOutOfRangeException(nameof(dtype)),
    };

    /// <summary>The raw bytes, for code outside Flint: the memory escapes (never reused by the buffer pool).</summary>
    public abstract Span<byte> AsBytes();

    /// <summary>The raw bytes for Flint's own kernels and serialization, used while the storage is alive: no escape.</summary>
    internal abstract Span<byte> RawBytes();
}

public sealed class Storage<T> : Storage where T : unmanaged
{
    private readonly Memory<T> _memory;
    private BufferPool.Lease? _lease; // set while the array is ours to hand back to the pool when this storage dies

    /// <summary>A storage over memory the caller owns (a user's array or Memory: zero-copy); never pooled.</summary>
    public Storage(Memory<T> memory) : base(DTypeExtensions.FromClrType(typeof(T)), Device.CPU, memory.Length) => _memory = memory;

    private Storage(Memory<T> pooled, BufferPool.Lease lease) : this(pooled) => _lease = lease;

    public static Storage<T> Allocate(int length, bool zeroed = false)
    {
        // Small arrays come from the ordinary heap (cheap, collected young); large ones are reused through the pool.
        if (!BufferPool.Pooled<T>(length)) return new Storage<T>(new T[length]);
        var memory = BufferPool.Rent<T>(length, out var lease);
        if (zeroed) memory.Span.Clear();
        return new Storage<T>(memory, lease);
    }

    /// <summary>
    /// The elements, for code outside Flint: reading this gives up pooling, since the memory may now outlive the
    /// storage object.
    /// </summary>
    public Memory<T> Memory
    {
        get { Escape(); return _memory; }
    }

    /// <summary>The elements, for kernels (inside an op, where the tensor is alive): no escape.</summary>
    internal Memory<T> RawMemory => _memory;

    internal Span<T> Span
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => _memory.Span;
    }

    /// <summary>The memory leaves Flint's control (user span, a second storage over it): never reuse the array.</summary>
    internal void Escape()
    {
        if (_lease is { } l) { _lease = null; l.Disown(); }
    }

    public override Span<byte> AsBytes() { Escape(); return MemoryMarshal.AsBytes(_memory.Span); }
    internal override Span<byte> RawBytes() => MemoryMarshal.AsBytes(_memory.Span);
}
