using Flint.Ops;

namespace Flint;

// Elementwise math, activations, comparisons and logical ops as tensor methods (x.Exp(), x.Gelu("tanh"), x.Lt(y)).
// Scalars become 0-dim tensors in the dtype PyTorch's promotion gives (ScalarLike).
public partial class Tensor
{
    private Tensor U(Op op) => Dispatcher.Call1(op, [this]);

    // ---- unary math ----
    public Tensor Abs() => U(UnaryOps.Abs);
    public Tensor Exp() => U(UnaryOps.Exp);
    public Tensor Exp2() => U(UnaryOps.Exp2);
    public Tensor Expm1() => U(UnaryOps.Expm1);
    public Tensor Log() => U(UnaryOps.Log);
    public Tensor Log2() => U(UnaryOps.Log2);
    public Tensor Log10() => U(UnaryOps.Log10);
    public Tensor Log1p() => U(UnaryOps.Log1p);
    public Tensor Sqrt() => U(UnaryOps.Sqrt);
    public Tensor Rsqrt() => U(UnaryOps.Rsqrt);
    /// <summary>x² (PyTorch's square is pow(x, 2), so its grad_fn is PowBackward0).</summary>
    public Tensor Square() => Pow(2);
    public Tensor Reciprocal() => U(UnaryOps.Reciprocal);
    public Tensor Sin() => U(UnaryOps.Sin);
    public Tensor Cos() => U(UnaryOps.Cos);
    public Tensor Tan() => U(UnaryOps.Tan);
    public Tensor Asin() => U(UnaryOps.Asin);
    public Tensor Acos() => U(UnaryOps.Acos);
    public Tensor Atan() => U(UnaryOps.Atan);
    public Tensor Sinh() => U(UnaryOps.Sinh);
    public Tensor Cosh() => U(UnaryOps.Cosh);
    public Tensor Tanh() => U(UnaryOps.Tanh);
    public Tensor Asinh() => U(UnaryOps.Asinh);
    public Tensor Acosh() => U(UnaryOps.Acosh);
    public Tensor Atanh() => U(UnaryOps.Atanh);
    public Tensor Erf() => U(UnaryOps.Erf);
    public Tensor Erfc() => U(UnaryOps.Erfc);
    public Tensor Erfinv() => U(UnaryOps.Erfinv);
    public Tensor Lgamma() => U(UnaryOps.Lgamma);
    public Tensor Digamma() => U(UnaryOps.Digamma);
    public Tensor Polygamma(int n)
    {
        if (n < 0) throw new ArgumentException("polygamma(n, x) does not support negative n.");
        return n == 0 ? Digamma() : U(UnaryOps.Polygamma(n));
    }
    public Tensor Floor() => U(UnaryOps.Floor);
    public Tensor Ceil() => U(UnaryOps.Ceil);
    public Tensor Trunc() => U(UnaryOps.Trunc);
    public Tensor Fix() => Trunc();
    public Tensor Round(int decimals = 0) => U(decimals == 0 ? UnaryOps.Round : UnaryOps.RoundDecimals(decimals));
    public Tensor Frac() => U(UnaryOps.Frac);
    public Tensor Sign() => U(UnaryOps.Sign);
    public Tensor Sgn() => Sign();
    public Tensor Neg()
    {
        if (DType == DType.Bool) throw new InvalidOperationException("Negation, the `-` operator, on a bool tensor is not supported. If you are trying to invert a mask, use the `~` or `logical_not()` operator instead.");
        return U(UnaryOps.Neg);
    }
    public Tensor Negative() => Neg();
    public Tensor Logit(double? eps = null) => U(eps is { } e ? UnaryOps.LogitEps(e) : UnaryOps.Logit);
    public Tensor NanToNum(double nan = 0, double? posinf = null, double? neginf = null) => U(UnaryOps.NanToNum(nan, posinf, neginf, DType));

    // ---- clamp ----
    public Tensor Clamp(Scalar? min = null, Scalar? max = null)
    {
        if (min is null && max is null) throw new ArgumentException("torch.clamp: At least one of 'min' or 'max' must not be None");
        // the bounds take part in type promotion: an integer tensor clamped to 0.5 becomes float
        var dt = TypePromotion.ResultType([this], min is { } a ? (max is { } b ? [a, b] : [a]) : [max!.Value]);
        var x = dt == DType ? this : To(dt);
        return x.U(UnaryOps.Clamp(min?.ToDouble(), max?.ToDouble()));
    }
    public Tensor Clamp(Tensor? min, Tensor? max = null)
    {
        if (min is null && max is null) throw new ArgumentException("torch.clamp: At least one of 'min' or 'max' must not be None");
        return Dispatcher.Call1(ClampTensorOp.Instance, [this, min, max]);
    }
    public Tensor Clip(Scalar? min = null, Scalar? max = null) => Clamp(min, max);
    public Tensor Clip(Tensor? min, Tensor? max = null) => Clamp(min, max);
    public Tensor ClampMin(Scalar min) => Clamp(min, null);
    public Tensor ClampMax(Scalar max) => Clamp(null, max);
    public Tensor ClampMin(Tensor min) => Clamp(min, null);
    public Tensor ClampMax(Tensor max) => Clamp(null, max);

    // ---- activations (torch.nn.functional's, also as tensor methods) ----
    public Tensor Sigmoid() => U(UnaryOps.Sigmoid);
    public Tensor Relu() => U(UnaryOps.Relu);
    public Tensor Relu6() => Hardtanh(0, 6);
    public Tensor Gelu(string approximate = "none") => approximate switch
    {
        "none" => U(UnaryOps.Gelu),
        "tanh" => U(UnaryOps.GeluTanh),
        _ => throw new ArgumentException($"approximate argument must be either none or tanh."),
    };
    public Tensor Silu() => U(UnaryOps.Silu);
    public Tensor Mish() => U(UnaryOps.Mish);
    public Tensor Softplus(double beta = 1, double threshold = 20) => U(UnaryOps.Softplus(beta, threshold));
    /// <summary>x / (1 + |x|) (composite in PyTorch too).</summary>
    public Tensor Softsign() => Div(Abs().Add(1));
    public Tensor Elu(double alpha = 1) => U(UnaryOps.Elu(alpha, 1, 1));
    public Tensor Selu() => U(UnaryOps.Elu(UnaryOps.SeluAlpha, UnaryOps.SeluScale, 1));
    public Tensor Celu(double alpha = 1)
    {
        if (alpha == 0) throw new ArgumentException("ZeroDivisionError");
        return U(UnaryOps.Elu(alpha, 1, 1 / alpha));
    }
    public Tensor LeakyRelu(double negativeSlope = 0.01) => U(UnaryOps.LeakyRelu(negativeSlope));
    public Tensor Hardtanh(double minVal = -1, double maxVal = 1) => U(UnaryOps.Hardtanh(minVal, maxVal));
    public Tensor Hardsigmoid() => U(UnaryOps.Hardsigmoid);
    public Tensor Hardswish() => U(UnaryOps.Hardswish);

    // ---- tests ----
    public Tensor IsNan() => U(PredicateOp.IsNan);
    public Tensor IsInf() => U(PredicateOp.IsInf);
    public Tensor IsPosInf() => U(PredicateOp.IsPosInf);
    public Tensor IsNegInf() => U(PredicateOp.IsNegInf);
    public Tensor IsFinite() => U(PredicateOp.IsFinite);

    // ---- comparisons and logical ops (bool results) ----
    public Tensor Eq(Tensor other) => Dispatcher.Call1(CompareOp.Eq, [this, other]);
    public Tensor Eq(Scalar other) => Eq(ScalarLike(other));
    public Tensor Ne(Tensor other) => Dispatcher.Call1(CompareOp.Ne, [this, other]);
    public Tensor Ne(Scalar other) => Ne(ScalarLike(other));
    public Tensor Lt(Tensor other) => Dispatcher.Call1(CompareOp.Lt, [this, other]);
    public Tensor Lt(Scalar other) => Lt(ScalarLike(other));
    public Tensor Le(Tensor other) => Dispatcher.Call1(CompareOp.Le, [this, other]);
    public Tensor Le(Scalar other) => Le(ScalarLike(other));
    public Tensor Gt(Tensor other) => Dispatcher.Call1(CompareOp.Gt, [this, other]);
    public Tensor Gt(Scalar other) => Gt(ScalarLike(other));
    public Tensor Ge(Tensor other) => Dispatcher.Call1(CompareOp.Ge, [this, other]);
    public Tensor Ge(Scalar other) => Ge(ScalarLike(other));
    public Tensor LogicalAnd(Tensor other) => Dispatcher.Call1(CompareOp.LogicalAnd, [this, other]);
    public Tensor LogicalOr(Tensor other) => Dispatcher.Call1(CompareOp.LogicalOr, [this, other]);
    public Tensor LogicalXor(Tensor other) => Dispatcher.Call1(CompareOp.LogicalXor, [this, other]);
    public Tensor LogicalNot() => U(PredicateOp.LogicalNot);
    public Tensor BitwiseAnd(Tensor other) => Dispatcher.Call1(BitwiseOp.And, [this, other]);
    public Tensor BitwiseAnd(Scalar other) => BitwiseAnd(ScalarLike(other));
    public Tensor BitwiseOr(Tensor other) => Dispatcher.Call1(BitwiseOp.Or, [this, other]);
    public Tensor BitwiseOr(Scalar other) => BitwiseOr(ScalarLike(other));
    public Tensor BitwiseXor(Tensor other) => Dispatcher.Call1(BitwiseOp.Xor, [this, other]);
    public Tensor BitwiseXor(Scalar other) => BitwiseXor(ScalarLike(other));
    public Tensor BitwiseNot() => U(BitwiseNotOp.Instance);

    /// <summary>|self − other| ≤ atol + rtol·|other| elementwise (torch.isclose).</summary>
    public Tensor IsClose(Tensor other, double rtol = 1e-05, double atol = 1e-08, bool equalNan = false)
    {
        if (DType != other.DType) throw new ArgumentException($"{CastName(DType)} did not match {CastName(other.DType)}");
        var fn = equalNan ? Kernels.Cpu.CompareFn.IsCloseEqualNan : Kernels.Cpu.CompareFn.IsClose;
        return Dispatcher.Call1(new CompareOp("isclose", fn, rtol, atol, $"rtol={PyFormat.Float(rtol)}, atol={PyFormat.Float(atol)}, equal_nan={(equalNan ? "True" : "False")}"), [this, other]);
    }

    /// <summary>True when every element IsClose (torch.allclose).</summary>
    public bool AllClose(Tensor other, double rtol = 1e-05, double atol = 1e-08, bool equalNan = false)
        => AllTrue(IsClose(other, rtol, atol, equalNan));

    /// <summary>True when both have the same shape and equal elements (torch.equal).</summary>
    public bool Equal(Tensor other) => ShapeUtil.SameShape(_sizes, other._sizes) && AllTrue(Eq(other));

    private static bool AllTrue(Tensor mask)
    {
        Dispatcher.NotifyValueRead(mask);
        var m = mask.ContiguousRaw();
        return !Kernels.Cpu.KernelDispatch.Data<bool>(m).Contains(false);
    }

    // ---- binary arithmetic beyond + − × ÷ ----
    public Tensor Div(Tensor other, string? roundingMode) => roundingMode switch
    {
        null => Div(other),
        "trunc" => Dispatcher.Call1(BinaryOps.DivTrunc, [this, other]),
        "floor" => Dispatcher.Call1(BinaryOps.DivFloor, [this, other]),
        _ => throw new ArgumentException($"div expected rounding_mode to be one of None, 'trunc', or 'floor' but found '{roundingMode}'"),
    };
    public Tensor Div(Scalar other, string? roundingMode) => Div(ScalarLike(other), roundingMode);
    public Tensor FloorDivide(Tensor other) => Dispatcher.Call1(BinaryOps.FloorDivide, [this, other]);
    public Tensor FloorDivide(Scalar other) => FloorDivide(ScalarLike(other));
    public Tensor Pow(Tensor exponent) => Dispatcher.Call1(BinaryOps.Pow, [this, exponent]);
    public Tensor Pow(Scalar exponent) => Dispatcher.Call1(new PowScalarOp(exponent), [this]);
    public Tensor Maximum(Tensor other) => Dispatcher.Call1(BinaryOps.Maximum, [this, other]);
    public Tensor Minimum(Tensor other) => Dispatcher.Call1(BinaryOps.Minimum, [this, other]);
    /// <summary>max(other): the elementwise maximum (torch.max's binary form; the same op as maximum).</summary>
    public Tensor Max(Tensor other) => Maximum(other);
    /// <summary>min(other): the elementwise minimum (torch.min's binary form; the same op as minimum).</summary>
    public Tensor Min(Tensor other) => Minimum(other);
    public Tensor Fmax(Tensor other) => Dispatcher.Call1(BinaryOps.Fmax, [this, other]);
    public Tensor Fmin(Tensor other) => Dispatcher.Call1(BinaryOps.Fmin, [this, other]);
    public Tensor Fmod(Tensor other) => Dispatcher.Call1(BinaryOps.Fmod, [this, other]);
    public Tensor Fmod(Scalar other) => Fmod(ScalarLike(other));
    public Tensor Remainder(Tensor other) => Dispatcher.Call1(BinaryOps.Remainder, [this, other]);
    public Tensor Remainder(Scalar other) => Remainder(ScalarLike(other));
    public Tensor Atan2(Tensor other) => Dispatcher.Call1(BinaryOps.Atan2, [this, other]);
    public Tensor Arctan2(Tensor other) => Atan2(other);
    public Tensor Hypot(Tensor other) => Dispatcher.Call1(BinaryOps.Hypot, [this, other]);

    /// <summary>self + weight·(end − self).</summary>
    public Tensor Lerp(Tensor end, Tensor weight) => Dispatcher.Call1(TernaryOp.Lerp(false), [this, end, weight]);
    public Tensor Lerp(Tensor end, Scalar weight) => Dispatcher.Call1(TernaryOp.Lerp(true), [this, end, Torch.ScalarTensor(weight, DType)]);
    /// <summary>self + value·tensor1·tensor2.</summary>
    public Tensor Addcmul(Tensor tensor1, Tensor tensor2, Scalar? value = null)
    {
        CheckValue(value, tensor1, tensor2);
        return Dispatcher.Call1(TernaryOp.Addcmul(value?.ToDouble() ?? 1), [this, tensor1, tensor2]);
    }
    /// <summary>self + value·tensor1/tensor2.</summary>
    public Tensor Addcdiv(Tensor tensor1, Tensor tensor2, Scalar? value = null)
    {
        if (!tensor1.DType.IsFloatingPoint() && !tensor2.DType.IsFloatingPoint())
            throw new ArgumentException("Integer division with addcdiv is no longer supported, and in a future release addcdiv will perform a true division of tensor1 and tensor2. The historic addcdiv behavior can be implemented as (input + value * torch.trunc(tensor1 / tensor2)).to(input.dtype) for integer inputs and as (input + value * tensor1 / tensor2) for float inputs. The future addcdiv behavior is just the latter implementation: (input + value * tensor1 / tensor2), for all dtypes.");
        CheckValue(value, tensor1, tensor2);
        return Dispatcher.Call1(TernaryOp.Addcdiv(value?.ToDouble() ?? 1), [this, tensor1, tensor2]);
    }

    private void CheckValue(Scalar? value, Tensor t1, Tensor t2)
    {
        if (value is { IsFloatingPoint: true } && !TypePromotion.ResultType([this, t1, t2]).IsFloatingPoint())
            throw new ArgumentException("For integral input tensors, argument value must not be a floating point number.");
    }
}
