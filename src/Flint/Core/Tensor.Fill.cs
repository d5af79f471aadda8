using Flint.Kernels.Cpu;
using Flint.Ops;

namespace Flint;

public partial class Tensor
{
    /// <summary>Sets every element of this view to value (no dispatch, no autograd). Bumps the version.</summary>
    internal void FillRaw(Scalar value)
    {
        switch (DType)
        {
            case DType.Float32: FillTyped((float)value.ToDouble()); break;
            case DType.Float64: FillTyped(value.ToDouble()); break;
            case DType.Int64: FillTyped(value.ToInt64()); break;
            case DType.Int32: FillTyped((int)value.ToInt64()); break;
            case DType.Int16: FillTyped((short)value.ToInt64()); break;
            case DType.Int8: FillTyped((sbyte)value.ToInt64()); break;
            case DType.UInt8: FillTyped(unchecked((byte)value.ToInt64())); break;
            case DType.Bool: FillTyped(value.ToBool()); break;
            case DType.Float16: FillTyped((Half)value.ToDouble()); break;
            case DType.BFloat16: FillTyped((BFloat16)value.ToDouble()); break;
        }
        _storage.Version++;
    }

    private void FillTyped<T>(T v) where T : unmanaged
    {
        var span = StorageSpan<T>();
        if (IsContiguous()) { span.Slice(_offset, _numel).Fill(v); return; }
        var one = new Tensor(new Storage<T>(new[] { v }), 0, [], []);
        StridedCopy.Copy(one.ExpandRaw(_sizes), this);
    }

    public Tensor Fill_(Scalar value) => Copy_(Torch.ScalarTensor(value, DType));
    public Tensor Zero_() => Fill_(0);
}
