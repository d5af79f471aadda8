namespace Flint;

// torch.* elementwise functions: each forwards to the tensor method of the same name.
public static partial class Torch
{
    public static Tensor Abs(Tensor x) => x.Abs();
    public static Tensor Neg(Tensor x) => x.Neg();
    public static Tensor Exp(Tensor x) => x.Exp();
    public static Tensor Exp2(Tensor x) => x.Exp2();
    public static Tensor Expm1(Tensor x) => x.Expm1();
    public static Tensor Log(Tensor x) => x.Log();
    public static Tensor Log2(Tensor x) => x.Log2();
    public static Tensor Log10(Tensor x) => x.Log10();
    public static Tensor Log1p(Tensor x) => x.Log1p();
    public static Tensor Sqrt(Tensor x) => x.Sqrt();
    public static Tensor Rsqrt(Tensor x) => x.Rsqrt();
    public static Tensor Square(Tensor x) => x.Square();
    public static Tensor Reciprocal(Tensor x) => x.Reciprocal();
    public static Tensor Sin(Tensor x) => x.Sin();
    public static Tensor Cos(Tensor x) => x.Cos();
    public static Tensor Tan(Tensor x) => x.Tan();
    public static Tensor Asin(Tensor x) => x.Asin();
    public static Tensor Acos(Tensor x) => x.Acos();
    public static Tensor Atan(Tensor x) => x.Atan();
    public static Tensor Sinh(Tensor x) => x.Sinh();
    public static Tensor Cosh(Tensor x) => x.Cosh();
    public static Tensor Tanh(Tensor x) => x.Tanh();
    public static Tensor Asinh(Tensor x) => x.Asinh();
    public static Tensor Acosh(Tensor x) => x.Acosh();
    public static Tensor Atanh(Tensor x) => x.Atanh();
    public static Tensor Erf(Tensor x) => x.Erf();
    public static Tensor Erfc(Tensor x) => x.Erfc();
    public static Tensor Erfinv(Tensor x) => x.Erfinv();
    public static Tensor Lgamma(Tensor x) => x.Lgamma();
    public static Tensor Digamma(Tensor x) => x.Digamma();
    public static Tensor Polygamma(int n, Tensor x) => x.Polygamma(n);
    public static Tensor Floor(Tensor x) => x.Floor();
    public static Tensor Ceil(Tensor x) => x.Ceil();
    public static Tensor Trunc(Tensor x) => x.Trunc();
    public static Tensor Round(Tensor x, int decimals = 0) => x.Round(decimals);
    public static Tensor Frac(Tensor x) => x.Frac();
    public static Tensor Sign(Tensor x) => x.Sign();
    public static Tensor Logit(Tensor x, double? eps = null) => x.Logit(eps);
    public static Tensor NanToNum(Tensor x, double nan = 0, double? posinf = null, double? neginf = null) => x.NanToNum(nan, posinf, neginf);
    public static Tensor Clamp(Tensor x, Scalar? min = null, Scalar? max = null) => x.Clamp(min, max);
    public static Tensor Clamp(Tensor x, Tensor? min, Tensor? max = null) => x.Clamp(min, max);
    public static Tensor Clip(Tensor x, Scalar? min = null, Scalar? max = null) => x.Clamp(min, max);
    public static Tensor Clip(Tensor x, Tensor? min, Tensor? max = null) => x.Clamp(min, max);
    public static Tensor IsNan(Tensor x) => x.IsNan();
    public static Tensor IsInf(Tensor x) => x.IsInf();
    public static Tensor IsPosInf(Tensor x) => x.IsPosInf();
    public static Tensor IsNegInf(Tensor x) => x.IsNegInf();
    public static Tensor IsFinite(Tensor x) => x.IsFinite();

    // activations
    public static Tensor Sigmoid(Tensor x) => x.Sigmoid();
    public static Tensor Relu(Tensor x) => x.Relu();
    public static Tensor Relu6(Tensor x) => x.Relu6();
    public static Tensor Gelu(Tensor x, string approximate = "none") => x.Gelu(approximate);
    public static Tensor Silu(Tensor x) => x.Silu();
    public static Tensor Mish(Tensor x) => x.Mish();
    public static Tensor Softplus(Tensor x, double beta = 1, double threshold = 20) => x.Softplus(beta, threshold);
    public static Tensor Softsign(Tensor x) => x.Softsign();
    public static Tensor Elu(Tensor x, double alpha = 1) => x.Elu(alpha);
    public static Tensor Selu(Tensor x) => x.Selu();
    public static Tensor Celu(Tensor x, double alpha = 1) => x.Celu(alpha);
    public static Tensor LeakyRelu(Tensor x, double negativeSlope = 0.01) => x.LeakyRelu(negativeSlope);
    public static Tensor Hardtanh(Tensor x, double minVal = -1, double maxVal = 1) => x.Hardtanh(minVal, maxVal);
    public static Tensor Hardsigmoid(Tensor x) => x.Hardsigmoid();
    public static Tensor Hardswish(Tensor x) => x.Hardswish();

    // binary
    public static Tensor Add(Tensor a, Tensor b, Scalar? alpha = null) => a.Add(b, alpha);
    public static Tensor Add(Tensor a, Scalar b, Scalar? alpha = null) => a.Add(b, alpha);
    public static Tensor Sub(Tensor a, Tensor b, Scalar? alpha = null) => a.Sub(b, alpha);
    public static Tensor Sub(Tensor a, Scalar b, Scalar? alpha = null) => a.Sub(b, alpha);
    public static Tensor Mul(Tensor a, Tensor b) => a.Mul(b);
    public static Tensor Mul(Tensor a, Scalar b) => a.Mul(b);
    public static Tensor Div(Tensor a, Tensor b, string? roundingMode = null) => a.Div(b, roundingMode);
    public static Tensor Div(Tensor a, Scalar b, string? roundingMode = null) => a.Div(b, roundingMode);
    public static Tensor FloorDivide(Tensor a, Tensor b) => a.FloorDivide(b);
    public static Tensor FloorDivide(Tensor a, Scalar b) => a.FloorDivide(b);
    public static Tensor Pow(Tensor a, Tensor b) => a.Pow(b);
    public static Tensor Pow(Tensor a, Scalar b) => a.Pow(b);
    /// <summary>scalar ** tensor: the scalar becomes a 0-dim tensor of the promoted dtype.</summary>
    public static Tensor Pow(Scalar a, Tensor b) => b.ScalarLike(a).Pow(b);
    public static Tensor Maximum(Tensor a, Tensor b) => a.Maximum(b);
    public static Tensor Minimum(Tensor a, Tensor b) => a.Minimum(b);
    public static Tensor Fmax(Tensor a, Tensor b) => a.Fmax(b);
    public static Tensor Fmin(Tensor a, Tensor b) => a.Fmin(b);
    public static Tensor Fmod(Tensor a, Tensor b) => a.Fmod(b);
    public static Tensor Fmod(Tensor a, Scalar b) => a.Fmod(b);
    public static Tensor Remainder(Tensor a, Tensor b) => a.Remainder(b);
    public static Tensor Remainder(Tensor a, Scalar b) => a.Remainder(b);
    public static Tensor Remainder(Scalar a, Tensor b) => b.ScalarLike(a).Remainder(b);
    public static Tensor Atan2(Tensor a, Tensor b) => a.Atan2(b);
    public static Tensor Hypot(Tensor a, Tensor b) => a.Hypot(b);
    public static Tensor Lerp(Tensor start, Tensor end, Tensor weight) => start.Lerp(end, weight);
    public static Tensor Lerp(Tensor start, Tensor end, Scalar weight) => start.Lerp(end, weight);
    public static Tensor Addcmul(Tensor self, Tensor tensor1, Tensor tensor2, Scalar? value = null) => self.Addcmul(tensor1, tensor2, value);
    public static Tensor Addcdiv(Tensor self, Tensor tensor1, Tensor tensor2, Scalar? value = null) => self.Addcdiv(tensor1, tensor2, value);

    // comparisons, logical, bitwise
    public static Tensor Eq(Tensor a, Tensor b) => a.Eq(b);
    public static Tensor Eq(Tensor a, Scalar b) => a.Eq(b);
    public static Tensor Ne(Tensor a, Tensor b) => a.Ne(b);
    public static Tensor Ne(Tensor a, Scalar b) => a.Ne(b);
    public static Tensor Lt(Tensor a, Tensor b) => a.Lt(b);
    public static Tensor Lt(Tensor a, Scalar b) => a.Lt(b);
    public static Tensor Le(Tensor a, Tensor b) => a.Le(b);
    public static Tensor Le(Tensor a, Scalar b) => a.Le(b);
    public static Tensor Gt(Tensor a, Tensor b) => a.Gt(b);
    public static Tensor Gt(Tensor a, Scalar b) => a.Gt(b);
    public static Tensor Ge(Tensor a, Tensor b) => a.Ge(b);
    public static Tensor Ge(Tensor a, Scalar b) => a.Ge(b);
    public static Tensor LogicalAnd(Tensor a, Tensor b) => a.LogicalAnd(b);
    public static Tensor LogicalOr(Tensor a, Tensor b) => a.LogicalOr(b);
    public static Tensor LogicalXor(Tensor a, Tensor b) => a.LogicalXor(b);
    public static Tensor LogicalNot(Tensor a) => a.LogicalNot();
    public static Tensor BitwiseAnd(Tensor a, Tensor b) => a.BitwiseAnd(b);
    public static Tensor BitwiseOr(Tensor a, Tensor b) => a.BitwiseOr(b);
    public static Tensor BitwiseXor(Tensor a, Tensor b) => a.BitwiseXor(b);
    public static Tensor BitwiseNot(Tensor a) => a.BitwiseNot();
    public static Tensor IsClose(Tensor a, Tensor b, double rtol = 1e-05, double atol = 1e-08, bool equalNan = false) => a.IsClose(b, rtol, atol, equalNan);
    public static bool AllClose(Tensor a, Tensor b, double rtol = 1e-05, double atol = 1e-08, bool equalNan = false) => a.AllClose(b, rtol, atol, equalNan);
    public static bool Equal(Tensor a, Tensor b) => a.Equal(b);

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
