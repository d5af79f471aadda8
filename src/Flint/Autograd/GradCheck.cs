namespace Flint.Autograd;

/// <summary>
/// torch.autograd.gradcheck / gradgradcheck: compares the analytical Jacobian (from backward) with central finite
/// differences, in float64. Throws with the mismatching Jacobians when raiseException, else returns false.
/// </summary>
public static class GradCheck
{
    public static bool Check(Func<Tensor[], Tensor> fn, Tensor[] inputs, double eps = 1e-6, double atol = 1e-5, double rtol = 1e-3,
        bool raiseException = true)
        => CheckMulti(x => [fn(x)], inputs, eps, atol, rtol, raiseException);

    public static bool CheckMulti(Func<Tensor[], Tensor[]> fn, Tensor[] inputs, double eps = 1e-6, double atol = 1e-5, double rtol = 1e-3,
        bool raiseException = true)
    {
        var outputs = fn(inputs);
        for (int oi = 0; oi < outputs.Length; oi++)
        {
            var outp = outputs[oi];
            if (!outp.DType.IsFloatingPoint()) continue;
            int nOut = (int)outp.Numel();
            for (int ii = 0; ii < inputs.Length; ii++)
            {
                var x = inputs[ii];
                if (!x.RequiresGrad) continue;
                int nIn = (int)x.Numel();
                var numerical = new double[nIn, nOut];
                var analytical = new double[nIn, nOut];

                // numerical: perturb each input element in place (on the shared storage, outside autograd)
                var flat = x.Detach();
                for (int j = 0; j < nIn; j++)
                {
                    var idx = UnravelIndex(j, flat._sizes);
                    double orig = ReadAt(flat, idx);
                    WriteAt(flat, idx, orig + eps);
                    double[] plus;
                    using (Torch.NoGrad()) plus = Values(fn(inputs)[oi]);
                    WriteAt(flat, idx, orig - eps);
                    double[] minus;
                    using (Torch.NoGrad()) minus = Values(fn(inputs)[oi]);
                    WriteAt(flat, idx, orig);
                    for (int k = 0; k < nOut; k++) numerical[j, k] = (plus[k] - minus[k]) / (2 * eps);
                }

                // analytical: one backward per output element
                for (int k = 0; k < nOut; k++)
                {
                    var outs = fn(inputs);
                    var o = outs[oi];
                    if (!o.RequiresGrad) break; // output independent of inputs: analytical stays 0
                    var go = Torch.ZerosLike(o);
                    WriteAt(go, UnravelIndex(k, go._sizes), 1.0);
                    var g = Engine.Grad([o], [x], [go], false, false, allowUnused: true)[0];
                    if (g is null) continue;
                    var gv = Values(g);
                    for (int j = 0; j < nIn; j++) analytical[j, k] = gv[j];
                }

                for (int j = 0; j < nIn; j++)
                    for (int k = 0; k < nOut; k++)
                    {
                        double a = analytical[j, k], n = numerical[j, k];
                        if (!(Math.Abs(a - n) <= atol + rtol * Math.Abs(n)))
                        {
                            if (!raiseException) return false;
                            throw new InvalidOperationException(
                                $"Jacobian mismatch for output {oi} with respect to input {ii},\nnumerical:{Format(numerical)}\nanalytical:{Format(analytical)}\n(first mismatch at input element {j}, output element {k}: numerical {n}, analytical {a})");
                        }
                    }
            }
        }
        return true;
    }

    /// <summary>Checks the gradients of the gradients: gradcheck of (inputs, grad_outputs) ↦ vjp with create_graph.</summary>
    public static bool CheckGradGrad(Func<Tensor[], Tensor> fn, Tensor[] inputs, double eps = 1e-6, double atol = 1e-5, double rtol = 1e-3,
        bool raiseException = true, int seed = 0)
    {
        Tensor outp;
        using (Torch.NoGrad()) outp = fn(inputs);
        var rng = new Random(seed);
        var gradOut = Torch.Zeros(outp.Shape, DType.Float64);
        var gv = gradOut.RawSpan<double>();
        for (int i = 0; i < gv.Length; i++) gv[i] = rng.NextDouble() * 2 - 1;
        gradOut.RequiresGrad_();
        var diffInputs = inputs.Where(t => t.RequiresGrad).ToArray();
        Tensor[] GradFn(Tensor[] all)
        {
            var xs = all[..inputs.Length];
            using var grad = Torch.EnableGrad(); // the numerical pass runs under NoGrad; the inner backward needs a graph
            var o = fn(xs);
            var grads = Engine.Grad([o], diffInputs, [all[^1]], true, true, allowUnused: true);
            return grads.Select((g, i) => g ?? Torch.ZerosLike(diffInputs[i])).ToArray();
        }
        return CheckMulti(GradFn, [.. inputs, gradOut], eps, atol, rtol, raiseException);
    }

    private static double[] Values(Tensor t) => t.Detach().CastRaw(DType.Float64).ContiguousRaw().RawSpan<double>().ToArray();

    private static int[] UnravelIndex(int flat, int[] sizes)
    {
        var idx = new int[sizes.Length];
        for (int d = sizes.Length - 1; d >= 0; d--) { idx[d] = flat % sizes[d]; flat /= sizes[d]; }
        return idx;
    }

    private static double ReadAt(Tensor t, int[] idx) => t.DType switch
    {
        DType.Float64 => t.StorageSpan<double>()[t.OffsetOf(idx)],
        DType.Float32 => t.StorageSpan<float>()[t.OffsetOf(idx)],
        _ => throw new ArgumentException("gradcheck needs floating point inputs (float64 recommended)"),
    };

    private static void WriteAt(Tensor t, int[] idx, double v)
    {
        if (t.DType == DType.Float64) t.StorageSpan<double>()[t.OffsetOf(idx)] = v;
        else t.StorageSpan<float>()[t.OffsetOf(idx)] = (float)v;
    }

    private static string Format(double[,] m)
    {
        var sb = new System.Text.StringBuilder();
        for (int i = 0; i < m.GetLength(0); i++)
        {
            sb.Append("\n[");
            for (int j = 0; j < m.GetLength(1); j++) sb.Append(j > 0 ? ", " : "").Append(m[i, j].ToString("G6"));
            sb.Append(']');
        }
        return sb.ToString();
    }
}
