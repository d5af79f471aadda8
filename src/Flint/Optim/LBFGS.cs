namespace Flint.Optim;

/// <summary>
/// torch.optim.LBFGS (after minFunc): one group only; Step(closure) runs up to max_iter iterations, with a fixed
/// step or the strong-Wolfe line search. The flat vectors are worked on in float64 and kept in the state dict, in
/// PyTorch's keys (d, t, old_dirs, old_stps, ro, H_diag, prev_flat_grad, prev_loss, al, func_evals, n_iter), as
/// tensors of the parameters' dtype.
/// </summary>
public sealed class LBFGS : Optimizer
{
    private readonly List<Tensor> _params;
    private readonly int _numel;

    public LBFGS(IEnumerable<Tensor> parameters, double lr = 1, int maxIter = 20, int? maxEval = null, double toleranceGrad = 1e-7,
        double toleranceChange = 1e-9, int historySize = 100, string? lineSearchFn = null)
        : base([new ParamGroup(parameters)], new ParamGroup([])
        {
            ["lr"] = Num(lr, true), ["max_iter"] = (long)maxIter, ["max_eval"] = (long)(maxEval ?? maxIter * 5 / 4),
            ["tolerance_grad"] = toleranceGrad, ["tolerance_change"] = toleranceChange, ["history_size"] = (long)historySize,
            ["line_search_fn"] = lineSearchFn,
        })
    {
        if (lineSearchFn != null && lineSearchFn != "strong_wolfe") throw new ArgumentException("only 'strong_wolfe' is supported");
        _params = ParamGroups[0].Params;
        foreach (var p in _params) _numel += (int)p.Numel();
    }

    public override void AddParamGroup(ParamGroup group)
    {
        if (ParamGroups.Count > 0) throw new ArgumentException("LBFGS doesn't support per-parameter options (parameter groups)");
        base.AddParamGroup(group);
    }

    protected override void StepGroup(ParamGroup group) => throw new InvalidOperationException("LBFGS needs a closure: call Step(closure)");

    public override Tensor? Step(Func<Tensor>? closure = null)
    {
        if (closure is null) throw new ArgumentException("LBFGS requires a closure that reevaluates the model and returns the loss");
        using var _ = Torch.NoGrad();
        var group = ParamGroups[0];
        double lr = group.Lr, tolGrad = group.GetDouble("tolerance_grad"), tolChange = group.GetDouble("tolerance_change");
        long maxIter = group.GetLong("max_iter"), maxEval = group.GetLong("max_eval"), historySize = group.GetLong("history_size");
        var lineSearch = group["line_search_fn"] as string;

        var state = StateFor(_params[0]);
        if (!state.ContainsKey("func_evals")) state["func_evals"] = 0L;
        if (!state.ContainsKey("n_iter")) state["n_iter"] = 0L;

        Tensor origLoss = Eval(closure);
        double loss = origLoss.Item();
        long currentEvals = 1;
        state["func_evals"] = ToLong(state["func_evals"]) + 1;
        var flatGrad = GatherFlatGrad();
        if (AbsMax(flatGrad) <= tolGrad) return origLoss;

        var d = FromState(state, "d");
        double t = state.TryGetValue("t", out var tv) && tv != null ? ParamGroup.ToDouble(tv, "t") : 0;
        var oldDirs = ListFromState(state, "old_dirs");
        var oldStps = ListFromState(state, "old_stps");
        var ro = ScalarsFromState(state, "ro");
        double hDiag = state.TryGetValue("H_diag", out var hv) && hv != null ? ParamGroup.ToDouble(hv, "H_diag") : 1;
        var prevFlatGrad = FromState(state, "prev_flat_grad");
        double prevLoss = state.TryGetValue("prev_loss", out var pl) && pl != null ? ParamGroup.ToDouble(pl, "prev_loss") : 0;
        double[]? al = state.TryGetValue("al", out var alv) && alv != null ? ScalarsFromState(state, "al").ToArray() : null;

        long nIter = 0;
        while (nIter < maxIter)
        {
            nIter++;
            long stateIter = ToLong(state["n_iter"]) + 1;
            state["n_iter"] = stateIter;
            if (stateIter == 1)
            {
                d = Neg(flatGrad);
                oldDirs.Clear(); oldStps.Clear(); ro.Clear();
                hDiag = 1;
            }
            else
            {
                var y = new double[_numel]; var s = new double[_numel];
                for (int i = 0; i < _numel; i++) { y[i] = flatGrad[i] - prevFlatGrad![i]; s[i] = d![i] * t; }
                double ys = Dot(y, s);
                if (ys > 1e-10)
                {
                    if (oldDirs.Count == historySize) { oldDirs.RemoveAt(0); oldStps.RemoveAt(0); ro.RemoveAt(0); }
                    oldDirs.Add(y); oldStps.Add(s); ro.Add(1.0 / ys);
                    hDiag = ys / Dot(y, y);
                }
                int numOld = oldDirs.Count;
                if (al is null)
                {
                    al = new double[historySize];
                    state["al"] = null; // PyTorch creates 'al' here: keep its place in the state's key order
                }
                var q = Neg(flatGrad);
                for (int i = numOld - 1; i >= 0; i--)
                {
                    al[i] = Dot(oldStps[i], q) * ro[i];
                    Axpy(q, oldDirs[i], -al[i]);
                }
                var r = new double[_numel];
                for (int i = 0; i < _numel; i++) r[i] = q[i] * hDiag;
                for (int i = 0; i < numOld; i++)
                {
                    double be = Dot(oldDirs[i], r) * ro[i];
                    Axpy(r, oldStps[i], al[i] - be);
                }
                d = r;
            }
            prevFlatGrad = (double[])flatGrad.Clone();
            prevLoss = loss;
            if (stateIter == 1)
            {
                double sumAbs = 0;
                foreach (var v in flatGrad) sumAbs += Math.Abs(v);
                t = Math.Min(1.0, 1.0 / sumAbs) * lr;
            }
            else t = lr;
            double gtd = Dot(flatGrad, d!);
            if (gtd > -tolChange) break;

            long lsEvals = 0;
            bool optCond = false;
            if (lineSearch != null)
            {
                var xInit = CloneParams();
                (loss, flatGrad, t, lsEvals) = StrongWolfe(closure, xInit, t, d!, loss, flatGrad, gtd, tolChange);
                AddGrad(t, d!);
                optCond = AbsMax(flatGrad) <= tolGrad;
            }
            else
            {
                AddGrad(t, d!);
                if (nIter != maxIter)
                {
                    loss = Eval(closure).Item();
                    flatGrad = GatherFlatGrad();
                    optCond = AbsMax(flatGrad) <= tolGrad;
                    lsEvals = 1;
                }
            }
            currentEvals += lsEvals;
            state["func_evals"] = ToLong(state["func_evals"]) + lsEvals;
            if (nIter == maxIter) break;
            if (currentEvals >= maxEval) break;
            if (optCond) break;
            double dtMax = 0;
            foreach (var v in d!) dtMax = Math.Max(dtMax, Math.Abs(v * t));
            if (dtMax <= tolChange) break;
            if (Math.Abs(loss - prevLoss) < tolChange) break;
        }

        var dt = _params[0].DType;
        state["d"] = ToTensor(d!, dt);
        // t = lr keeps the option's Python type (an int lr gives an int t, as in PyTorch)
        state["t"] = t == lr && group["lr"] is long l ? (object)l : t;
        state["old_dirs"] = ToTensorList(oldDirs, dt);
        state["old_stps"] = ToTensorList(oldStps, dt);
        state["ro"] = ScalarList(ro, dt);
        state["H_diag"] = Torch.ScalarTensor(hDiag, dt);
        state["prev_flat_grad"] = ToTensor(prevFlatGrad!, dt);
        state["prev_loss"] = prevLoss;
        if (al != null)
        {
            var alList = new List<object?>(al.Length);
            for (int i = 0; i < al.Length; i++) alList.Add(i < oldDirs.Count || al[i] != 0 ? Torch.ScalarTensor(al[i], dt) : null);
            state["al"] = alList;
        }
        return origLoss;
    }

    private static Tensor Eval(Func<Tensor> closure) { using (Torch.EnableGrad()) return closure(); }

    private (double loss, double[] g, double t, long evals) Directional(Func<Tensor> closure, List<Tensor> x, double t, double[] d)
    {
        AddGrad(t, d);
        double loss = Eval(closure).Item();
        var g = GatherFlatGrad();
        for (int i = 0; i < _params.Count; i++) _params[i].CopyFromRaw(x[i]);
        return (loss, g, t, 1);
    }

    private static double Cubic(double x1, double f1, double g1, double x2, double f2, double g2, (double lo, double hi)? bounds = null)
    {
        var (lo, hi) = bounds ?? (x1 <= x2 ? (x1, x2) : (x2, x1));
        double d1 = g1 + g2 - 3 * (f1 - f2) / (x1 - x2);
        double d2sq = d1 * d1 - g1 * g2;
        if (d2sq >= 0)
        {
            double d2 = Math.Sqrt(d2sq);
            double minPos = x1 <= x2 ? x2 - (x2 - x1) * ((g2 + d2 - d1) / (g2 - g1 + 2 * d2))
                                     : x1 - (x1 - x2) * ((g1 + d2 - d1) / (g1 - g2 + 2 * d2));
            return Math.Min(Math.Max(minPos, lo), hi);
        }
        return (lo + hi) / 2.0;
    }

    private (double, double[], double, long) StrongWolfe(Func<Tensor> closure, List<Tensor> x, double t, double[] d, double f,
        double[] g, double gtd, double tolChange, double c1 = 1e-4, double c2 = 0.9, int maxLs = 25)
    {
        double dNorm = AbsMax(d);
        g = (double[])g.Clone();
        var (fNew, gNew, _, _) = Directional(closure, x, t, d);
        long evals = 1;
        double gtdNew = Dot(gNew, d);
        double tPrev = 0, fPrev = f, gtdPrev = gtd;
        var gPrev = g;
        bool done = false;
        int lsIter = 0;
        double[] bracket, bracketF, bracketGtd = [0, 0];
        double[][] bracketG;
        while (true)
        {
            if (lsIter >= maxLs) { bracket = [0, t]; bracketF = [f, fNew]; bracketG = [g, gNew]; break; }
            if (fNew > f + c1 * t * gtd || (lsIter > 1 && fNew >= fPrev))
            {
                bracket = [tPrev, t]; bracketF = [fPrev, fNew]; bracketG = [gPrev, (double[])gNew.Clone()]; bracketGtd = [gtdPrev, gtdNew];
                break;
            }
            if (Math.Abs(gtdNew) <= -c2 * gtd) { bracket = [t]; bracketF = [fNew]; bracketG = [gNew]; done = true; break; }
            if (gtdNew >= 0)
            {
                bracket = [tPrev, t]; bracketF = [fPrev, fNew]; bracketG = [gPrev, (double[])gNew.Clone()]; bracketGtd = [gtdPrev, gtdNew];
                break;
            }
            double minStep = t + 0.01 * (t - tPrev), maxStep = t * 10, tmp = t;
            t = Cubic(tPrev, fPrev, gtdPrev, t, fNew, gtdNew, (minStep, maxStep));
            tPrev = tmp; fPrev = fNew; gPrev = (double[])gNew.Clone(); gtdPrev = gtdNew;
            (fNew, gNew, _, _) = Directional(closure, x, t, d);
            evals++;
            gtdNew = Dot(gNew, d);
            lsIter++;
        }

        bool insufProgress = false;
        int low = bracketF[0] <= bracketF[^1] ? 0 : 1, high = 1 - low;
        while (!done && lsIter < maxLs)
        {
            if (Math.Abs(bracket[1] - bracket[0]) * dNorm < tolChange) break;
            t = Cubic(bracket[0], bracketF[0], bracketGtd[0], bracket[1], bracketF[1], bracketGtd[1]);
            double bmax = Math.Max(bracket[0], bracket[1]), bmin = Math.Min(bracket[0], bracket[1]);
            double eps = 0.1 * (bmax - bmin);
            if (Math.Min(bmax - t, t - bmin) < eps)
            {
                if (insufProgress || t >= bmax || t <= bmin)
                {
                    t = Math.Abs(t - bmax) < Math.Abs(t - bmin) ? bmax - eps : bmin + eps;
                    insufProgress = false;
                }
                else insufProgress = true;
            }
            else insufProgress = false;
            (fNew, gNew, _, _) = Directional(closure, x, t, d);
            evals++;
            gtdNew = Dot(gNew, d);
            lsIter++;
            if (fNew > f + c1 * t * gtd || fNew >= bracketF[low])
            {
                bracket[high] = t; bracketF[high] = fNew; bracketG[high] = (double[])gNew.Clone(); bracketGtd[high] = gtdNew;
                low = bracketF[0] <= bracketF[1] ? 0 : 1; high = 1 - low;
            }
            else
            {
                if (Math.Abs(gtdNew) <= -c2 * gtd) done = true;
                else if (gtdNew * (bracket[high] - bracket[low]) >= 0)
                {
                    bracket[high] = bracket[low]; bracketF[high] = bracketF[low]; bracketG[high] = bracketG[low]; bracketGtd[high] = bracketGtd[low];
                }
                bracket[low] = t; bracketF[low] = fNew; bracketG[low] = (double[])gNew.Clone(); bracketGtd[low] = gtdNew;
            }
        }
        return (bracketF[low], bracketG[low], bracket[low], evals);
    }

    // ---- flat-vector helpers (float64) ----

    private double[] GatherFlatGrad()
    {
        var flat = new double[_numel];
        int off = 0;
        foreach (var p in _params)
        {
            int n = (int)p.Numel();
            if (p.Grad is { } g) g.Detach().CastRaw(DType.Float64).ContiguousRaw().StorageSpan<double>().Slice(0, n).CopyTo(flat.AsSpan(off));
            off += n;
        }
        return flat;
    }

    private void AddGrad(double stepSize, double[] update)
    {
        int off = 0;
        foreach (var p in _params)
        {
            int n = (int)p.Numel();
            var cur = p.Detach().CastRaw(DType.Float64).ContiguousRaw();
            var next = new double[n];
            var src = cur.StorageSpan<double>().Slice(cur._offset, n);
            if (p.DType == DType.Float32)
            {
                // p.add_(update, alpha) in float32: round the update first, as PyTorch's float32 tensors hold it.
                for (int i = 0; i < n; i++) next[i] = (float)((float)src[i] + (float)stepSize * (float)update[off + i]);
            }
            else for (int i = 0; i < n; i++) next[i] = src[i] + stepSize * update[off + i];
            p.CopyFromRaw(Torch.FromArray(next, p.Shape));
            off += n;
        }
    }

    private List<Tensor> CloneParams()
    {
        var l = new List<Tensor>(_params.Count);
        foreach (var p in _params) l.Add(p.CloneRaw());
        return l;
    }

    private static double Dot(double[] a, double[] b) { double s = 0; for (int i = 0; i < a.Length; i++) s += a[i] * b[i]; return s; }
    private static void Axpy(double[] y, double[] x, double a) { for (int i = 0; i < y.Length; i++) y[i] += a * x[i]; }
    private static double[] Neg(double[] a) { var r = new double[a.Length]; for (int i = 0; i < a.Length; i++) r[i] = -a[i]; return r; }
    private static double AbsMax(double[] a) { double m = 0; foreach (var v in a) m = Math.Max(m, Math.Abs(v)); return m; }
    private static long ToLong(object? o) => o switch { long l => l, int i => i, double d => (long)d, _ => 0 };

    private static double[] ToArray(Tensor t) => t.Detach().CastRaw(DType.Float64).ContiguousRaw().ToArray<double>();
    private static double[]? FromState(Dictionary<string, object?> s, string k) => s.TryGetValue(k, out var v) && v is Tensor t ? ToArray(t) : null;
    private static List<double[]> ListFromState(Dictionary<string, object?> s, string k)
    {
        var r = new List<double[]>();
        if (s.TryGetValue(k, out var v) && v is System.Collections.IList l) foreach (var x in l) r.Add(ToArray((Tensor)x!));
        return r;
    }
    private static List<double> ScalarsFromState(Dictionary<string, object?> s, string k)
    {
        var r = new List<double>();
        if (s.TryGetValue(k, out var v) && v is System.Collections.IList l) foreach (var x in l) r.Add(x is null ? 0 : ParamGroup.ToDouble(x, k));
        return r;
    }
    private static Tensor ToTensor(double[] a, DType dt) => Torch.FromArray((double[])a.Clone()).CastRaw(dt);
    private static List<object?> ToTensorList(List<double[]> l, DType dt) { var r = new List<object?>(); foreach (var a in l) r.Add(ToTensor(a, dt)); return r; }
    private static List<object?> ScalarList(List<double> l, DType dt) { var r = new List<object?>(); foreach (var a in l) r.Add(Torch.ScalarTensor(a, dt)); return r; }
}
