using Flint.NN;
using static Flint.Graphs.Schemas.SchemaTable.Helpers;
using F = Flint.NN.Functional;

namespace Flint.Graphs.Schemas;

/// <summary>
/// The tensor ops that PyTorch's TorchScript code for common models calls (what traced and scripted nn layers
/// print as): convolutions, scalar forms of arithmetic and comparisons, indexing, casts, in-place activations.
/// </summary>
internal static partial class SchemaTable
{
    private static void RegisterModelOps()
    {
        R("aten::_convolution(Tensor input, Tensor weight, Tensor? bias, int[] stride, int[] padding, int[] dilation, "
          + "bool transposed, int[] output_padding, int groups, bool benchmark, bool deterministic, bool cudnn_enabled, "
          + "bool allow_tf32) -> Tensor",
            a => One(new ConvolutionOp(a.Int32s(3), a.Int32s(4), a.Int32s(5), a.Bool(6), a.Int32s(7), (int)a.Int(8)),
                Present(a.T(0), a.T(1), a.TOpt(2))));
        R("aten::conv2d(Tensor input, Tensor weight, Tensor? bias=None, int[2] stride=1, int[2] padding=0, "
          + "int[2] dilation=1, int groups=1) -> Tensor",
            a => Torch.Conv2d(a.T(0), a.T(1), a.TOpt(2), a.Int32s(3), a.Int32s(4), a.Int32s(5), (int)a.Int(6)));
        R("aten::conv1d(Tensor input, Tensor weight, Tensor? bias=None, int[1] stride=1, int[1] padding=0, "
          + "int[1] dilation=1, int groups=1) -> Tensor",
            a => Torch.Conv1d(a.T(0), a.T(1), a.TOpt(2), a.Int32s(3), a.Int32s(4), a.Int32s(5), (int)a.Int(6)));
        OpRegistry.Register("aten::dropout_(Tensor(a!) self, float p, bool train) -> Tensor(a!)",
            a => F.Dropout(a.T(0), a.Float(1), a.Bool(2), inplace: true), nondeterministic: true);
        R("aten::relu_(Tensor(a!) self) -> Tensor(a!)", a => a.T(0).Relu_());
        R("aten::add.Scalar(Tensor self, Scalar other, Scalar alpha=1) -> Tensor", a => a.T(0).Add(a.Scalar(1), a.Scalar(2)));
        R("aten::sub.Scalar(Tensor self, Scalar other, Scalar alpha=1) -> Tensor", a => a.T(0).Sub(a.Scalar(1), a.Scalar(2)));
        R("aten::mul.Scalar(Tensor self, Scalar other) -> Tensor", a => a.T(0).Mul(a.Scalar(1)));
        R("aten::div.Scalar(Tensor self, Scalar other) -> Tensor", a => a.T(0).Div(a.Scalar(1)));
        R("aten::rsub.Scalar(Tensor self, Scalar other, Scalar alpha=1) -> Tensor", a => Torch.Rsub(a.T(0), a.Scalar(1), a.Scalar(2)));
        R("aten::gt.Scalar(Tensor self, Scalar other) -> Tensor", a => a.T(0).Gt(a.Scalar(1)));
        R("aten::gt.Tensor(Tensor self, Tensor other) -> Tensor", a => a.T(0).Gt(a.T(1)));
        R("aten::lt.Scalar(Tensor self, Scalar other) -> Tensor", a => a.T(0).Lt(a.Scalar(1)));
        R("aten::lt.Tensor(Tensor self, Tensor other) -> Tensor", a => a.T(0).Lt(a.T(1)));
        R("aten::ge.Scalar(Tensor self, Scalar other) -> Tensor", a => a.T(0).Ge(a.Scalar(1)));
        R("aten::le.Scalar(Tensor self, Scalar other) -> Tensor", a => a.T(0).Le(a.Scalar(1)));
        R("aten::eq.Scalar(Tensor self, Scalar other) -> Tensor", a => a.T(0).Eq(a.Scalar(1)));
        R("aten::eq.Tensor(Tensor self, Tensor other) -> Tensor", a => a.T(0).Eq(a.T(1)));
        R("aten::ne.Scalar(Tensor self, Scalar other) -> Tensor", a => a.T(0).Ne(a.Scalar(1)));
        R("aten::select.int(Tensor(a) self, int dim, SymInt index) -> Tensor(a)", a => a.T(0).Select((int)a.Int(1), a.Int(2)));
        R("aten::slice.Tensor(Tensor(a) self, int dim=0, SymInt? start=None, SymInt? end=None, SymInt step=1) -> Tensor(a)",
            a => a.T(0).Slice((int)a.Int(1), a.IntOpt(2), a.IntOpt(3), a.Int(4)));
        R("aten::unsqueeze(Tensor(a) self, int dim) -> Tensor(a)", a => a.T(0).Unsqueeze((int)a.Int(1)));
        R("aten::squeeze.dim(Tensor(a) self, int dim) -> Tensor(a)", a => a.T(0).Squeeze((int)a.Int(1)));
        R("aten::stack(Tensor[] tensors, int dim=0) -> Tensor", a => Torch.Stack(a.Tensors(0), (int)a.Int(1)));
        R("aten::detach(Tensor(a) self) -> Tensor(a)", a => a.T(0).Detach());
        R("aten::to.dtype(Tensor(a) self, ScalarType dtype, bool non_blocking=False, bool copy=False, "
          + "MemoryFormat? memory_format=None) -> Tensor(a)", a => a.T(0).To(a.DTypeOpt(1)!.Value, a.Bool(3)));
        R("aten::softmax.int(Tensor self, int dim, ScalarType? dtype=None) -> Tensor", a => a.T(0).Softmax((int)a.Int(1), a.DTypeOpt(2)));
        R("aten::adaptive_avg_pool2d(Tensor self, SymInt[2] output_size) -> Tensor", a => Torch.AdaptiveAvgPool2d(a.T(0), a.Int32s(1)));
        R("aten::avg_pool2d(Tensor self, int[2] kernel_size, int[2] stride=[], int[2] padding=0, bool ceil_mode=False, "
          + "bool count_include_pad=True, int? divisor_override=None) -> Tensor",
            a => Torch.AvgPool2d(a.T(0), a.Int32s(1), a.Ints(2).Length == 0 ? null : a.Int32s(2), a.Int32s(3), a.Bool(4), a.Bool(5),
                a.IntOpt(6) is { } d ? (int)d : null));
    }
}
