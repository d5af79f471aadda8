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

    /// <summary>The raw bytes (for serialization).</summary>
    public abstract Span<byte> AsBytes();
}

public sealed class Storage<T> : Storage where T : unmanaged
{
    /// <summary>The elements. Usually a managed array of our own; may wrap a user's array or Memory (zero-copy).</summary>
    public readonly Memory<T> Memory;

    public Storage(Memory<T> memory) : base(DTypeExtensions.FromClrType(typeof(T)), Device.CPU, memory.Length) => Memory = memory;

    public static Storage<T> Allocate(int length, bool zeroed = false)
    {
        // Small arrays come from the ordinary heap (cheap, collected young); large ones skip zeroing when asked.
        var array = zeroed || length < 256 ? new T[length] : GC.AllocateUninitializedArray<T>(length);
        return new Storage<T>(array);
    }

    public Span<T> Span
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => Memory.Span;
    }

    public override Span<byte> AsBytes() => MemoryMarshal.AsBytes(Memory.Span);
}
