using Flint.Kernels.Cpu;

namespace Flint.Ops;

/// <summary>
/// Where advanced indexing reads or writes: the indexed dims' integer tensors are broadcast together; each broadcast
/// position gives one element offset ("base"), and the non-indexed dims are walked under it. The broadcast dims
/// replace the indexed dims in place when those are adjacent, else they go first (NumPy's rule).
/// </summary>
internal sealed class AdvancedIndexPlan
{
    public readonly int[] Bases, RestSizes, RestStrides, ResultSizes, PSizes;
    /// <summary>Result dim j is dim Perm[j] of the "indexed dims first" layout (null when that is the result).</summary>
    public readonly int[]? Perm;

    public AdvancedIndexPlan(Tensor self, Tensor?[] indices)
    {
        int nd = self.Dim;
        if (indices.Length > nd) throw new IndexOutOfRangeException($"too many indices for tensor of dimension {nd}");
        var adv = new List<int>(); var rest = new List<int>();
        int[] b = [];
        bool first = true;
        for (int d = 0; d < nd; d++)
        {
            var ix = d < indices.Length ? indices[d] : null;
            if (ix is null) { rest.Add(d); continue; }
            if (ix.DType != DType.Int64 && ix.DType != DType.Int32 && ix.DType != DType.Int16 && ix.DType != DType.Int8 && ix.DType != DType.UInt8)
                throw new IndexOutOfRangeException("tensors used as indices must be long, int, byte or bool tensors");
            adv.Add(d);
            b = first ? ix._sizes : BroadcastIndices(b, ix._sizes);
            first = false;
        }
        if (adv.Count == 0) throw new ArgumentException("index: at least one index tensor is needed");
        bool adjacent = adv[^1] - adv[0] == adv.Count - 1;
        int nb = b.Length;
        RestSizes = new int[rest.Count]; RestStrides = new int[rest.Count];
        for (int i = 0; i < rest.Count; i++) { RestSizes[i] = self._sizes[rest[i]]; RestStrides[i] = self._strides[rest[i]]; }
        PSizes = [.. b, .. RestSizes];
        int p = adjacent ? adv[0] : 0;
        if (p == 0) { ResultSizes = PSizes; Perm = null; }
        else
        {
            // result: rest[0..p) ++ B ++ rest[p..)
            Perm = new int[PSizes.Length];
            int j = 0;
            for (int i = 0; i < p; i++) Perm[j++] = nb + i;
            for (int i = 0; i < nb; i++) Perm[j++] = i;
            for (int i = p; i < rest.Count; i++) Perm[j++] = nb + i;
            ResultSizes = new int[PSizes.Length];
            for (int i = 0; i < Perm.Length; i++) ResultSizes[i] = PSizes[Perm[i]];
        }
        int count = ShapeUtil.Numel(b);
        Bases = new int[count];
        Array.Fill(Bases, self._offset);
        foreach (var d in adv)
        {
            var ix = indices[d]!;
            var flat = (ShapeUtil.SameShape(ix._sizes, b) ? ix : ix.ExpandRaw(b)).IndexArray();
            int size = self._sizes[d], stride = self._strides[d];
            for (int i = 0; i < count; i++)
            {
                long v = flat[i];
                if (v < -size || v >= size) throw new IndexOutOfRangeException($"index {v} is out of bounds for dimension {d} with size {size}");
                if (v < 0) v += size;
                Bases[i] += (int)v * stride;
            }
        }
    }

    private static int[] BroadcastIndices(int[] a, int[] b)
    {
        try { return ShapeUtil.Broadcast(a, b); }
        catch (ArgumentException)
        {
            throw new IndexOutOfRangeException($"shape mismatch: indexing tensors could not be broadcast together with shapes {ShapeUtil.Format(a)}, {ShapeUtil.Format(b)}");
        }
    }

    /// <summary>The inverse of <see cref="Perm"/>: result layout → indexed-dims-first layout.</summary>
    public int[] InversePerm()
    {
        var inv = new int[Perm!.Length];
        for (int i = 0; i < Perm.Length; i++) inv[Perm[i]] = i;
        return inv;
    }
}

/// <summary>aten::index(self, indices): advanced indexing with integer tensors (null = the whole dim). A copy.</summary>
public sealed class IndexOp : Op
{
    public static readonly IndexOp Instance = new();
    public override string Name => "index";
    public override OpKind Kind => OpKind.Indexing;
    private static Tensor?[] Indices(Tensor[] x) => x.AsSpan(1).ToArray();
    public override TensorMeta[] Meta(Tensor[] x) => [new(new AdvancedIndexPlan(x[0], Indices(x)).ResultSizes, x[0].DType)];

    public override Tensor[] Forward(Tensor[] x)
    {
        var self = x[0];
        var plan = new AdvancedIndexPlan(self, Indices(x));
        var yp = Tensor.Empty(plan.PSizes, self.DType);
        AdvancedIndexKernels.Gather(self, plan.Bases, plan.RestSizes, plan.RestStrides, yp);
        return [plan.Perm is null ? yp : yp.PermuteRaw(plan.Perm).ContiguousRaw()];
    }

    public override Tensor?[] Backward(BackwardContext ctx)
    {
        var r = new Tensor?[ctx.InputCount];
        var idx = new Tensor?[r.Length - 1];
        for (int i = 0; i < idx.Length; i++) idx[i] = ctx.InputOrNull(i + 1);
        var g = ctx.Grad();
        r[0] = Torch.Zeros(ctx.InputSizes(0), g.DType).IndexPut(idx, g, accumulate: true);
        return r;
    }
}

/// <summary>aten::index_put(self, indices, values, accumulate): self with values written (or added) at the indices.</summary>
public sealed class IndexPutOp(bool accumulate) : Op
{
    public override string Name => "index_put";
    public override OpKind Kind => OpKind.Indexing;
    public override string FormatAttributes() => $"accumulate={(accumulate ? "True" : "False")}";
    private static Tensor?[] Indices(Tensor[] x) => x.AsSpan(2).ToArray();
    public override TensorMeta[] Meta(Tensor[] x) => [TensorMeta.Like(x[0])];

    public override Tensor[] Forward(Tensor[] x)
    {
        var y = x[0].CloneRaw();
        var plan = new AdvancedIndexPlan(y, Indices(x));
        var v = x[1];
        if (v.DType != y.DType)
            throw new ArgumentException($"Index put requires the source and destination dtypes match, got {CastName(y.DType)} for the destination and {CastName(v.DType)} for the source.");
        var vb = ShapeUtil.Broadcast(plan.ResultSizes, v._sizes);
        if (!ShapeUtil.SameShape(vb, plan.ResultSizes))
            throw new ArgumentException($"shape mismatch: value tensor of shape {ShapeUtil.Format(v._sizes)} cannot be broadcast to indexing result of shape {ShapeUtil.Format(plan.ResultSizes)}");
        var ve = v.ExpandRaw(plan.ResultSizes);
        if (plan.Perm is not null) ve = ve.PermuteRaw(plan.InversePerm());
        AdvancedIndexKernels.Put(y, plan.Bases, plan.RestSizes, plan.RestStrides, ve, accumulate);
        return [y];
    }

    private static string CastName(DType t) => Tensor.CastName(t);

    public override Tensor?[] Backward(BackwardContext ctx)
    {
        var r = new Tensor?[ctx.InputCount];
        var idx = new Tensor?[r.Length - 2];
        for (int i = 0; i < idx.Length; i++) idx[i] = ctx.InputOrNull(i + 2);
        var g = ctx.Grad();
        if (ctx.NeedsInputGrad(0)) r[0] = accumulate ? g : g.IndexPut(idx, Torch.ScalarTensor(0, g.DType), accumulate: false);
        if (ctx.NeedsInputGrad(1)) r[1] = g.Index(idx).SumToSize(ctx.InputSizes(1));
        return r;
    }
}

/// <summary>aten::nonzero: the indices of the non-zero elements, one row per element ([n, dim], int64).</summary>
public sealed class NonzeroOp : Op
{
    public static readonly NonzeroOp Instance = new();
    public override string Name => "nonzero";
    public override OpKind Kind => OpKind.Indexing;
    public override bool Differentiable => false;
    public override TensorMeta[] Meta(Tensor[] x) => throw new InvalidOperationException("nonzero has a data-dependent output shape");
    public override Tensor[] Forward(Tensor[] x)
    {
        var t = x[0];
        var pos = AdvancedIndexKernels.NonzeroPositions(t);
        int nd = t.Dim;
        // Written dim-major and returned transposed: [count, dim] with strides (1, count), as PyTorch's CPU kernel,
        // so each column (nonzero(as_tuple=True), torch.where(cond)) is a contiguous slice.
        int n = pos.Count;
        var y = Tensor.Empty([nd, n], DType.Int64);
        var d = y.StorageSpan<long>();
        for (int i = 0; i < n; i++)
        {
            int rem = pos[i];
            for (int k = nd - 1; k >= 0; k--) { d[k * n + i] = rem % t._sizes[k]; rem /= t._sizes[k]; }
        }
        return [y.AsStridedRaw([n, nd], [1, n], 0)];
    }
    public override Tensor?[] Backward(BackwardContext ctx) => [null];
}
