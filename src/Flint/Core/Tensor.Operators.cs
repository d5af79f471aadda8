using Flint.Ops;

namespace Flint;

// Arithmetic methods and C# operators. Scalars become 0-dim tensors in the dtype PyTorch's promotion gives.
public partial class Tensor
{
    public Tensor Add(Tensor other, Scalar? alpha = null)
    {
        if (alpha is not { } a) return Dispatcher.Call1(AddOp.Default, [this, other]);
        CheckAlpha(a, other);
        return Dispatcher.Call1(a.ToDouble() == 1 ? AddOp.Default : new AddOp(a.ToDouble()), [this, other]);
    }
    public Tensor Add(Scalar other, Scalar? alpha = null) => Add(ScalarLike(other), alpha);
    public Tensor Sub(Tensor other, Scalar? alpha = null)
    {
        if (DType == DType.Bool && other.DType == DType.Bool)
            throw new InvalidOperationException("Subtraction, the `-` operator, with two bool tensors is not supported. Use the `^` or `logical_xor()` operator instead.");
        if (DType == DType.Bool || other.DType == DType.Bool)
            throw new InvalidOperationException("Subtraction, the `-` operator, with a bool tensor is not supported. If you are trying to invert a mask, use the `~` or `logical_not()` operator instead.");
        if (alpha is not { } a) return Dispatcher.Call1(AddOp.SubDefault, [this, other]);
        CheckAlpha(a, other);
        return Dispatcher.Call1(a.ToDouble() == 1 ? AddOp.SubDefault : new AddOp(a.ToDouble(), "sub"), [this, other]);
    }
    public Tensor Sub(Scalar other, Scalar? alpha = null) => Sub(ScalarLike(other), alpha);
    public Tensor Subtract(Tensor other, Scalar? alpha = null) => Sub(other, alpha);
    public Tensor Mul(Tensor other) => Dispatcher.Call1(BinaryOps.Mul, [this, other]);
    public Tensor Mul(Scalar other) => Mul(ScalarLike(other));
    public Tensor Multiply(Tensor other) => Mul(other);
    public Tensor Div(Tensor other) => Dispatcher.Call1(BinaryOps.Div, [this, other]);
    public Tensor Div(Scalar other) => Div(ScalarLike(other));
    public Tensor Divide(Tensor other, string? roundingMode = null) => Div(other, roundingMode);
    public Tensor TrueDivide(Tensor other) => Div(other);

    private void CheckAlpha(Scalar alpha, Tensor other)
    {
        if (alpha.IsFloatingPoint && !TypePromotion.ResultType(this, other).IsFloatingPoint())
            throw new ArgumentException("For integral input tensors, argument alpha must not be a floating point number.");
    }

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
    public static Tensor operator %(Tensor a, Tensor b) => a.Remainder(b);
    public static Tensor operator %(Tensor a, Scalar b) => a.Remainder(b);
    public static Tensor operator -(Tensor a) => a.Neg();

    // Comparisons return bool tensors. == and != stay reference equality in C#: use Eq / Ne.
    public static Tensor operator <(Tensor a, Tensor b) => a.Lt(b);
    public static Tensor operator >(Tensor a, Tensor b) => a.Gt(b);
    public static Tensor operator <=(Tensor a, Tensor b) => a.Le(b);
    public static Tensor operator >=(Tensor a, Tensor b) => a.Ge(b);
    public static Tensor operator <(Tensor a, Scalar b) => a.Lt(b);
    public static Tensor operator >(Tensor a, Scalar b) => a.Gt(b);
    public static Tensor operator <=(Tensor a, Scalar b) => a.Le(b);
    public static Tensor operator >=(Tensor a, Scalar b) => a.Ge(b);
    public static Tensor operator <(Scalar a, Tensor b) => b.Gt(a);
    public static Tensor operator >(Scalar a, Tensor b) => b.Lt(a);
    public static Tensor operator <=(Scalar a, Tensor b) => b.Ge(a);
    public static Tensor operator >=(Scalar a, Tensor b) => b.Le(a);

    // Bitwise on integer and bool tensors (on bool: logical and/or/xor/not).
    public static Tensor operator &(Tensor a, Tensor b) => a.BitwiseAnd(b);
    public static Tensor operator |(Tensor a, Tensor b) => a.BitwiseOr(b);
    public static Tensor operator ^(Tensor a, Tensor b) => a.BitwiseXor(b);
    public static Tensor operator &(Tensor a, Scalar b) => a.BitwiseAnd(b);
    public static Tensor operator |(Tensor a, Scalar b) => a.BitwiseOr(b);
    public static Tensor operator ^(Tensor a, Scalar b) => a.BitwiseXor(b);
    public static Tensor operator ~(Tensor a) => a.BitwiseNot();

    // ---- in-place forms: computed out of place, then written back with copy_ so autograd sees one in-place op ----

    public Tensor Add_(Tensor other, Scalar? alpha = null) => InPlace(() => Add(other, alpha), other);
    public Tensor Add_(Scalar other, Scalar? alpha = null) => InPlace(() => Add(other, alpha));
    public Tensor Sub_(Tensor other, Scalar? alpha = null) => InPlace(() => Sub(other, alpha), other);
    public Tensor Sub_(Scalar other, Scalar? alpha = null) => InPlace(() => Sub(other, alpha));
    public Tensor Mul_(Tensor other) => InPlace(() => Mul(other), other);
    public Tensor Mul_(Scalar other) => InPlace(() => Mul(other));
    public Tensor Div_(Tensor other, string? roundingMode = null) => InPlace(() => Div(other, roundingMode), other);
    public Tensor Div_(Scalar other, string? roundingMode = null) => InPlace(() => Div(other, roundingMode));
    public Tensor FloorDivide_(Tensor other) => InPlace(() => FloorDivide(other), other);
    public Tensor FloorDivide_(Scalar other) => InPlace(() => FloorDivide(other));
    public Tensor Pow_(Tensor exponent) => InPlace(() => Pow(exponent), exponent);
    public Tensor Pow_(Scalar exponent) => InPlace(() => Pow(exponent));
    public Tensor Fmod_(Tensor other) => InPlace(() => Fmod(other), other);
    public Tensor Fmod_(Scalar other) => InPlace(() => Fmod(other));
    public Tensor Remainder_(Tensor other) => InPlace(() => Remainder(other), other);
    public Tensor Remainder_(Scalar other) => InPlace(() => Remainder(other));
    public Tensor Atan2_(Tensor other) => InPlace(() => Atan2(other), other);
    public Tensor Hypot_(Tensor other) => InPlace(() => Hypot(other), other);
    public Tensor Lerp_(Tensor end, Tensor weight) => InPlace(Lerp(end, weight));
    public Tensor Lerp_(Tensor end, Scalar weight) => InPlace(Lerp(end, weight));
    public Tensor Addcmul_(Tensor tensor1, Tensor tensor2, Scalar? value = null) => InPlace(Addcmul(tensor1, tensor2, value));
    public Tensor Addcdiv_(Tensor tensor1, Tensor tensor2, Scalar? value = null) => InPlace(Addcdiv(tensor1, tensor2, value));
    public Tensor Eq_(Tensor other) => InPlace(Eq(other));
    public Tensor Eq_(Scalar other) => InPlace(Eq(other));
    public Tensor Ne_(Tensor other) => InPlace(Ne(other));
    public Tensor Ne_(Scalar other) => InPlace(Ne(other));
    public Tensor Lt_(Tensor other) => InPlace(Lt(other));
    public Tensor Lt_(Scalar other) => InPlace(Lt(other));
    public Tensor Le_(Tensor other) => InPlace(Le(other));
    public Tensor Le_(Scalar other) => InPlace(Le(other));
    public Tensor Gt_(Tensor other) => InPlace(Gt(other));
    public Tensor Gt_(Scalar other) => InPlace(Gt(other));
    public Tensor Ge_(Tensor other) => InPlace(Ge(other));
    public Tensor Ge_(Scalar other) => InPlace(Ge(other));
    public Tensor LogicalAnd_(Tensor other) => InPlace(LogicalAnd(other));
    public Tensor LogicalOr_(Tensor other) => InPlace(LogicalOr(other));
    public Tensor LogicalXor_(Tensor other) => InPlace(LogicalXor(other));
    public Tensor LogicalNot_() => InPlace(LogicalNot());
    public Tensor BitwiseAnd_(Tensor other) => InPlace(BitwiseAnd(other));
    public Tensor BitwiseOr_(Tensor other) => InPlace(BitwiseOr(other));
    public Tensor BitwiseXor_(Tensor other) => InPlace(BitwiseXor(other));
    public Tensor BitwiseNot_() => InPlace(BitwiseNot());

    public Tensor Neg_() => InPlace(() => Neg());
    public Tensor Abs_() => InPlace(() => Abs());
    public Tensor Exp_() => InPlace(() => Exp());
    public Tensor Exp2_() => InPlace(() => Exp2());
    public Tensor Expm1_() => InPlace(() => Expm1());
    public Tensor Log_() => InPlace(() => Log());
    public Tensor Log2_() => InPlace(() => Log2());
    public Tensor Log10_() => InPlace(() => Log10());
    public Tensor Log1p_() => InPlace(() => Log1p());
    public Tensor Sqrt_() => InPlace(() => Sqrt());
    public Tensor Rsqrt_() => InPlace(() => Rsqrt());
    public Tensor Square_() => InPlace(() => Square());
    public Tensor Reciprocal_() => InPlace(() => Reciprocal());
    public Tensor Sin_() => InPlace(() => Sin());
    public Tensor Cos_() => InPlace(() => Cos());
    public Tensor Tan_() => InPlace(() => Tan());
    public Tensor Asin_() => InPlace(() => Asin());
    public Tensor Acos_() => InPlace(() => Acos());
    public Tensor Atan_() => InPlace(() => Atan());
    public Tensor Sinh_() => InPlace(() => Sinh());
    public Tensor Cosh_() => InPlace(() => Cosh());
    public Tensor Tanh_() => InPlace(() => Tanh());
    public Tensor Asinh_() => InPlace(() => Asinh());
    public Tensor Acosh_() => InPlace(() => Acosh());
    public Tensor Atanh_() => InPlace(() => Atanh());
    public Tensor Erf_() => InPlace(() => Erf());
    public Tensor Erfc_() => InPlace(() => Erfc());
    public Tensor Erfinv_() => InPlace(() => Erfinv());
    public Tensor Lgamma_() => InPlace(() => Lgamma());
    public Tensor Digamma_() => InPlace(() => Digamma());
    public Tensor Polygamma_(int n) => InPlace(Polygamma(n));
    public Tensor Floor_() => InPlace(() => Floor());
    public Tensor Ceil_() => InPlace(() => Ceil());
    public Tensor Trunc_() => InPlace(() => Trunc());
    public Tensor Round_(int decimals = 0) => InPlace(() => Round(decimals));
    public Tensor Frac_() => InPlace(() => Frac());
    public Tensor Sign_() => InPlace(() => Sign());
    public Tensor Logit_(double? eps = null) => InPlace(() => Logit(eps));
    public Tensor NanToNum_(double nan = 0, double? posinf = null, double? neginf = null) => InPlace(() => NanToNum(nan, posinf, neginf));
    public Tensor Clamp_(Scalar? min = null, Scalar? max = null) => InPlace(() => Clamp(min, max));
    public Tensor Clamp_(Tensor? min, Tensor? max = null) => InPlace(Clamp(min, max));
    public Tensor Clip_(Scalar? min = null, Scalar? max = null) => InPlace(() => Clamp(min, max));
    public Tensor Clip_(Tensor? min, Tensor? max = null) => InPlace(Clamp(min, max));
    public Tensor ClampMin_(Scalar min) => InPlace(() => ClampMin(min));
    public Tensor ClampMax_(Scalar max) => InPlace(() => ClampMax(max));
    public Tensor Sigmoid_() => InPlace(() => Sigmoid());
    public Tensor Relu_() => InPlace(() => Relu());
    public Tensor Relu6_() => InPlace(() => Relu6());
    public Tensor Silu_() => InPlace(() => Silu());
    public Tensor Mish_() => InPlace(() => Mish());
    public Tensor Elu_(double alpha = 1) => InPlace(() => Elu(alpha));
    public Tensor Selu_() => InPlace(() => Selu());
    public Tensor Celu_(double alpha = 1) => InPlace(() => Celu(alpha));
    public Tensor LeakyRelu_(double negativeSlope = 0.01) => InPlace(() => LeakyRelu(negativeSlope));
    public Tensor Hardtanh_(double minVal = -1, double maxVal = 1) => InPlace(() => Hardtanh(minVal, maxVal));
    public Tensor Hardsigmoid_() => InPlace(() => Hardsigmoid());
    public Tensor Hardswish_() => InPlace(() => Hardswish());

    /// <summary>
    /// An in-place form of an op that is one elementwise kernel with this tensor as its first operand (add_, mul_,
    /// exp_ …). When nothing records the call (no gradient wanted, no dispatch mode capturing it) and this tensor is
    /// contiguous, the kernel writes straight into this tensor's memory: no temporary and no copy back, half the memory
    /// traffic. Otherwise, or when the op cannot (a dtype that needs a cast, a broadcast to a larger shape, an operand
    /// overlapping this one), the result is computed aside and copied in by <see cref="InPlace(Tensor)"/>.
    /// Only for ops that are a single kernel: a composite one could overwrite this tensor in its first step and read it
    /// again in a later one.
    /// </summary>
    internal Tensor InPlace(Func<Tensor> op, Tensor? other = null)
    {
        if (!IsContiguous() || Dispatcher.ModeActive || (GradMode.IsEnabled && (RequiresGrad || other is { RequiresGrad: true })))
            return InPlace(op());
        var outer = PointwiseForward.SwapTarget(this);
        Tensor result;
        try { result = op(); }
        finally { PointwiseForward.SwapTarget(outer); }
        if (!ReferenceEquals(result, this)) return InPlace(result);
        _storage.Version++;
        return this;
    }

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
