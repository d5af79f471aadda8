using Flint.Ops;

namespace Flint;

// Arithmetic methods and C# operators. Scalars become 0-dim tensors in the dtype PyTorch's promotion gives.
public partial class Tensor
{
    public Tensor Add(Tensor other, Scalar? alpha = null)
        => Dispatcher.Call1(alpha is { } a && a.ToDouble() != 1 ? new AddOp(a.ToDouble()) : AddOp.Default, [this, other]);
    public Tensor Add(Scalar other, Scalar? alpha = null) => Add(ScalarLike(other), alpha);
    public Tensor Sub(Tensor other, Scalar? alpha = null)
    {
        if (DType == DType.Bool && other.DType == DType.Bool)
            throw new InvalidOperationException("Subtraction, the `-` operator, with two bool tensors is not supported. Use the `^` or `logical_xor()` operator instead.");
        return Dispatcher.Call1(new AddOp(alpha?.ToDouble() ?? 1, "sub"), [this, other]);
    }
    public Tensor Sub(Scalar other, Scalar? alpha = null) => Sub(ScalarLike(other), alpha);
    public Tensor Mul(Tensor other) => Dispatcher.Call1(MulOp.Instance, [this, other]);
    public Tensor Mul(Scalar other) => Mul(ScalarLike(other));
    public Tensor Div(Tensor other) => Dispatcher.Call1(DivOp.Instance, [this, other]);
    public Tensor Div(Scalar other) => Div(ScalarLike(other));
    public Tensor Neg()
    {
        if (DType == DType.Bool) throw new InvalidOperationException("Negation, the `-` operator, on a bool tensor is not supported. If you are trying to invert a mask, use the `~` or `logical_not()` operator instead.");
        return Dispatcher.Call1(UnaryOps.Neg, [this]);
    }
    public Tensor Exp() => Dispatcher.Call1(UnaryOps.Exp, [this]);
    public Tensor Log() => Dispatcher.Call1(UnaryOps.Log, [this]);

    /// <summary>A 0-dim tensor holding a scalar, in the dtype that promoting it with this tensor gives.</summary>
    internal Tensor ScalarLike(Scalar s) => Torch.ScalarTensor(s, TypePromotion.ResultType(this, s));

    public static Tensor operator +(Tensor a, Tensor b) => a.Add(b);
    public static Tensor operator +(Tensor a, Scalar b) => a.Add(b);
    public static Tensor operator +(Scalar a, Tensor b) => b.Add(a);
    public static Tensor operator -(Tensor a, Tensor b) => a.Sub(b);
    public static Tensor operator -(Tensor a, Scalar b) => a.Sub(b);
    public static Tensor operator -(Scalar a, Tensor b) => b.ScalarLike(a).Sub(b);
    public static Tensor operator *(Tensor a, Tensor b) => a.Mul(b);
    public static Tensor operator *(Tensor a, Scalar b) => a.Mul(b);
    public static Tensor operator *(Scalar a, Tensor b) => b.Mul(a);
    public static Tensor operator /(Tensor a, Tensor b) => a.Div(b);
    public static Tensor operator /(Tensor a, Scalar b) => a.Div(b);
    public static Tensor operator /(Scalar a, Tensor b) => b.ScalarLike(a).Div(b);
    public static Tensor operator -(Tensor a) => a.Neg();

    // ---- in-place forms: computed out of place, then written back with copy_ so autograd sees one in-place op ----

    public Tensor Add_(Tensor other, Scalar? alpha = null) => InPlace(Add(other, alpha));
    public Tensor Add_(Scalar other, Scalar? alpha = null) => InPlace(Add(other, alpha));
    public Tensor Sub_(Tensor other, Scalar? alpha = null) => InPlace(Sub(other, alpha));
    public Tensor Sub_(Scalar other, Scalar? alpha = null) => InPlace(Sub(other, alpha));
    public Tensor Mul_(Tensor other) => InPlace(Mul(other));
    public Tensor Mul_(Scalar other) => InPlace(Mul(other));
    public Tensor Div_(Tensor other) => InPlace(Div(other));
    public Tensor Div_(Scalar other) => InPlace(Div(other));
    public Tensor Neg_() => InPlace(Neg());
    public Tensor Exp_() => InPlace(Exp());
    public Tensor Log_() => InPlace(Log());

    /// <summary>
    /// Writes an out-of-place result back into this tensor, with PyTorch's in-place rules: the result must broadcast
    /// to this shape and its dtype must be castable to this dtype (no float into int); autograd records copy_.
    /// With grad recording on, the value that was computed from the old contents is cloned first, so the graph
    /// keeps the old values it saved.
    /// </summary>
    internal Tensor InPlace(Tensor result)
    {
        if (!ShapeUtil.SameShape(result._sizes, _sizes))
        {
            var b = ShapeUtil.Broadcast(_sizes, result._sizes);
            if (!ShapeUtil.SameShape(b, _sizes))
                throw new ArgumentException($"output with shape {ShapeUtil.Format(_sizes)} doesn't match the broadcast shape {ShapeUtil.Format(b)}");
        }
        if (!CanCast(result.DType, DType))
            throw new InvalidOperationException($"result type {CastName(result.DType)} can't be cast to the desired output type {CastName(DType)}");
        return Copy_(result);
    }

    internal static bool CanCast(DType from, DType to)
    {
        if (from.IsFloatingPoint() && !to.IsFloatingPoint()) return false;
        if (from != DType.Bool && to == DType.Bool) return false;
        return true;
    }

    internal static string CastName(DType t) => t switch
    {
        DType.Float32 => "Float", DType.Float64 => "Double", DType.Float16 => "Half", DType.BFloat16 => "BFloat16",
        DType.Int64 => "Long", DType.Int32 => "Int", DType.Int16 => "Short", DType.Int8 => "Char", DType.UInt8 => "Byte", _ => "Bool",
    };
}
