using System.Runtime.InteropServices;
using Flint.Kernels.Cpu;

namespace Flint;

// Factories: from C# arrays (copied or zero-copy), constant fills, scalar tensors.
public static partial class Torch
{
    public static Tensor Empty(long[] size, DType? dtype = null, bool requiresGrad = false)
        => Flint.Tensor.Empty(ShapeUtil.ToInt(size), dtype ?? DefaultDType).RequiresGrad_(requiresGrad);
    public static Tensor Empty(params long[] size) => Empty(size, null);

    public static Tensor Zeros(long[] size, DType? dtype = null, bool requiresGrad = false)
        => Flint.Tensor.Empty(ShapeUtil.ToInt(size), dtype ?? DefaultDType, zeroed: true).RequiresGrad_(requiresGrad);
    public static Tensor Zeros(params long[] size) => Zeros(size, null);
    internal static Tensor Zeros(int[] size, DType dtype) => Flint.Tensor.Empty(size, dtype, zeroed: true);

    public static Tensor Ones(long[] size, DType? dtype = null, bool requiresGrad = false) => Full(size, 1, dtype ?? DefaultDType, requiresGrad);
    public static Tensor Ones(params long[] size) => Ones(size, null);

    /// <summary>torch.full: the dtype is inferred from the value (bool, int64, or the default float) unless given.</summary>
    public static Tensor Full(long[] size, Scalar value, DType? dtype = null, bool requiresGrad = false)
    {
        var dt = dtype ?? (value.IsFloatingPoint ? DefaultDType : value.IsBool ? DType.Bool : DType.Int64);
        var t = Flint.Tensor.Empty(ShapeUtil.ToInt(size), dt);
        t.FillRaw(value);
        return t.RequiresGrad_(requiresGrad);
    }

    public static Tensor EmptyLike(Tensor t, DType? dtype = null) => Flint.Tensor.Empty(t._sizes, dtype ?? t.DType);
    public static Tensor ZerosLike(Tensor t, DType? dtype = null, bool requiresGrad = false) => Flint.Tensor.Empty(t._sizes, dtype ?? t.DType, zeroed: true).RequiresGrad_(requiresGrad);
    public static Tensor OnesLike(Tensor t, DType? dtype = null, bool requiresGrad = false) => FullLike(t, 1, dtype, requiresGrad);
    public static Tensor FullLike(Tensor t, Scalar value, DType? dtype = null, bool requiresGrad = false)
    {
        var r = Flint.Tensor.Empty(t._sizes, dtype ?? t.DType);
        r.FillRaw(value);
        return r.RequiresGrad_(requiresGrad);
    }

    /// <summary>A 0-dim tensor (PyTorch's torch.tensor(3.5)).</summary>
    public static Tensor ScalarTensor(Scalar value, DType? dtype = null)
    {
        var dt = dtype ?? (value.IsFloatingPoint ? DefaultDType : value.IsBool ? DType.Bool : DType.Int64);
        var t = Flint.Tensor.Empty([], dt);
        t.FillRaw(value);
        return t;
    }

    // ---- from C# arrays (copies, like torch.tensor) ----

    public static Tensor Tensor(float value, bool requiresGrad = false) => ScalarTensor(value, DType.Float32).RequiresGrad_(requiresGrad);
    public static Tensor Tensor(double value, DType? dtype = null, bool requiresGrad = false) => ScalarTensor(value, dtype ?? DefaultDType).RequiresGrad_(requiresGrad);
    public static Tensor Tensor(long value, DType? dtype = null) => ScalarTensor(value, dtype ?? DType.Int64);
    public static Tensor Tensor(bool value) => ScalarTensor(value, DType.Bool);

    /// <summary>
    /// torch.tensor from a C# array of any rank (float[], double[,], long[][] …): the shape follows the array,
    /// the dtype follows the element type (double → the default float dtype, as a Python float would) unless given.
    /// </summary>
    public static Tensor Tensor(Array data, DType? dtype = null, bool requiresGrad = false)
    {
        var (shape, elementType, flat) = Flatten(data);
        var natural = elementType == typeof(double) ? DefaultDType : DTypeExtensions.FromClrType(elementType);
        var fromType = DTypeExtensions.FromClrType(elementType);
        var src = FromFlatArray(flat, fromType, shape);
        var t = src.CastRaw(dtype ?? natural);
        if (ReferenceEquals(t, src)) t = src; // flat is already our own copy
        return t.RequiresGrad_(requiresGrad);
    }

    /// <summary>Copies a flat array into a tensor of the given shape.</summary>
    public static Tensor Tensor<T>(T[] data, long[] shape, DType? dtype = null, bool requiresGrad = false) where T : unmanaged
    {
        var t = FromMemory(new Memory<T>((T[])data.Clone()), shape); // shape [] is a 0-dim tensor here, not "infer"
        return (dtype is { } d ? t.CastRaw(d) : t).RequiresGrad_(requiresGrad);
    }

    /// <summary>Zero-copy: a tensor over the user's array (writes through to it, like torch.from_numpy).</summary>
    public static Tensor FromArray<T>(T[] data, params long[] shape) where T : unmanaged
        => FromMemory(new Memory<T>(data), shape.Length == 0 ? [data.Length] : shape);

    /// <summary>Zero-copy: a tensor over the user's memory.</summary>
    public static Tensor FromMemory<T>(Memory<T> data, params long[] shape) where T : unmanaged
    {
        var sizes = ShapeUtil.ToInt(shape);
        if (ShapeUtil.Numel(sizes) != data.Length)
            throw new ArgumentException($"shape '{ShapeUtil.Format(sizes)}' is invalid for input of size {data.Length}");
        return new Tensor(new Storage<T>(data), 0, sizes, ShapeUtil.ContiguousStrides(sizes));
    }

    private static Tensor FromFlatArray(Array flat, DType dt, int[] shape) => dt switch
    {
        DType.Float32 => FromMemory(new Memory<float>((float[])flat), ShapeUtil.ToLong(shape)),
        DType.Float64 => FromMemory(new Memory<double>((double[])flat), ShapeUtil.ToLong(shape)),
        DType.Int64 => FromMemory(new Memory<long>((long[])flat), ShapeUtil.ToLong(shape)),
        DType.Int32 => FromMemory(new Memory<int>((int[])flat), ShapeUtil.ToLong(shape)),
        DType.Int16 => FromMemory(new Memory<short>((short[])flat), ShapeUtil.ToLong(shape)),
        DType.Int8 => FromMemory(new Memory<sbyte>((sbyte[])flat), ShapeUtil.ToLong(shape)),
        DType.UInt8 => FromMemory(new Memory<byte>((byte[])flat), ShapeUtil.ToLong(shape)),
        DType.Bool => FromMemory(new Memory<bool>((bool[])flat), ShapeUtil.ToLong(shape)),
        DType.Float16 => FromMemory(new Memory<Half>((Half[])flat), ShapeUtil.ToLong(shape)),
        _ => FromMemory(new Memory<BFloat16>((BFloat16[])flat), ShapeUtil.ToLong(shape)),
    };

    // One typed array per element type: Array.CreateInstance(Type, n) may need code generated at run time (NativeAOT).
    private static Array NewFlatArray(Type elementType, int n) => DTypeExtensions.FromClrType(elementType) switch
    {
        DType.Float32 => new float[n],
        DType.Float64 => new double[n],
        DType.Int64 => new long[n],
        DType.Int32 => new int[n],
        DType.Int16 => new short[n],
        DType.Int8 => new sbyte[n],
        DType.UInt8 => new byte[n],
        DType.Bool => new bool[n],
        DType.Float16 => new Half[n],
        _ => new BFloat16[n],
    };

    /// <summary>Walks a rectangular or jagged array into (shape, element type, a fresh flat copy).</summary>
    private static (int[] shape, Type elementType, Array flat) Flatten(Array data)
    {
        var shape = new List<int>();
        Type et = data.GetType().GetElementType()!;
        // rectangular dims
        for (int r = 0; r < data.Rank; r++) shape.Add(data.GetLength(r));
        // jagged: descend through the first element of each level
        object? probe = data.Length > 0 ? data.GetValue(new int[data.Rank]) : null;
        while (et.IsArray)
        {
            var inner = probe as Array;
            for (int r = 0; r < (inner?.Rank ?? 1); r++) shape.Add(inner?.GetLength(r) ?? 0);
            et = et.GetElementType()!;
            probe = inner is { Length: > 0 } ? inner.GetValue(new int[inner.Rank]) : null;
        }
        var flat = NewFlatArray(et, ShapeUtil.Numel(shape.ToArray()));
        int pos = 0;
        void Walk(Array a, int depth)
        {
            if (a.GetType().GetElementType()!.IsArray)
            {
                foreach (var item in a)
                {
                    var inner = (Array)item!;
                    int expect = shape[depth + a.Rank];
                    if (inner.Length != expect && inner.Rank == 1)
                        throw new ArgumentException($"expected sequence of length {expect} at dim {depth + a.Rank} (got {inner.Length})");
                    Walk(inner, depth + a.Rank);
                }
            }
            else foreach (var item in a) flat.SetValue(item, pos++);
        }
        Walk(data, 0);
        return (shape.ToArray(), et, flat);
    }
}
