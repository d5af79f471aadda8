using Flint.Kernels.Cpu;

namespace Flint.Ops;

/// <summary>
/// aten::logcumsumexp along a dim: out_k = log Σ_{j≤k} exp(x_j), accumulated in double as PyTorch's CPU kernel
/// does, each step log(e^a + e^b) = max + log1p(exp(min − max)) so large magnitudes neither overflow nor lose
/// their smaller terms. Floating inputs only.
/// </summary>
public sealed class LogcumsumexpOp(int dim) : Op
{
    public override string Name => "logcumsumexp";
    public override OpKind Kind => OpKind.Extern;
    public override string FormatAttributes() => $"dim={dim}";

    public override TensorMeta[] Meta(Tensor[] x)
    {
        ShapeUtil.WrapDim(dim, x[0].Dim);
        if (!x[0].DType.IsFloatingPoint())
            throw new NotSupportedException($"\"logcumsumexp_out_cpu\" not implemented for '{ReduceCore.TypeName(x[0].DType)}'");
        return [TensorMeta.Like(x[0])];
    }

    public override Tensor[] Forward(Tensor[] x)
    {
        Meta(x);
        int d = ShapeUtil.WrapDim(dim, x[0].Dim);
        var lines = DimLines.ToLines(x[0], d, DType.Float64);
        if (ReferenceEquals(lines._storage, x[0]._storage)) lines = lines.CloneRaw();
        int n = lines.Dim == 0 ? 1 : lines._sizes[^1], m = n == 0 ? 0 : lines._numel / n;
        RowLoop.For(m, n, (s, e) => Scan(lines.RawSpan<double>(), s, e, n));
        return [DimLines.FromLines(lines, d, x[0].Dim).CastRaw(x[0].DType)];
    }

    private static void Scan(Span<double> a, int s, int e, int n)
    {
        for (int i = s; i < e; i++)
        {
            var l = a.Slice(i * n, n);
            double acc = double.NegativeInfinity;
            for (int j = 0; j < n; j++) { acc = LogAddExp(acc, l[j]); l[j] = acc; }
        }
    }

    /// <summary>log(e^a + e^b); two infinities of one sign give that infinity (their difference would be NaN).</summary>
    private static double LogAddExp(double a, double b)
    {
        if (double.IsNaN(a) || double.IsNaN(b)) return double.NaN;
        double lo = Math.Min(a, b), hi = Math.Max(a, b);
        return lo != hi || double.IsFinite(lo) ? hi + Math.Log(1 + Math.Exp(lo - hi)) : a;
    }

    /// <summary>
    /// PyTorch's formula, written with ops so it can be differentiated again: grad_j = Σ_{k≥j} g_k e^{x_j − out_k},
    /// summed in log space separately for the positive and the negative g_k (a reversed logcumsumexp of
    /// log|g_k| − out_k) so no exponential overflows.
    /// </summary>
    public override Tensor?[] Backward(BackwardContext ctx)
    {
        var g = ctx.Grad();
        if (g.Dim == 0 || g.Numel() == 0) return [g];
        var x = ctx.Input(0); var result = ctx.Output(0);
        int d = ShapeUtil.WrapDim(dim, x.Dim);
        var lowest = Torch.ScalarTensor(g.DType == DType.Float64 ? double.MinValue : float.MinValue, g.DType);
        var logAbs = g.Abs().Log();
        var logPos = Torch.Where(g.Gt(0), logAbs, lowest);
        var logNeg = Torch.Where(g.Lt(0), logAbs, lowest);
        Tensor ReverseLcse(Tensor t) => Dispatcher.Call1(new LogcumsumexpOp(d), [t.Flip(d)]).Flip(d);
        return [(ReverseLcse(logPos - result) + x).Exp() - (ReverseLcse(logNeg - result) + x).Exp()];
    }
}
