namespace Flint.Ops;

/// <summary>aten::view: same storage, new sizes (errors when the layout can't be viewed that way).</summary>
public sealed class ViewOp(int[] sizes, string name = "view") : Op
{
    public int[] Sizes { get; } = sizes;
    public override string Name { get; } = name;
    public override OpKind Kind => OpKind.View;
    public override bool IsView => true;
    public override string FormatAttributes() => $"size={ShapeUtil.Format(Sizes)}";
    public override Graphs.SchemaCall? Bind(Tensor?[] x) => Graphs.OpRegistry.Call("aten::" + Name, x[0], Sizes);
    public override TensorMeta[] Meta(Tensor[] x) => [new(Sizes, x[0].DType)];
    public override Tensor[] Forward(Tensor[] x) => [x[0].ViewRaw(Sizes)];
    public override Tensor?[] Backward(BackwardContext ctx) => [ctx.Grad().Reshape(ShapeUtil.ToLong(ctx.InputSizes(0)))];
}

/// <summary>aten::expand: broadcast size-1 dims with stride 0.</summary>
public sealed class ExpandOp(int[] sizes) : Op
{
    public int[] Sizes { get; } = sizes;
    public override string Name => "expand";
    public override Graphs.SchemaCall? Bind(Tensor?[] x) => Graphs.OpRegistry.Call("aten::expand", x[0], Sizes, false);
    public override OpKind Kind => OpKind.View;
    public override bool IsView => true;
    public override string FormatAttributes() => $"size={ShapeUtil.Format(Sizes)}";
    public override TensorMeta[] Meta(Tensor[] x) => [new(Sizes, x[0].DType)];
    public override Tensor[] Forward(Tensor[] x) => [x[0].ExpandRaw(Sizes)];
    public override Tensor?[] Backward(BackwardContext ctx) => [ctx.Grad().SumToSize(ctx.InputSizes(0))];
}

/// <summary>aten::permute (and transpose, which is a permute of two dims with its own grad_fn name).</summary>
public sealed class PermuteOp(int[] dims, string name = "permute", string? attrs = null) : Op
{
    public int[] Dims { get; } = dims;
    public override string Name { get; } = name;
    public override Graphs.SchemaCall? Bind(Tensor?[] x)
    {
        if (Name != "transpose") return Graphs.OpRegistry.Call("aten::permute", x[0], Dims);
        int a = 0, b = 0, k = 0; // the two swapped dims (0, 0 for a transpose of a dim with itself)
        for (int i = 0; i < Dims.Length; i++) if (Dims[i] != i) { if (k++ == 0) a = i; else b = i; }
        return Graphs.OpRegistry.Call("aten::transpose.int", x[0], a, b);
    }
    public override OpKind Kind => OpKind.View;
    public override bool IsView => true;
    public override string FormatAttributes() => attrs ?? $"dims=[{string.Join(", ", Dims)}]";

    private int[] OutSizes(Tensor x) { var s = new int[Dims.Length]; for (int i = 0; i < s.Length; i++) s[i] = x._sizes[Dims[i]]; return s; }
    public override TensorMeta[] Meta(Tensor[] x) => [new(OutSizes(x[0]), x[0].DType)];
    public override Tensor[] Forward(Tensor[] x)
    {
        var t = x[0];
        var strides = new int[Dims.Length];
        for (int i = 0; i < strides.Length; i++) strides[i] = t._strides[Dims[i]];
        return [t.AsStridedRaw(OutSizes(t), strides, t._offset)];
    }
    public override Tensor?[] Backward(BackwardContext ctx)
    {
        var inv = new long[Dims.Length];
        for (int i = 0; i < Dims.Length; i++) inv[Dims[i]] = i;
        return [ctx.Grad().Permute(inv)];
    }
}

/// <summary>aten::clone: a fresh contiguous copy. Also what Contiguous() records when it must copy.</summary>
public sealed class CloneOp(string name = "clone") : Op
{
    public static readonly CloneOp Instance = new();
    public static readonly CloneOp Contiguous = new("contiguous");
    public override string Name { get; } = name;
    public override OpKind Kind => OpKind.Pointwise;
    public override string BackwardName => "CloneBackward0";
    public override TensorMeta[] Meta(Tensor[] x) => [TensorMeta.Like(x[0])];
    public override Tensor[] Forward(Tensor[] x) => [x[0].CloneRaw()];
    public override Tensor?[] Backward(BackwardContext ctx) => [ctx.Grad()];
}

/// <summary>aten::_to_copy: a copy in another dtype.</summary>
public sealed class ToCopyOp(DType dtype) : Op
{
    public DType DType { get; } = dtype;
    public override string Name => "_to_copy";
    public override OpKind Kind => OpKind.Pointwise;
    public override string BackwardName => "ToCopyBackward0";
    public override bool Differentiable => DType.IsFloatingPoint();
    public override string FormatAttributes() => $"dtype=torch.{DType.Name()}";
    public override TensorMeta[] Meta(Tensor[] x) => [new(x[0]._sizes, DType)];
    public override Tensor[] Forward(Tensor[] x) => [x[0].DType == DType ? x[0].CloneRaw() : x[0].CastRaw(DType)];
    public override Tensor?[] Backward(BackwardContext ctx) => [ctx.Grad().To(ctx.InputDType(0))];
}

/// <summary>aten::copy_(self, src): writes src (broadcast, cast) into self. self's old value gets no gradient.</summary>
public sealed class CopyOp : Op
{
    public static readonly CopyOp Instance = new();
    public override string Name => "copy_";
    public override OpKind Kind => OpKind.Pointwise;
    public override string BackwardName => "CopyBackwards";
    public override bool InPlace => true;
    public override TensorMeta[] Meta(Tensor[] x) => [TensorMeta.Like(x[0])];
    public override Tensor[] Forward(Tensor[] x) { x[0].CopyFromRaw(x[1]); return [x[0]]; }
    public override Tensor?[] Backward(BackwardContext ctx)
    {
        var g = ctx.Grad();
        return [
            ctx.NeedsInputGrad(0) ? Torch.ZerosLike(g) : null,
            ctx.NeedsInputGrad(1) ? g.SumToSize(ctx.InputSizes(1)).To(ctx.InputDType(1)) : null,
        ];
    }
}
