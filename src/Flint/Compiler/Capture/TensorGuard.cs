namespace Flint.Compiler.Capture;

/// <summary>
/// What a compiled graph assumed of one tensor (PyTorch's TensorCheck): dtype, device, sizes, strides and
/// requires_grad. A dimension marked dynamic is not compared.
/// </summary>
internal sealed class TensorGuard(Tensor t)
{
    public readonly DType DType = t.DType;
    public readonly Device Device = t.Device;
    public readonly int[] Sizes = t._sizes, Strides = t._strides;
    public readonly bool RequiresGrad = t.RequiresGrad;
    public bool[]? DynamicDims;

    /// <summary>Null when <paramref name="t"/> passes; otherwise why not, as PyTorch's guard failures say it.</summary>
    public string? Check(Tensor t)
    {
        if (t.DType != DType) return $"dtype mismatch. expected {DType.Name()}, actual {t.DType.Name()}";
        if (t.Device != Device) return $"device mismatch. expected {Device}, actual {t.Device}";
        if (t.RequiresGrad != RequiresGrad)
            return $"requires_grad mismatch. expected requires_grad={(RequiresGrad ? 1 : 0)}";
        if (t._sizes.Length != Sizes.Length)
            return $"dimensionality mismatch. expected {Sizes.Length}, actual {t._sizes.Length}";
        for (int i = 0; i < Sizes.Length; i++)
            if (t._sizes[i] != Sizes[i] && DynamicDims?[i] != true)
                return $"size mismatch at index {i}. expected {Sizes[i]}, actual {t._sizes[i]}";
        for (int i = 0; i < Strides.Length; i++)
            if (t._strides[i] != Strides[i] && DynamicDims?[i] != true && Sizes[i] != 1)
                return $"stride mismatch at index {i}. expected {Strides[i]}, actual {t._strides[i]}";
        return null;
    }

    public override string ToString()
        => $"check_tensor(dtype={DType.Name()}, device={Device}, requires_grad={RequiresGrad}, "
           + $"size=[{string.Join(", ", Sizes)}], stride=[{string.Join(", ", Strides)}])";
}
