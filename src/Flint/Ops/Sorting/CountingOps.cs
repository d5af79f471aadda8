using Flint.Kernels.Cpu;

namespace Flint.Ops;

/// <summary>aten::_unique2 over the flattened input: sorted unique values, the inverse (input-shaped) and counts.</summary>
public sealed class UniqueOp : Op
{
    public static readonly UniqueOp Instance = new();
    public override string Name => "_unique2";
    public override OpKind Kind => OpKind.Extern;
    public override bool Differentiable => false;
    public override TensorMeta[] Meta(Tensor[] x) => [new([-1], x[0].DType), new(x[0]._sizes, DType.Int64), new([-1], DType.Int64)];

    public override Tensor[] Forward(Tensor[] x)
    {
        var t = x[0];
        var flat = t.ContiguousRaw();
        flat = flat.AsStridedRaw([t._numel], [1], flat._offset);
        var (vals, idx) = SortCore.SortedLines(flat, 0, false);
        var vd = vals.CastRaw(DType.Float64).RawSpan<double>();
        var id = idx.RawSpan<long>();
        int n = t._numel;
        var inverse = Tensor.Empty(t._sizes, DType.Int64);
        var inv = inverse.RawSpan<long>();
        var firsts = new List<int>(); var counts = new List<long>();
        for (int i = 0; i < n; i++)
        {
            bool fresh = i == 0 || !(vd[i] == vd[i - 1] || (double.IsNaN(vd[i]) && double.IsNaN(vd[i - 1])));
            if (fresh) { firsts.Add(i); counts.Add(0); }
            counts[^1]++;
            inv[(int)id[i]] = firsts.Count - 1;
        }
        var sortedOrig = vals.CastRaw(t.DType);
        var u = Tensor.Empty([firsts.Count], t.DType);
        var sel = Tensor.Empty([firsts.Count], DType.Int64);
        for (int i = 0; i < firsts.Count; i++) sel.RawSpan<long>()[i] = firsts[i];
        var g = new GatherOp(0).Forward([sortedOrig, sel])[0];
        var c = Tensor.Empty([counts.Count], DType.Int64);
        counts.ToArray().CopyTo(c.RawSpan<long>());
        return [g, inverse, c];
    }

    public override Tensor?[] Backward(BackwardContext ctx) => [null];
}

/// <summary>aten::searchsorted(sorted_sequence, values, out_int32, right): insertion points (1-D or per-row sequences).</summary>
public sealed class SearchsortedOp(bool right, bool outInt32) : Op
{
    public override string Name => "searchsorted";
    public override OpKind Kind => OpKind.Extern;
    public override bool Differentiable => false;
    public override TensorMeta[] Meta(Tensor[] x) { Check(x[0], x[1]); return [new(x[1]._sizes, outInt32 ? DType.Int32 : DType.Int64)]; }

    private static void Check(Tensor seq, Tensor v)
    {
        if (seq.Dim == 0) throw new ArgumentException("torch.searchsorted(): input value can be a scalar only when boundaries tensor dimension is 1, but we got boundaries tensor dim(0) and input value's dim(" + v.Dim + ") numel(" + v._numel + ")");
        if (seq.Dim > 1 && (v.Dim != seq.Dim || !seq._sizes.AsSpan(0, seq.Dim - 1).SequenceEqual(v._sizes.AsSpan(0, v.Dim - 1))))
            throw new ArgumentException($"torch.searchsorted(): boundaries tensor should be 1 dimension or the first N-1 dimensions of boundaries tensor and input value tensor must match, but we got boundaries tensor {ShapeUtil.Format(seq._sizes)} and input value tensor {ShapeUtil.Format(v._sizes)}");
    }

    public override Tensor[] Forward(Tensor[] x)
    {
        var seq = x[0]; var v = x[1];
        Check(seq, v);
        var s = seq.CastRaw(DType.Float64).ContiguousRaw().RawSpan<double>();
        var vs = v.CastRaw(DType.Float64).ContiguousRaw().RawSpan<double>();
        int n = seq._sizes[^1];
        int per = seq.Dim == 1 ? vs.Length : (v.Dim == 0 ? 1 : v._sizes[^1]);
        var r = Tensor.Empty(v._sizes, DType.Int64);
        var o = r.RawSpan<long>();
        for (int i = 0; i < vs.Length; i++)
        {
            var row = seq.Dim == 1 ? s : s.Slice(i / per * n, n);
            double val = vs[i];
            int lo = 0, hi = n;
            while (lo < hi)
            {
                int mid = (lo + hi) >>> 1;
                // NaN sorts last: it is greater than every number
                bool goRight = right ? SortKernels.Compare(row[mid], val) <= 0 : SortKernels.Compare(row[mid], val) < 0;
                if (goRight) lo = mid + 1; else hi = mid;
            }
            o[i] = lo;
        }
        return [outInt32 ? r.CastRaw(DType.Int32) : r];
    }

    public override Tensor?[] Backward(BackwardContext ctx) => [null, null];
}

/// <summary>aten::bincount(self, weights, minlength): counts (int64) or summed weights (the weights' dtype; double for non-floats).</summary>
public sealed class BincountOp(long minlength) : Op
{
    public override string Name => "bincount";
    public override OpKind Kind => OpKind.Extern;
    public override bool Differentiable => false;
    public override TensorMeta[] Meta(Tensor[] x) => [new([-1], OutType(x))];

    private static DType OutType(Tensor?[] x) => x.Length > 1 && x[1] is { } w ? (w.DType is DType.Float32 ? DType.Float32 : DType.Float64) : DType.Int64;

    public override Tensor[] Forward(Tensor[] x)
    {
        var t = x[0]; var w = x.Length > 1 ? x[1] : null;
        if (t.Dim != 1 || t.DType.IsFloatingPoint() || t.DType == DType.Bool)
            throw new ArgumentException("bincount only supports 1-d non-negative integral inputs.");
        if (minlength < 0) throw new ArgumentException("minlength should be >= 0");
        var v = t.CastRaw(DType.Int64).ContiguousRaw().RawSpan<long>();
        long max = -1;
        foreach (var e in v) { if (e < 0) throw new ArgumentException("bincount only supports 1-d non-negative integral inputs."); if (e > max) max = e; }
        if (w is not null && (w.Dim != 1 || w._numel != t._numel))
            throw new ArgumentException("weights should be 1-d and have the same length as input");
        int len = (int)Math.Max(max + 1, minlength);
        if (w is null)
        {
            var r = Tensor.Empty([len], DType.Int64, zeroed: true);
            var o = r.RawSpan<long>();
            foreach (var e in v) o[(int)e]++;
            return [r];
        }
        var wd = w.CastRaw(DType.Float64).ContiguousRaw().RawSpan<double>();
        var rd = Tensor.Empty([len], DType.Float64, zeroed: true);
        var od = rd.RawSpan<double>();
        for (int i = 0; i < v.Length; i++) od[(int)v[i]] += wd[i];
        return [rd.CastRaw(OutType(x))];
    }

    public override Tensor?[] Backward(BackwardContext ctx) => [null, null];
}

/// <summary>aten::histc(self, bins, min, max): equal-width histogram; min = max means the data's range.</summary>
public sealed class HistcOp(long bins, double min, double max) : Op
{
    public override string Name => "histc";
    public override OpKind Kind => OpKind.Extern;
    public override bool Differentiable => false;
    public override TensorMeta[] Meta(Tensor[] x) => [new([(int)bins], x[0].DType)];

    public override Tensor[] Forward(Tensor[] x)
    {
        var t = x[0];
        if (!t.DType.IsFloatingPoint())
            throw new InvalidOperationException($"\"histogram_cpu\" not implemented for '{ReduceCore.TypeName(t.DType)}'");
        if (bins <= 0) throw new ArgumentException("torch.histc(): bins must be > 0, but got " + bins + " for dimension 0");
        var v = t.CastRaw(DType.Float64).ContiguousRaw().RawSpan<double>();
        double lo = min, hi = max;
        if (lo == hi && v.Length > 0)
        {
            lo = double.PositiveInfinity; hi = double.NegativeInfinity;
            foreach (var e in v) { if (e < lo) lo = e; if (e > hi) hi = e; }
        }
        if (lo == hi) { lo -= 1; hi += 1; }
        if (lo > hi) throw new ArgumentException($"torch.histc(): max must be larger than min, but got min {lo} max {hi}");
        var r = Tensor.Empty([(int)bins], DType.Float64, zeroed: true);
        var o = r.RawSpan<double>();
        foreach (var e in v)
        {
            if (!(e >= lo && e <= hi)) continue;
            long b = (long)((e - lo) * bins / (hi - lo));
            if (b == bins) b--;
            o[(int)b]++;
        }
        return [r.CastRaw(t.DType)];
    }

    public override Tensor?[] Backward(BackwardContext ctx) => [null];
}
