using Flint.Kernels.Cpu;

namespace Flint.Ops;

/// <summary>
/// Small raw helpers the reduction ops share: masks that backward formulas multiply by (constants, outside autograd,
/// as PyTorch's masks are), NaN cleaning and in-place scaling of fresh kernel outputs.
/// </summary>
internal static class ReduceMasks
{
    /// <summary>x's values as a contiguous float64 tensor (x itself when it already is one).</summary>
    public static Tensor Dense64(Tensor x) => x.Detach().ContiguousRaw().CastRaw(DType.Float64);

    /// <summary>A copy of x in dtype ct (float32/float64) with NaN replaced by 0.</summary>
    public static Tensor ZeroNaN(Tensor x, DType ct)
    {
        var c = x.DType == ct ? x.CloneRaw() : x.CastRaw(ct);
        if (ct == DType.Float32) { var s = c.RawSpan<float>(); for (int i = 0; i < s.Length; i++) if (float.IsNaN(s[i])) s[i] = 0; }
        else { var s = c.RawSpan<double>(); for (int i = 0; i < s.Length; i++) if (double.IsNaN(s[i])) s[i] = 0; }
        return c;
    }

    /// <summary>1 where x is not NaN, 0 where it is, in x's dtype (a constant).</summary>
    public static Tensor NotNaN(Tensor x)
    {
        var d = Dense64(x);
        var r = Tensor.Empty(x._sizes, DType.Float64);
        var s = d.RawSpan<double>(); var o = r.RawSpan<double>();
        for (int i = 0; i < s.Length; i++) o[i] = double.IsNaN(s[i]) ? 0 : 1;
        return r.CastRaw(x.DType);
    }

    /// <summary>Multiplies a fresh contiguous float32/float64/int64 tensor by f in place.</summary>
    public static void Scale(Tensor t, double f)
    {
        switch (t.DType)
        {
            case DType.Float32: System.Numerics.Tensors.TensorPrimitives.Multiply(t.RawSpan<float>(), (float)f, t.RawSpan<float>()); break;
            case DType.Float64: System.Numerics.Tensors.TensorPrimitives.Multiply(t.RawSpan<double>(), f, t.RawSpan<double>()); break;
            default: throw new NotSupportedException("scale of " + t.DType.Name());
        }
    }

    public static bool HasZero(Tensor x)
    {
        var d = Dense64(x).RawSpan<double>();
        foreach (var v in d) if (v == 0) return true;
        return false;
    }

    /// <summary>
    /// Weights that split a gradient evenly among the elements equal to the reduced value (PyTorch's amax/amin
    /// backward and evenly_distribute_backward): 1/count where x == y (or both NaN), else 0, in x's dtype.
    /// y has the reduction's output shape with reduced dims kept as 1.
    /// </summary>
    public static Tensor TieWeights(Tensor x, Tensor y, int[]? dims, bool nanMatches = true)
    {
        if (x._numel == 0) return Tensor.Empty(x._sizes, x.DType);
        var xd = x.Detach(); var yd = y.Detach();
        var eq = Tensor.Empty(x._sizes, DType.Float64);
        var xs = Dense64(xd).RawSpan<double>();
        var yb = Dense64(yd).ExpandRaw(x._sizes).ContiguousRaw().RawSpan<double>();
        var es = eq.RawSpan<double>();
        for (int i = 0; i < es.Length; i++) es[i] = xs[i] == yb[i] || (nanMatches && double.IsNaN(xs[i]) && double.IsNaN(yb[i])) ? 1 : 0;
        var cnt = ReduceCore.Run(eq, dims, true, DType.Float64, ReduceCore.Kind.Sum);
        var cb = cnt.ExpandRaw(x._sizes).ContiguousRaw().RawSpan<double>();
        // without nanMatches (amax/amin, as PyTorch's scale_grad_by_count) a NaN result matches nothing: 0/0 = NaN
        for (int i = 0; i < es.Length; i++) es[i] = cb[i] == 0 ? double.NaN : es[i] / cb[i];
        return eq.CastRaw(x.DType);
    }

    /// <summary>sign(x) in x's dtype, as a constant (its derivative is zero wherever it exists).</summary>
    public static Tensor Sign(Tensor x) => Map(x, v => double.IsNaN(v) ? v : Math.Sign(v));

    /// <summary>1 where t is zero, else 0, in t's dtype (a constant).</summary>
    public static Tensor ZeroMask(Tensor t) => Map(t, v => v == 0 ? 1 : 0);

    private static Tensor Map(Tensor x, Func<double, double> f)
    {
        var d = Dense64(x);
        var r = Tensor.Empty(x._sizes, DType.Float64);
        var s = d.RawSpan<double>(); var o = r.RawSpan<double>();
        for (int i = 0; i < s.Length; i++) o[i] = f(s[i]);
        return r.CastRaw(x.DType);
    }
}
