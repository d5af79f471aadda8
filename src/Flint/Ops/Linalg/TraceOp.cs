using System.Numerics;

namespace Flint.Ops;

/// <summary>aten::trace: the sum of a matrix's main diagonal; integer and bool inputs sum to int64, as in PyTorch.</summary>
public sealed class TraceOp : Op
{
    public static readonly TraceOp Instance = new();
    public override string Name => "trace";
    public override OpKind Kind => OpKind.Composite;
    static DType ResultType(Tensor x) => x.DType.IsFloatingPoint() ? x.DType : DType.Int64;
    public override TensorMeta[] Meta(Tensor[] x) => [new([], ResultType(x[0]))];

    public override Tensor[] Forward(Tensor[] x)
    {
        var t = x[0];
        int n = Math.Min(t._sizes[0], t._sizes[1]);
        // The diagonal is a strided vector view: no copy of the matrix.
        var diag = new Tensor(t._storage, t._offset, [n], [t._strides[0] + t._strides[1]]);
        var rt = ResultType(t);
        var ct = rt.IsFloatingPoint() ? DType.Float64 : DType.Int64;
        var d = diag.CastRaw(ct).ContiguousRaw();
        var y = Tensor.Empty([], ct);
        if (ct == DType.Float64) y.RawSpan<double>()[0] = Sum<double>(d.RawSpan<double>());
        else y.RawSpan<long>()[0] = Sum<long>(d.RawSpan<long>());
        return [y.CastRaw(rt)];
    }

    static T Sum<T>(ReadOnlySpan<T> s) where T : INumber<T>
    {
        T acc = T.Zero;
        foreach (var v in s) acc += v;
        return acc;
    }

    /// <summary>The gradient is grad on the diagonal, zero elsewhere: grad times a constant 0/1 mask (differentiable in grad).</summary>
    public override Tensor?[] Backward(BackwardContext ctx)
    {
        var sizes = ctx.InputSizes(0);
        var mask = Tensor.Empty(sizes, ctx.InputDType(0), zeroed: true);
        int n = Math.Min(sizes[0], sizes[1]);
        var diag = new Tensor(mask._storage, 0, [n], [sizes[1] + 1]);
        diag.CopyFromRaw(Torch.ScalarTensor(1, mask.DType));
        return [ctx.Grad() * mask];
    }
}
