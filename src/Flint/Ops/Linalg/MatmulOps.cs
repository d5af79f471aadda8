namespace Flint.Ops;

// The matmul family: mm, bmm, addmm, baddbmm, mv, addmv, dot, vdot. Each views its operands as 3-D (batch, rows,
// cols) without copying and runs MatmulForward; derivatives are the same ops on transposed views (no copies either).
// Shape and dtype checks with PyTorch's messages live in LinalgChecks and run before dispatch.

internal static class MatmulViews
{
    /// <summary>A matrix as a batch of one (batch stride 0), sharing storage.</summary>
    public static Tensor Batch1(Tensor m) => new(m._storage, m._offset, [1, m._sizes[0], m._sizes[1]], [0, m._strides[0], m._strides[1]]);
    /// <summary>A vector as a [1, K, 1] column.</summary>
    public static Tensor Column(Tensor v) => new(v._storage, v._offset, [1, v._sizes[0], 1], [0, v._strides[0], 1]);
    /// <summary>A vector as a [1, 1, K] row.</summary>
    public static Tensor Row(Tensor v) => new(v._storage, v._offset, [1, 1, v._sizes[0]], [0, 1, v._strides[0]]);
    /// <summary>A fresh contiguous result seen with other sizes (same element count).</summary>
    public static Tensor Reshaped(Tensor c, int[] sizes) => new(c._storage, c._offset, sizes, ShapeUtil.ContiguousStrides(sizes));

    /// <summary>
    /// The gradients of mat1 @ mat2 in the layout of the input they belong to, as PyTorch's mm_mat1_backward and
    /// mm_mat2_backward choose: for a column-major input (a transposed weight, as in nn.Linear) the product is formed
    /// transposed, so the gradient comes out column-major too. The weight's gradient then reaches AccumulateGrad in
    /// the weight's own row-major layout and needs no copy.
    /// </summary>
    public static Tensor Mat1Grad(Tensor g, Tensor mat1, Tensor mat2)
        => ColumnMajor(mat1) ? mat2.Mm(g.T).T : g.Mm(mat2.T);

    /// <inheritdoc cref="Mat1Grad"/>
    public static Tensor Mat2Grad(Tensor g, Tensor mat1, Tensor mat2)
        => ColumnMajor(mat2) ? g.T.Mm(mat1).T : mat1.T.Mm(g);

    static bool ColumnMajor(Tensor m) => m._strides[0] == 1 && m._strides[1] == m._sizes[0];

    public static string F(double v) => PyFormat.Float(v);
    public static Tensor Scale(Tensor g, double s) => s == 1 ? g : g * s;
}

/// <summary>aten::mm(self, mat2).</summary>
public sealed class MmOp : Op
{
    public static readonly MmOp Instance = new();
    public override string Name => "mm";
    public override OpKind Kind => OpKind.Extern;
    public override TensorMeta[] Meta(Tensor[] x) => [new([x[0]._sizes[0], x[1]._sizes[1]], x[0].DType)];
    public override Tensor[] Forward(Tensor[] x)
    {
        var c = MatmulForward.Run(MatmulViews.Batch1(x[0]), MatmulViews.Batch1(x[1]), null, 1, 0, "addmm_impl_cpu_");
        return [MatmulViews.Reshaped(c, [x[0]._sizes[0], x[1]._sizes[1]])];
    }
    public override Tensor?[] Backward(BackwardContext ctx)
    {
        var g = ctx.Grad();
        return [
            ctx.NeedsInputGrad(0) ? MatmulViews.Mat1Grad(g, ctx.Input(0), ctx.Input(1)) : null,
            ctx.NeedsInputGrad(1) ? MatmulViews.Mat2Grad(g, ctx.Input(0), ctx.Input(1)) : null,
        ];
    }
}

/// <summary>aten::addmm(self, mat1, mat2, beta, alpha) = beta·self + alpha·(mat1 @ mat2); self broadcasts.</summary>
public sealed class AddmmOp(double beta, double alpha) : Op
{
    public static readonly AddmmOp Default = new(1, 1);
    public double Beta { get; } = beta;
    public double Alpha { get; } = alpha;
    public override string Name => "addmm";
    public override Graphs.SchemaCall? Bind(Tensor?[] x) => Graphs.OpRegistry.Call("aten::addmm", x[0], x[1], x[2], beta, alpha);
    public override OpKind Kind => OpKind.Extern;
    public override string FormatAttributes() => $"beta={MatmulViews.F(Beta)}, alpha={MatmulViews.F(Alpha)}";
    public override TensorMeta[] Meta(Tensor[] x) => [new([x[1]._sizes[0], x[2]._sizes[1]], x[1].DType)];
    public override Tensor[] Forward(Tensor[] x)
    {
        var c = MatmulForward.Run(MatmulViews.Batch1(x[1]), MatmulViews.Batch1(x[2]), x[0], Alpha, Beta, "addmm_impl_cpu_");
        return [MatmulViews.Reshaped(c, [x[1]._sizes[0], x[2]._sizes[1]])];
    }
    public override Tensor?[] Backward(BackwardContext ctx)
    {
        var g = ctx.Grad();
        return [
            ctx.NeedsInputGrad(0) ? MatmulViews.Scale(g, Beta).SumToSize(ctx.InputSizes(0)) : null,
            ctx.NeedsInputGrad(1) ? MatmulViews.Scale(MatmulViews.Mat1Grad(g, ctx.Input(1), ctx.Input(2)), Alpha) : null,
            ctx.NeedsInputGrad(2) ? MatmulViews.Scale(MatmulViews.Mat2Grad(g, ctx.Input(1), ctx.Input(2)), Alpha) : null,
        ];
    }
}

/// <summary>aten::bmm(self, mat2) over [B, n, m] @ [B, m, p].</summary>
public sealed class BmmOp : Op
{
    public static readonly BmmOp Instance = new();
    public override string Name => "bmm";
    public override OpKind Kind => OpKind.Extern;
    public override TensorMeta[] Meta(Tensor[] x) => [new([x[0]._sizes[0], x[0]._sizes[1], x[1]._sizes[2]], x[0].DType)];
    public override Tensor[] Forward(Tensor[] x) => [MatmulForward.Run(x[0], x[1], null, 1, 0, "bmm")];
    public override Tensor?[] Backward(BackwardContext ctx)
    {
        var g = ctx.Grad();
        return [
            ctx.NeedsInputGrad(0) ? g.Bmm(ctx.Input(1).Transpose(1, 2)) : null,
            ctx.NeedsInputGrad(1) ? ctx.Input(0).Transpose(1, 2).Bmm(g) : null,
        ];
    }
}

/// <summary>aten::baddbmm(self, batch1, batch2, beta, alpha).</summary>
public sealed class BaddbmmOp(double beta, double alpha) : Op
{
    public static readonly BaddbmmOp Default = new(1, 1);
    public double Beta { get; } = beta;
    public double Alpha { get; } = alpha;
    public override string Name => "baddbmm";
    public override Graphs.SchemaCall? Bind(Tensor?[] x) => Graphs.OpRegistry.Call("aten::baddbmm", x[0], x[1], x[2], beta, alpha);
    public override OpKind Kind => OpKind.Extern;
    public override string FormatAttributes() => $"beta={MatmulViews.F(Beta)}, alpha={MatmulViews.F(Alpha)}";
    public override TensorMeta[] Meta(Tensor[] x) => [new([x[1]._sizes[0], x[1]._sizes[1], x[2]._sizes[2]], x[1].DType)];
    public override Tensor[] Forward(Tensor[] x) => [MatmulForward.Run(x[1], x[2], x[0], Alpha, Beta, "baddbmm")];
    public override Tensor?[] Backward(BackwardContext ctx)
    {
        var g = ctx.Grad();
        return [
            ctx.NeedsInputGrad(0) ? MatmulViews.Scale(g, Beta).SumToSize(ctx.InputSizes(0)) : null,
            ctx.NeedsInputGrad(1) ? MatmulViews.Scale(g.Bmm(ctx.Input(2).Transpose(1, 2)), Alpha) : null,
            ctx.NeedsInputGrad(2) ? MatmulViews.Scale(ctx.Input(1).Transpose(1, 2).Bmm(g), Alpha) : null,
        ];
    }
}

/// <summary>aten::mv(self, vec).</summary>
public sealed class MvOp : Op
{
    public static readonly MvOp Instance = new();
    public override string Name => "mv";
    public override OpKind Kind => OpKind.Extern;
    public override TensorMeta[] Meta(Tensor[] x) => [new([x[0]._sizes[0]], x[0].DType)];
    public override Tensor[] Forward(Tensor[] x)
    {
        var c = MatmulForward.Run(MatmulViews.Batch1(x[0]), MatmulViews.Column(x[1]), null, 1, 0, "addmv_impl_cpu");
        return [MatmulViews.Reshaped(c, [x[0]._sizes[0]])];
    }
    public override Tensor?[] Backward(BackwardContext ctx)
    {
        var g = ctx.Grad();
        return [
            ctx.NeedsInputGrad(0) ? Torch.Outer(g, ctx.Input(1)) : null,
            ctx.NeedsInputGrad(1) ? ctx.Input(0).T.Mv(g) : null,
        ];
    }
}

/// <summary>aten::addmv(self, mat, vec, beta, alpha).</summary>
public sealed class AddmvOp(double beta, double alpha) : Op
{
    public static readonly AddmvOp Default = new(1, 1);
    public double Beta { get; } = beta;
    public double Alpha { get; } = alpha;
    public override string Name => "addmv";
    public override OpKind Kind => OpKind.Extern;
    public override string FormatAttributes() => $"beta={MatmulViews.F(Beta)}, alpha={MatmulViews.F(Alpha)}";
    public override TensorMeta[] Meta(Tensor[] x) => [new([x[1]._sizes[0]], x[1].DType)];
    public override Tensor[] Forward(Tensor[] x)
    {
        // self ([M], [1] or 0-dim) lines up with the [1, M, 1] result column
        var self = x[0].Dim == 1 ? MatmulViews.Column(x[0]) : x[0];
        var c = MatmulForward.Run(MatmulViews.Batch1(x[1]), MatmulViews.Column(x[2]), self, Alpha, Beta, "addmv_impl_cpu");
        return [MatmulViews.Reshaped(c, [x[1]._sizes[0]])];
    }
    public override Tensor?[] Backward(BackwardContext ctx)
    {
        var g = ctx.Grad();
        return [
            ctx.NeedsInputGrad(0) ? MatmulViews.Scale(g, Beta).SumToSize(ctx.InputSizes(0)) : null,
            ctx.NeedsInputGrad(1) ? MatmulViews.Scale(Torch.Outer(g, ctx.Input(2)), Alpha) : null,
            ctx.NeedsInputGrad(2) ? MatmulViews.Scale(ctx.Input(1).T.Mv(g), Alpha) : null,
        ];
    }
}

/// <summary>aten::dot and aten::vdot (the same for real tensors): a 0-dim result.</summary>
public sealed class DotOp(string name) : Op
{
    public static readonly DotOp Dot = new("dot"), Vdot = new("vdot");
    public override string Name { get; } = name;
    public override OpKind Kind => OpKind.Extern;
    public override TensorMeta[] Meta(Tensor[] x) => [new([], x[0].DType)];
    public override Tensor[] Forward(Tensor[] x)
    {
        var c = MatmulForward.Run(MatmulViews.Row(x[0]), MatmulViews.Column(x[1]), null, 1, 0, Name);
        return [MatmulViews.Reshaped(c, [])];
    }
    public override Tensor?[] Backward(BackwardContext ctx)
    {
        var g = ctx.Grad();
        return [
            ctx.NeedsInputGrad(0) ? g * ctx.Input(1) : null,
            ctx.NeedsInputGrad(1) ? g * ctx.Input(0) : null,
        ];
    }
}
