using Flint.NN;
using static Flint.Graphs.Schemas.SchemaTable.Helpers;
using F = Flint.NN.Functional;

namespace Flint.Graphs.Schemas;

/// <summary>
/// The registered op schemas, one line each: ATen's signature and how to run it. Adding an op is one more line
/// here (and, if its Flint op has attributes, an <see cref="Op.Bind"/> override that produces this schema's call).
/// Flint-internal ops without an ATen counterpart (the kernels some backward formulas call) use the flint::
/// namespace.
/// </summary>
internal static partial class SchemaTable
{
    internal static class Helpers
    {
        public static void R(string schema, Func<OpArgs, object?> invoke) => OpRegistry.Register(schema, invoke);
        public static Tensor One(Op op, params Tensor?[] inputs) => Dispatcher.Call1(op, inputs);
        public static Tensor?[] Present(params Tensor?[] inputs)
        {
            int n = inputs.Length;
            while (n > 1 && inputs[n - 1] is null) n--; // Flint ops take trailing absent tensors as left off
            return inputs[..n];
        }
    }

    public static void RegisterAll()
    {
        RegisterNN();
        RegisterPointwise();
        RegisterShape();
        RegisterReductions();
        RegisterBackward();
        RegisterScalars();
        RegisterModelOps();
    }

    private static void RegisterNN()
    {
        R("aten::linear(Tensor input, Tensor weight, Tensor? bias=None) -> Tensor", a => Torch.Linear(a.T(0), a.T(1), a.TOpt(2)));
        OpRegistry.Register("aten::dropout(Tensor input, float p, bool train) -> Tensor",
            a => F.Dropout(a.T(0), a.Float(1), a.Bool(2)), nondeterministic: true);
        R("aten::addmm(Tensor self, Tensor mat1, Tensor mat2, *, Scalar beta=1, Scalar alpha=1) -> Tensor",
            a => One(new AddmmOp(a.Scalar(3).ToDouble(), a.Scalar(4).ToDouble()), a.T(0), a.T(1), a.T(2)));
        R("aten::baddbmm(Tensor self, Tensor batch1, Tensor batch2, *, Scalar beta=1, Scalar alpha=1) -> Tensor",
            a => One(new BaddbmmOp(a.Scalar(3).ToDouble(), a.Scalar(4).ToDouble()), a.T(0), a.T(1), a.T(2)));
        R("aten::mm(Tensor self, Tensor mat2) -> Tensor", a => a.T(0).Mm(a.T(1)));
        R("aten::bmm(Tensor self, Tensor mat2) -> Tensor", a => a.T(0).Bmm(a.T(1)));
        R("aten::matmul(Tensor self, Tensor other) -> Tensor", a => a.T(0).Matmul(a.T(1)));
        R("aten::convolution(Tensor input, Tensor weight, Tensor? bias, int[] stride, int[] padding, int[] dilation, "
          + "bool transposed, int[] output_padding, int groups) -> Tensor",
            a => One(new ConvolutionOp(a.Int32s(3), a.Int32s(4), a.Int32s(5), a.Bool(6), a.Int32s(7), (int)a.Int(8)),
                Present(a.T(0), a.T(1), a.TOpt(2))));
        R("aten::max_pool2d_with_indices(Tensor self, int[2] kernel_size, int[2] stride=[], int[2] padding=0, "
          + "int[2] dilation=1, bool ceil_mode=False) -> (Tensor, Tensor)",
            a => Dispatcher.Call(new MaxPoolOp(new PoolSpec(2, a.Int32s(1), a.Int32s(2), a.Int32s(3), a.Int32s(4), a.Bool(5))), [a.T(0)]));
        R("aten::max_pool2d(Tensor self, int[2] kernel_size, int[2] stride=[], int[2] padding=0, int[2] dilation=1, "
          + "bool ceil_mode=False) -> Tensor",
            a => Torch.MaxPool2d(a.T(0), a.Int32s(1), a.Int32s(2), a.Int32s(3), a.Int32s(4), a.Bool(5)));
        R("aten::batch_norm(Tensor input, Tensor? weight, Tensor? bias, Tensor? running_mean, Tensor? running_var, "
          + "bool training, float momentum, float eps, bool cudnn_enabled) -> Tensor",
            a => F.BatchNorm(a.T(0), a.TOpt(3), a.TOpt(4), a.TOpt(1), a.TOpt(2), a.Bool(5), a.Float(6), a.Float(7)));
        R("aten::native_layer_norm(Tensor input, SymInt[] normalized_shape, Tensor? weight, Tensor? bias, float eps) "
          + "-> (Tensor, Tensor, Tensor)", a =>
        {
            var (y, mean, rstd) = Torch.NativeLayerNorm(a.T(0), a.Ints(1), a.TOpt(2), a.TOpt(3), a.Float(4));
            return new[] { y, mean, rstd };
        });
        R("aten::layer_norm(Tensor input, SymInt[] normalized_shape, Tensor? weight=None, Tensor? bias=None, "
          + "float eps=1e-05, bool cudnn_enable=True) -> Tensor",
            a => Torch.NativeLayerNorm(a.T(0), a.Ints(1), a.TOpt(2), a.TOpt(3), a.Float(4)).Output);
        R("aten::_softmax(Tensor self, int dim, bool half_to_float) -> Tensor", a => One(new SoftmaxOp((int)a.Int(1), false), a.T(0)));
        R("aten::_log_softmax(Tensor self, int dim, bool half_to_float) -> Tensor", a => One(new SoftmaxOp((int)a.Int(1), true), a.T(0)));
        R("aten::softmax.int(Tensor self, int dim, ScalarType? dtype=None) -> Tensor", a => a.T(0).Softmax((int)a.Int(1), a.DTypeOpt(2)));
        R("aten::log_softmax.int(Tensor self, int dim, ScalarType? dtype=None) -> Tensor", a => a.T(0).LogSoftmax((int)a.Int(1), a.DTypeOpt(2)));
        R("aten::nll_loss_nd(Tensor self, Tensor target, Tensor? weight=None, int reduction=1, SymInt ignore_index=-100) -> Tensor",
            a => One(new NllLossOp((Reduction)a.Int(3), a.Int(4), a.TOpt(2) is not null), Present(a.T(0), a.T(1), a.TOpt(2))));
    }

    private static void RegisterPointwise()
    {
        R("aten::relu(Tensor self) -> Tensor", a => a.T(0).Relu());
        R("aten::gelu(Tensor self, *, str approximate='none') -> Tensor", a => a.T(0).Gelu(a.Str(1)));
        R("aten::sigmoid(Tensor self) -> Tensor", a => a.T(0).Sigmoid());
        R("aten::tanh(Tensor self) -> Tensor", a => a.T(0).Tanh());
        R("aten::exp(Tensor self) -> Tensor", a => a.T(0).Exp());
        R("aten::neg(Tensor self) -> Tensor", a => a.T(0).Neg());
        R("aten::add.Tensor(Tensor self, Tensor other, *, Scalar alpha=1) -> Tensor", a => a.T(0).Add(a.T(1), a.Scalar(2)));
        R("aten::sub.Tensor(Tensor self, Tensor other, *, Scalar alpha=1) -> Tensor", a => a.T(0).Sub(a.T(1), a.Scalar(2)));
        R("aten::mul.Tensor(Tensor self, Tensor other) -> Tensor", a => a.T(0).Mul(a.T(1)));
        R("aten::div.Tensor(Tensor self, Tensor other) -> Tensor", a => a.T(0).Div(a.T(1)));
        R("aten::div.Tensor_mode(Tensor self, Tensor other, *, str? rounding_mode) -> Tensor", a => a.T(0).Div(a.T(1), a.StrOpt(2)));
        R("aten::pow.Tensor_Scalar(Tensor self, Scalar exponent) -> Tensor", a => a.T(0).Pow(a.Scalar(1)));
    }

    private static void RegisterShape()
    {
        R("aten::view(Tensor(a) self, SymInt[] size) -> Tensor(a)", a => a.T(0).View(a.Ints(1)));
        R("aten::reshape(Tensor(a) self, SymInt[] shape) -> Tensor(a)", a => a.T(0).Reshape(a.Ints(1)));
        R("aten::expand(Tensor(a) self, SymInt[] size, *, bool implicit=False) -> Tensor(a)", a => a.T(0).Expand(a.Ints(1)));
        R("aten::permute(Tensor(a) self, int[] dims) -> Tensor(a)", a => a.T(0).Permute(a.Ints(1)));
        R("aten::transpose.int(Tensor(a) self, int dim0, int dim1) -> Tensor(a)", a => a.T(0).Transpose(a.Int(1), a.Int(2)));
        R("aten::t(Tensor(a) self) -> Tensor(a)", a => a.T(0).t());
        R("aten::flatten.using_ints(Tensor(a) self, int start_dim=0, int end_dim=-1) -> Tensor(a)",
            a => a.T(0).Flatten((int)a.Int(1), (int)a.Int(2)));
        R("aten::clone(Tensor self, *, int? memory_format=None) -> Tensor", a => a.T(0).Clone());
        R("aten::detach(Tensor(a) self) -> Tensor(a)", a => a.T(0).Detach());
        R("aten::contiguous(Tensor(a) self, *, int memory_format=0) -> Tensor(a)", a => a.T(0).Contiguous());
        R("aten::cat(Tensor[] tensors, int dim=0) -> Tensor", a => Torch.Cat(a.Tensors(0), (int)a.Int(1)));
        R("aten::split.Tensor(Tensor(a -> *) self, SymInt split_size, int dim=0) -> Tensor(a)[]",
            a => a.T(0).Split(a.Int(1), (int)a.Int(2)));
        R("aten::split_with_sizes(Tensor(a -> *) self, SymInt[] split_sizes, int dim=0) -> Tensor(a)[]",
            a => a.T(0).Split(a.Ints(1), (int)a.Int(2)));
    }

    private static void RegisterReductions()
    {
        R("aten::sum(Tensor self, *, ScalarType? dtype=None) -> Tensor", a => a.T(0).Sum(a.DTypeOpt(1)));
        R("aten::sum.dim_IntList(Tensor self, int[1]? dim, bool keepdim=False, *, ScalarType? dtype=None) -> Tensor",
            a => One(new SumOp(a.Int32sOpt(1), a.Bool(2), a.DTypeOpt(3)), a.T(0)));
        R("aten::mean(Tensor self, *, ScalarType? dtype=None) -> Tensor", a => a.T(0).Mean(a.DTypeOpt(1)));
        R("aten::mean.dim_IntList(Tensor self, int[1]? dim, bool keepdim=False, *, ScalarType? dtype=None) -> Tensor",
            a => One(new MeanOp(a.Int32sOpt(1), a.Bool(2), a.DTypeOpt(3)), a.T(0)));
    }

    private static void RegisterBackward()
    {
        R("aten::threshold_backward(Tensor grad_output, Tensor self, Scalar threshold) -> Tensor",
            a => Torch.ThresholdBackward(a.T(0), a.T(1), a.Scalar(2).ToDouble()));
        R("aten::gelu_backward(Tensor grad_output, Tensor self, *, str approximate='none') -> Tensor",
            a => Torch.GeluBackward(a.T(0), a.T(1), a.Str(2)));
        R("aten::_softmax_backward_data(Tensor grad_output, Tensor output, int dim, ScalarType input_dtype) -> Tensor",
            a => One(new SoftmaxBackwardOp((int)a.Int(2), false), a.T(0), a.T(1)));
        R("aten::_log_softmax_backward_data(Tensor grad_output, Tensor output, int dim, ScalarType input_dtype) -> Tensor",
            a => One(new SoftmaxBackwardOp((int)a.Int(2), true), a.T(0), a.T(1)));
        R("flint::convolution_backward_weight(Tensor input, Tensor grad_output, int[] stride, int[] padding, "
          + "int[] dilation, bool transposed, int groups, int[] weight_size) -> Tensor",
            a => One(new ConvWeightGradOp(a.Int32s(2), a.Int32s(3), a.Int32s(4), a.Bool(5), (int)a.Int(6), a.Int32s(7)), a.T(0), a.T(1)));
        R("flint::plane_scatter(Tensor grad, Tensor indices, int[] output_sizes, int spatial) -> Tensor",
            a => One(new PlaneScatterOp(a.Int32s(2), (int)a.Int(3)), a.T(0), a.T(1)));
        R("flint::native_layer_norm_backward(Tensor grad_out, Tensor input, Tensor mean, Tensor rstd, Tensor? weight, "
          + "int[] normalized_shape, bool param_grads) -> Tensor[]",
            a => Dispatcher.Call(new NativeLayerNormBackwardOp(a.Int32s(5), a.Bool(6)), [a.T(0), a.T(1), a.T(2), a.T(3), a.TOpt(4)]));
    }
}
