namespace Flint.NN;

/// <summary>
/// aten::_ctc_loss: the negative log likelihood of each target sequence under the per-frame class log-probabilities
/// (T, N, C), by the forward (alpha) recursion over the blank-extended target in log space. The backward pass runs
/// the beta recursion and forms PyTorch's gradient exp(lp) − exp(log Σ_s αβ + nll − lp); it is a constant times the
/// incoming gradient, so it is written as one multiplication. Outputs the per-sample losses (N).
/// </summary>
internal sealed class CtcLossOp(long[] inputLengths, long[] targetLengths, int blank, bool zeroInfinity) : Op
{
    public override string Name => "_ctc_loss";
    public override OpKind Kind => OpKind.Extern;
    public override string BackwardName => "CtcLossBackward0";
    public override TensorMeta[] Meta(Tensor[] x) => [new([x[0]._sizes[1]], x[0].DType)];

    private (double[] Nll, double[]? Grad) Compute(Tensor logProbs, Tensor targets, bool withGrad)
    {
        int T = logProbs._sizes[0], N = logProbs._sizes[1], C = logProbs._sizes[2];
        var lp = logProbs.CastRaw(DType.Float64).ContiguousRaw().RawSpan<double>().ToArray();
        var tg = targets.CastRaw(DType.Int64).ContiguousRaw().RawSpan<long>().ToArray();
        bool concatenated = targets.Dim == 1;
        int maxS = targets.Dim == 2 ? targets._sizes[1] : 0;
        var nll = new double[N];
        var grad = withGrad ? new double[T * N * C] : null;
        long offset = 0;
        for (int n = 0; n < N; n++)
        {
            int len = (int)inputLengths[n], tl = (int)targetLengths[n];
            long start = concatenated ? offset : (long)n * maxS;
            offset += tl;
            int S = 2 * tl + 1;
            int Label(int s) => s % 2 == 0 ? blank : (int)tg[start + s / 2];
            double Lp(int t, int c) => lp[(t * N + n) * C + c];
            var alpha = new double[Math.Max(len, 1) * S];
            Array.Fill(alpha, double.NegativeInfinity);
            if (len > 0)
            {
                alpha[0] = Lp(0, blank);
                if (S > 1) alpha[1] = Lp(0, Label(1));
                for (int t = 1; t < len; t++)
                    for (int s = 0; s < S; s++)
                    {
                        int l = Label(s);
                        double a = alpha[(t - 1) * S + s];
                        if (s > 0) a = LogAdd(a, alpha[(t - 1) * S + s - 1]);
                        if (s > 1 && l != blank && l != Label(s - 2)) a = LogAdd(a, alpha[(t - 1) * S + s - 2]);
                        alpha[t * S + s] = a + Lp(t, l);
                    }
                double ll = alpha[(len - 1) * S + S - 1];
                if (S > 1) ll = LogAdd(ll, alpha[(len - 1) * S + S - 2]);
                nll[n] = -ll;
            }
            else nll[n] = tl == 0 ? 0 : double.PositiveInfinity;

            if (grad is null || len == 0) continue;
            bool zeroOut = zeroInfinity && double.IsPositiveInfinity(nll[n]);
            var beta = new double[len * S];
            Array.Fill(beta, double.NegativeInfinity);
            beta[(len - 1) * S + S - 1] = Lp(len - 1, blank);
            if (S > 1) beta[(len - 1) * S + S - 2] = Lp(len - 1, Label(S - 2));
            for (int t = len - 2; t >= 0; t--)
                for (int s = 0; s < S; s++)
                {
                    int l = Label(s);
                    double b = beta[(t + 1) * S + s];
                    if (s < S - 1) b = LogAdd(b, beta[(t + 1) * S + s + 1]);
                    if (s < S - 2 && l != blank && l != Label(s + 2)) b = LogAdd(b, beta[(t + 1) * S + s + 2]);
                    beta[t * S + s] = b + Lp(t, l);
                }
            var lcab = new double[C];
            for (int t = 0; t < len; t++)
            {
                Array.Fill(lcab, double.NegativeInfinity);
                for (int s = 0; s < S; s++) lcab[Label(s)] = LogAdd(lcab[Label(s)], alpha[t * S + s] + beta[t * S + s]);
                for (int c = 0; c < C; c++)
                {
                    double lpv = Lp(t, c);
                    grad[(t * N + n) * C + c] = zeroOut ? 0 : Math.Exp(lpv) - Math.Exp(lcab[c] + nll[n] - lpv);
                }
            }
        }
        if (zeroInfinity) for (int n = 0; n < N; n++) if (double.IsPositiveInfinity(nll[n])) nll[n] = 0;
        return (nll, grad);
    }

    private static double LogAdd(double a, double b)
    {
        if (double.IsNegativeInfinity(a)) return b;
        if (double.IsNegativeInfinity(b)) return a;
        double m = Math.Max(a, b);
        return m + Math.Log(Math.Exp(a - m) + Math.Exp(b - m));
    }

    public override Tensor[] Forward(Tensor[] x)
    {
        var (nll, _) = Compute(x[0], x[1], false);
        return [Torch.FromArray(nll, nll.Length).CastRaw(x[0].DType)];
    }

    public override Tensor?[] Backward(BackwardContext ctx)
    {
        if (!ctx.NeedsInputGrad(0)) return [null, null];
        var lp = ctx.Input(0);
        var (_, grad) = Compute(lp, ctx.Input(1), true);
        var gm = Torch.FromArray(grad!, ShapeUtil.ToLong(lp._sizes)).To(lp.DType);
        return [gm * ctx.Grad().View(1, -1, 1), null];
    }
}
