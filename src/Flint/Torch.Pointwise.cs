namespace Flint;

// torch.* elementwise functions: each forwards to the tensor method of the same name.
public static partial class Torch
{
    public static Tensor Abs(Tensor input) => input.Abs();
    public static Tensor Neg(Tensor input) => input.Neg();
    public static Tensor Exp(Tensor input) => input.Exp();
    public static Tensor Exp2(Tensor input) => input.Exp2();
    public static Tensor Expm1(Tensor input) => input.Expm1();
    public static Tensor Log(Tensor input) => input.Log();
    public static Tensor Log2(Tensor input) => input.Log2();
    public static Tensor Log10(Tensor input) => input.Log10();
    public static Tensor Log1p(Tensor input) => input.Log1p();
    public static Tensor Sqrt(Tensor input) => input.Sqrt();
    public static Tensor Rsqrt(Tensor input) => input.Rsqrt();
    public static Tensor Square(Tensor input) => input.Square();
    public static Tensor Reciprocal(Tensor input) => input.Reciprocal();
    public static Tensor Sin(Tensor input) => input.Sin();
    public static Tensor Cos(Tensor input) => input.Cos();
    public static Tensor Tan(Tensor input) => input.Tan();
    public static Tensor Asin(Tensor input) => input.Asin();
    public static Tensor Acos(Tensor input) => input.Acos();
    public static Tensor Atan(Tensor input) => input.Atan();
    public static Tensor Sinh(Tensor input) => input.Sinh();
    public static Tensor Cosh(Tensor input) => input.Cosh();
    public static Tensor Tanh(Tensor input) => input.Tanh();
    public static Tensor Asinh(Tensor input) => input.Asinh();
    public static Tensor Acosh(Tensor input) => input.Acosh();
    public static Tensor Atanh(Tensor input) => input.Atanh();
    public static Tensor Erf(Tensor input) => input.Erf();
    public static Tensor Erfc(Tensor input) => input.Erfc();
    public static Tensor Erfinv(Tensor input) => input.Erfinv();
    public static Tensor Lgamma(Tensor input) => input.Lgamma();
    public static Tensor Digamma(Tensor input) => input.Digamma();
    public static Tensor Polygamma(int n, Tensor input) => input.Polygamma(n);
    public static Tensor Floor(Tensor input) => input.Floor();
    public static Tensor Ceil(Tensor input) => input.Ceil();
    public static Tensor Trunc(Tensor input) => input.Trunc();
    public static Tensor Round(Tensor input, int decimals = 0) => input.Round(decimals);
    public static Tensor Frac(Tensor input) => input.Frac();
    public static Tensor Sign(Tensor input) => input.Sign();
    public static Tensor Logit(Tensor input, double? eps = null) => input.Logit(eps);
    public static Tensor NanToNum(Tensor input, double nan = 0, double? posinf = null, double? neginf = null) => input.NanToNum(nan, posinf, neginf);
    public static Tensor Clamp(Tensor input, Scalar? min = null, Scalar? max = null) => input.Clamp(min, max);
    public static Tensor Clamp(Tensor input, Tensor? min, Tensor? max = null) => input.Clamp(min, max);
    public static Tensor Clip(Tensor input, Scalar? min = null, Scalar? max = null) => input.Clamp(min, max);
    public static Tensor Clip(Tensor input, Tensor? min, Tensor? max = null) => input.Clamp(min, max);
    public static Tensor IsNan(Tensor input) => input.IsNan();
    public static Tensor IsInf(Tensor input) => input.IsInf();
    public static Tensor IsPosInf(Tensor input) => input.IsPosInf();
    public static Tensor IsNegInf(Tensor input) => input.IsNegInf();
    public static Tensor IsFinite(Tensor input) => input.IsFinite();

    // activations
    public static Tensor Sigmoid(Tensor input) => input.Sigmoid();
    public static Tensor Relu(Tensor input) => input.Relu();
    public static Tensor Relu6(Tensor input) => input.Relu6();
    public static Tensor Gelu(Tensor input, string approximate = "none") => input.Gelu(approximate);
    public static Tensor Silu(Tensor input) => input.Silu();
    public static Tensor Mish(Tensor input) => input.Mish();
    public static Tensor Softplus(Tensor input, double beta = 1, double threshold = 20) => input.Softplus(beta, threshold);
    public static Tensor Softsign(Tensor input) => input.Softsign();
    public static Tensor Elu(Tensor input, double alpha = 1) => input.Elu(alpha);
    public static Tensor Selu(Tensor input) => input.Selu();
    public static Tensor Celu(Tensor input, double alpha = 1) => input.Celu(alpha);
    public static Tensor LeakyRelu(Tensor input, double negativeSlope = 0.01) => input.LeakyRelu(negativeSlope);
    public static Tensor Hardtanh(Tensor input, double minVal = -1, double maxVal = 1) => input.Hardtanh(minVal, maxVal);
    public static Tensor Hardsigmoid(Tensor input) => input.Hardsigmoid();
    public static Tensor Hardswish(Tensor input) => input.Hardswish();

    // binary
    public static Tensor Add(Tensor input, Tensor other, Scalar? alpha = null) => input.Add(other, alpha);
    public static Tensor Add(Tensor input, Scalar other, Scalar? alpha = null) => input.Add(other, alpha);
    public static Tensor Sub(Tensor input, Tensor other, Scalar? alpha = null) => input.Sub(other, alpha);
    public static Tensor Sub(Tensor input, Scalar other, Scalar? alpha = null) => input.Sub(other, alpha);
    public static Tensor Mul(Tensor input, Tensor other) => input.Mul(other);
    public static Tensor Mul(Tensor input, Scalar other) => input.Mul(other);
    public static Tensor Div(Tensor input, Tensor other, string? roundingMode = null) => input.Div(other, roundingMode);
    public static Tensor Div(Tensor input, Scalar other, string? roundingMode = null) => input.Div(other, roundingMode);
    public static Tensor FloorDivide(Tensor input, Tensor other) => input.FloorDivide(other);
    public static Tensor FloorDivide(Tensor input, Scalar other) => input.FloorDivide(other);
    public static Tensor Pow(Tensor input, Tensor other) => input.Pow(other);
    public static Tensor Pow(Tensor input, Scalar other) => input.Pow(other);
    /// <summary>scalar ** tensor: the scalar becomes a 0-dim tensor of the promoted dtype.</summary>
    public static Tensor Pow(Scalar input, Tensor other) => other.ScalarLike(input).Pow(other);
    public static Tensor Maximum(Tensor input, Tensor other) => input.Maximum(other);
    public static Tensor Minimum(Tensor input, Tensor other) => input.Minimum(other);
    public static Tensor Fmax(Tensor input, Tensor other) => input.Fmax(other);
    public static Tensor Fmin(Tensor input, Tensor other) => input.Fmin(other);
    public static Tensor Fmod(Tensor input, Tensor other) => input.Fmod(other);
    public static Tensor Fmod(Tensor input, Scalar other) => input.Fmod(other);
    public static Tensor Remainder(Tensor input, Tensor other) => input.Remainder(other);
    public static Tensor Remainder(Tensor input, Scalar other) => input.Remainder(other);
    public static Tensor Remainder(Scalar input, Tensor other) => other.ScalarLike(input).Remainder(other);
    public static Tensor Atan2(Tensor input, Tensor other) => input.Atan2(other);
    public static Tensor Hypot(Tensor input, Tensor other) => input.Hypot(other);
    public static Tensor Lerp(Tensor start, Tensor end, Tensor weight) => start.Lerp(end, weight);
    public static Tensor Lerp(Tensor start, Tensor end, Scalar weight) => start.Lerp(end, weight);
    public static Tensor Addcmul(Tensor self, Tensor tensor1, Tensor tensor2, Scalar? value = null) => self.Addcmul(tensor1, tensor2, value);
    public static Tensor Addcdiv(Tensor self, Tensor tensor1, Tensor tensor2, Scalar? value = null) => self.Addcdiv(tensor1, tensor2, value);

    // comparisons, logical, bitwise
    public static Tensor Eq(Tensor input, Tensor other) => input.Eq(other);
    public static Tensor Eq(Tensor input, Scalar other) => input.Eq(other);
    public static Tensor Ne(Tensor input, Tensor other) => input.Ne(other);
    public static Tensor Ne(Tensor input, Scalar other) => input.Ne(other);
    public static Tensor Lt(Tensor input, Tensor other) => input.Lt(other);
    public static Tensor Lt(Tensor input, Scalar other) => input.Lt(other);
    public static Tensor Le(Tensor input, Tensor other) => input.Le(other);
    public static Tensor Le(Tensor input, Scalar other) => input.Le(other);
    public static Tensor Gt(Tensor input, Tensor other) => input.Gt(other);
    public static Tensor Gt(Tensor input, Scalar other) => input.Gt(other);
    public static Tensor Ge(Tensor input, Tensor other) => input.Ge(other);
    public static Tensor Ge(Tensor input, Scalar other) => input.Ge(other);
    public static Tensor LogicalAnd(Tensor input, Tensor other) => input.LogicalAnd(other);
    public static Tensor LogicalOr(Tensor input, Tensor other) => input.LogicalOr(other);
    public static Tensor LogicalXor(Tensor input, Tensor other) => input.LogicalXor(other);
    public static Tensor LogicalNot(Tensor input) => input.LogicalNot();
    public static Tensor BitwiseAnd(Tensor input, Tensor other) => input.BitwiseAnd(other);
    public static Tensor BitwiseOr(Tensor input, Tensor other) => input.BitwiseOr(other);
    public static Tensor BitwiseXor(Tensor input, Tensor other) => input.BitwiseXor(other);
    public static Tensor BitwiseNot(Tensor input) => input.BitwiseNot();
    public static Tensor IsClose(Tensor input, Tensor other, double rtol = 1e-05, double atol = 1e-08, bool equalNan = false) => input.IsClose(other, rtol, atol, equalNan);
    public static bool AllClose(Tensor input, Tensor other, double rtol = 1e-05, double atol = 1e-08, bool equalNan = false) => input.AllClose(other, rtol, atol, equalNan);
    public static bool Equal(Tensor input, Tensor other) => input.Equal(other);

    /// <summary>torch.where(condition, input, other): input where condition holds, other elsewhere (broadcast, promoted).</summary>
    public static Tensor Where(Tensor condition, Tensor input, Tensor other) => Dispatcher.Call1(WhereOp.Instance, [condition, input, other]);
    public static Tensor Where(Tensor condition, Tensor input, Scalar other) => Where(condition, input, input.ScalarLike(other));
    public static Tensor Where(Tensor condition, Scalar input, Tensor other) => Where(condition, other.ScalarLike(input), other);
    public static Tensor Where(Tensor condition, Scalar input, Scalar other)
    {
        var dt = TypePromotion.ResultType(ReadOnlySpan<Flint.Tensor>.Empty, [input, other]);
        return Where(condition, ScalarTensor(input, dt), ScalarTensor(other, dt));
    }
}
