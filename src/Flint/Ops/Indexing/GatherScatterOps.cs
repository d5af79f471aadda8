using Flint.Kernels.Cpu;

namespace Flint.Ops;

/// <summary>Shared argument checks of gather/scatter (PyTorch's wording).</summary>
internal static class GatherScatterChecks
{
    public static void Check(string op, Tensor self, int dim, Tensor index, Tensor? src)
    {
        if (index.DType != DType.Int64) throw new ArgumentException($"{op}(): Expected dtype int64 for index");
        int sd = Math.Max(self.Dim, 1), id = Math.Max(index.Dim, 1);
        if (index._numel == 0) return;
        if (sd != id) throw new ArgumentException("Index tensor must have the same number of dimensions as " + (op == "gather" ? "input tensor" : "self tensor"));
        for (int d = 0; d < index.Dim && self.Dim > 0; d++)
        {
            if (d != dim && index._sizes[d] > self._sizes[d])
                throw new ArgumentException($"Size does not match at dimension {d} expected index {ShapeUtil.Format(index._sizes)} to be smaller than self {ShapeUtil.Format(self._sizes)} apart from dimension {dim}");
        }
        if (src is not null && src.Dim > 0)
        {
            if (src.Dim != index.Dim) throw new ArgumentException("Index tensor must have the same number of dimensions as src tensor");
            for (int d = 0; d < index.Dim; d++)
                if (index._sizes[d] > src._sizes[d])
                    throw new ArgumentException($"Expected index {ShapeUtil.Format(index._sizes)} to be smaller than self {ShapeUtil.Format(self._sizes)} apart from dimension {dim} and to be smaller size than src {ShapeUtil.Format(src._sizes)}");
        }
    }
}

/// <summary>aten::gather(self, dim, index): out[i][j] = self[index[i][j]][j] (dim 0).</summary>
public sealed class GatherOp(int dim) : Op
{
    public override string Name => "gather";
    public override OpKind Kind => OpKind.Indexing;
    public override string FormatAttributes() => $"dim={dim}";
    public override TensorMeta[] Meta(Tensor[] x) => [new(x[1]._sizes, x[0].DType)];
    public override Tensor[] Forward(Tensor[] x)
    {
        GatherScatterChecks.Check("gather", x[0], dim, x[1], null);
        var y = Tensor.Empty(x[1]._sizes, x[0].DType);
        IndexKernels.Gather(x[0], dim, x[1], x[1].IndexArray(), y);
        return [y];
    }
    public override Tensor?[] Backward(BackwardContext ctx)
        => [Torch.Zeros(ctx.InputSizes(0), ctx.Grad().DType).ScatterAdd(dim, ctx.Input(1), ctx.Grad()), null];
}

/// <summary>aten::scatter.src / scatter.value / scatter.reduce and aten::scatter_add: out = self with src written at index.</summary>
public sealed class ScatterOp(int dim, ScatterMode mode, Scalar? value = null, string name = "scatter") : Op
{
    public override string Name { get; } = name;
    public override OpKind Kind => OpKind.Indexing;
    public override string BackwardName => Name == "scatter_add" ? "ScatterAddBackward0" : value is null ? "ScatterBackward0" : "ScatterBackward1";
    public override bool Differentiable => Name == "scatter_add" || mode == ScatterMode.Copy;
    public override string FormatAttributes() => $"dim={dim}" + (value is { } v ? $", value={v}" : "");
    public override TensorMeta[] Meta(Tensor[] x) => [TensorMeta.Like(x[0])];
    public override Tensor[] Forward(Tensor[] x)
    {
        var src = value is { } v ? Torch.ScalarTensor(v, x[0].DType) : x[2];
        GatherScatterChecks.Check(Name, x[0], dim, x[1], value is null ? src : null);
        if (value is null && src.DType != x[0].DType)
            throw new ArgumentException($"{Name}(): Expected self.dtype to be equal to src.dtype");
        var y = x[0].CloneRaw();
        IndexKernels.Scatter(y, dim, x[1], x[1].IndexArray(), src, mode);
        return [y];
    }
    public override Tensor?[] Backward(BackwardContext ctx)
    {
        var g = ctx.Grad();
        var index = ctx.Input(1);
        Tensor? gSelf = ctx.NeedsInputGrad(0) ? (Name == "scatter_add" ? g : g.Scatter(dim, index, 0)) : null;
        if (value is not null) return [gSelf, null];
        return [gSelf, null, ctx.NeedsInputGrad(2) ? g.Gather(dim, index) : null];
    }
}

/// <summary>aten::index_select(self, dim, index): the slices of dim listed in a 1-D index.</summary>
public sealed class IndexSelectOp(int dim) : Op
{
    public override string Name => "index_select";
    public override OpKind Kind => OpKind.Indexing;
    public override string FormatAttributes() => $"dim={dim}";
    private int[] OutSizes(Tensor x, Tensor index)
    {
        if (index.Dim > 1) throw new IndexOutOfRangeException("index_select(): Index is supposed to be a vector");
        if (index.DType != DType.Int64 && index.DType != DType.Int32) throw new ArgumentException("index_select(): Expected dtype int32 or int64 for index");
        if (x.Dim == 0) return [];
        var s = (int[])x._sizes.Clone();
        s[dim] = index._numel;
        return s;
    }
    public override TensorMeta[] Meta(Tensor[] x) => [new(OutSizes(x[0], x[1]), x[0].DType)];
    public override Tensor[] Forward(Tensor[] x)
    {
        var self = x[0];
        var y = Tensor.Empty(OutSizes(self, x[1]), self.DType);
        var idx = x[1].IndexArray();
        int n = self.Dim == 0 ? 1 : self._sizes[dim];
        foreach (var j in idx) if (j < 0 || j >= n) throw new IndexOutOfRangeException("index out of range in self");
        if (self.Dim == 0) { y.CopyFromRaw(self); return [y]; }
        if (self.IsContiguous())
        {
            // [outer, n, inner] blocks: one span copy per (outer, index) pair (the embedding-lookup case is outer = 1).
            int inner = 1;
            for (int d = dim + 1; d < self.Dim; d++) inner *= self._sizes[d];
            var k = new BlockGatherK { Src = self, Dst = y, Idx = idx, N = n, Inner = inner };
            Typed.RunBits(self.DType, ref k);
            return [y];
        }
        for (int i = 0; i < idx.Length; i++)
        {
            long j = idx[i];
            Kernels.Cpu.StridedCopy.Copy(self.SelectRaw(dim, (int)j), y.SelectRaw(dim, i));
        }
        return [y];
    }
    private struct BlockGatherK : ITypedKernel
    {
        public Tensor Src, Dst; public long[] Idx; public int N, Inner;
        public void Run<T>() where T : unmanaged
        {
            var s = Typed.Bits<T>(Src).Slice(Src._offset, Src._numel);
            var d = Typed.Bits<T>(Dst).Slice(Dst._offset, Dst._numel);
            int outer = Inner * N == 0 ? 0 : s.Length / (Inner * N), o = 0;
            for (int a = 0; a < outer; a++)
                foreach (var j in Idx)
                {
                    s.Slice((a * N + (int)j) * Inner, Inner).CopyTo(d.Slice(o, Inner));
                    o += Inner;
                }
        }
    }

    public override Tensor?[] Backward(BackwardContext ctx)
    {
        var sizes = ctx.InputSizes(0);
        var g = ctx.Grad();
        if (sizes.Length == 0) return [g.Sum().Reshape(), null];
        return [Torch.Zeros(sizes, g.DType).IndexAdd(dim, ctx.Input(1), g), null];
    }
}

/// <summary>aten::index_add(self, dim, index, source): self with source's slices added at the listed indices.</summary>
public sealed class IndexAddOp(int dim) : Op
{
    public override string Name => "index_add";
    public override OpKind Kind => OpKind.Indexing;
    public override string FormatAttributes() => $"dim={dim}";
    public override TensorMeta[] Meta(Tensor[] x) => [TensorMeta.Like(x[0])];
    public override Tensor[] Forward(Tensor[] x)
    {
        var (self, index, src) = (x[0], x[1], x[2]);
        IndexCheck("index_add_", self, dim, index, src);
        var y = self.CloneRaw();
        if (y.Dim == 0) { StridedAccumulate.AddInto(src.ViewRaw([]), y); return [y]; }
        var idx = index.IndexArray();
        int n = y._sizes[dim];
        var s = src.Dim == 0 ? src.ViewRaw([1]) : src;
        for (int i = 0; i < idx.Length; i++)
        {
            long j = idx[i];
            if (j < 0 || j >= n) throw new IndexOutOfRangeException($"index out of range in self");
            StridedAccumulate.AddInto(s.SelectRaw(dim, i), y.SelectRaw(dim, (int)j));
        }
        return [y];
    }

    internal static void IndexCheck(string op, Tensor self, int dim, Tensor index, Tensor src)
    {
        if (index.Dim > 1) throw new IndexOutOfRangeException("index_add_(): Index is supposed to be a vector");
        if (index.DType != DType.Int64 && index.DType != DType.Int32) throw new ArgumentException($"{op}(): Expected dtype int32/int64 for index");
        if (src.DType != self.DType) throw new ArgumentException($"{op}(): self ({self.DType.Name()}) and source ({src.DType.Name()}) must have the same scalar type");
        int srcDimSize = src.Dim == 0 ? 1 : src._sizes[dim];
        if (index._numel != srcDimSize)
            throw new ArgumentException($"{op}(): Number of indices ({index._numel}) should be equal to source.size(dim): ({srcDimSize}), for dim: {dim}");
    }

    public override Tensor?[] Backward(BackwardContext ctx)
    {
        var g = ctx.Grad();
        Tensor? gs = null;
        if (ctx.NeedsInputGrad(2))
        {
            gs = g.IndexSelect(dim, ctx.Input(1));
            if (ctx.InputSizes(2).Length == 0) gs = gs.Reshape();
        }
        return [ctx.NeedsInputGrad(0) ? g : null, null, gs];
    }
}
