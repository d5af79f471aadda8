using System.Text;

namespace Flint.Graphs;

/// <summary>
/// A tensor's type with what is known of its metadata: dtype, sizes (concrete or symbolic), strides, device and
/// requires_grad; any of them may be unknown (null). Fully known, it prints as TorchScript does:
/// <c>Float(1, 10, strides=[10, 1], requires_grad=1, device=cpu)</c>; with nothing known, as <c>Tensor</c>.
/// </summary>
public sealed class TensorType(DType? dtype, SymInt[]? sizes, long[]? strides, Device? device, bool? requiresGrad)
    : JitType
{
    public DType? DType { get; } = dtype;
    public SymInt[]? Sizes { get; } = sizes;
    public long[]? Strides { get; } = strides;
    public Device? Device { get; } = device;
    public bool? RequiresGrad { get; } = requiresGrad;

    public override bool IsTensor => true;

    /// <summary>The complete type of a concrete tensor (what tracing records).</summary>
    public static TensorType Of(Tensor t)
    {
        var sizes = new SymInt[t.Dim];
        for (int i = 0; i < sizes.Length; i++) sizes[i] = t._sizes[i];
        var strides = new long[t.Dim];
        for (int i = 0; i < strides.Length; i++) strides[i] = t._strides[i];
        return new TensorType(t.DType, sizes, strides, t.Device, t.RequiresGrad);
    }

    /// <summary>This type with requires_grad replaced.</summary>
    public TensorType WithRequiresGrad(bool? requiresGrad) => new(DType, Sizes, Strides, Device, requiresGrad);

    public override bool Accepts(JitType other) => other.IsTensor;

    public override string ToString()
    {
        if (DType is null && Sizes is null && Strides is null && Device is null && RequiresGrad is null) return "Tensor";
        var sb = new StringBuilder(DType is { } d ? ScalarTypeName(d) : "Tensor");
        var parts = new List<string>();
        if (Sizes is not null) foreach (var s in Sizes) parts.Add(s.ToString());
        if (Strides is not null) parts.Add("strides=[" + string.Join(", ", Strides) + "]");
        if (RequiresGrad is { } r) parts.Add("requires_grad=" + (r ? "1" : "0"));
        if (Device is { } dev) parts.Add("device=" + dev);
        sb.Append('(').Append(string.Join(", ", parts)).Append(')');
        return sb.ToString();
    }

    /// <summary>c10's ScalarType names as TorchScript prints them (Float, Double, Long, Bool …).</summary>
    public static string ScalarTypeName(DType d) => d switch
    {
        Flint.DType.Float32 => "Float", Flint.DType.Float64 => "Double", Flint.DType.Float16 => "Half",
        Flint.DType.BFloat16 => "BFloat16", Flint.DType.Int64 => "Long", Flint.DType.Int32 => "Int",
        Flint.DType.Int16 => "Short", Flint.DType.Int8 => "Char", Flint.DType.UInt8 => "Byte", _ => "Bool",
    };
}
