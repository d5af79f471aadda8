using System.Numerics;
using System.Runtime.CompilerServices;

namespace Flint.Optim;

/// <summary>
/// Fused in-place update loops for the optimizers, over contiguous float32/float64 spans: one pass per parameter,
/// no temporaries (PyTorch's single-tensor path makes one tensor per op). Vector&lt;T&gt; body + scalar tail for the hot
/// optimizers (SGD, Adam/AdamW); the rarer ones are plain loops. The arithmetic follows PyTorch's op order so
/// trajectories agree to float rounding.
/// </summary>
internal static class OptimKernels
{
    static T C<T>(double v) where T : IFloatingPointIeee754<T> => T.CreateChecked(v);

    /// <summary>SGD: d = ±g (+ wd·p); buf = first ? d : momentum·buf + (1−dampening)·d; d = nesterov ? d + momentum·buf : buf; p −= lr·d.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Sgd<T>(Span<T> p, ReadOnlySpan<T> g, Span<T> buf, double lr, double weightDecay, double momentum,
        double dampening, bool nesterov, bool maximize, bool firstStep) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int n = p.Length, i = 0;
        T tlr = C<T>(lr), wd = C<T>(weightDecay), mom = C<T>(momentum), damp = C<T>(1 - dampening);
        bool hasMom = momentum != 0, hasWd = weightDecay != 0;
        if (Vector.IsHardwareAccelerated && Vector<T>.IsSupported)
        {
            int w = Vector<T>.Count;
            var vlr = new Vector<T>(tlr); var vwd = new Vector<T>(wd); var vmom = new Vector<T>(mom); var vdamp = new Vector<T>(damp);
            for (; i <= n - w; i += w)
            {
                var d = new Vector<T>(g.Slice(i));
                if (maximize) d = -d;
                var pv = new Vector<T>(p.Slice(i));
                if (hasWd) d += pv * vwd;
                if (hasMom)
                {
                    var b = firstStep ? d : new Vector<T>(buf.Slice(i)) * vmom + d * vdamp;
                    b.CopyTo(buf.Slice(i));
                    d = nesterov ? d + b * vmom : b;
                }
                (pv - d * vlr).CopyTo(p.Slice(i));
            }
        }
        for (; i < n; i++)
        {
            T d = maximize ? -g[i] : g[i];
            if (hasWd) d += p[i] * wd;
            if (hasMom)
            {
                T b = firstStep ? d : buf[i] * mom + d * damp;
                buf[i] = b;
                d = nesterov ? d + b * mom : b;
            }
            p[i] -= d * tlr;
        }
    }

    /// <summary>
    /// Adam / AdamW: m = β1·m + (1−β1)·g; v = β2·v + (1−β2)·g²; (amsgrad: vmax = max(vmax, v));
    /// p += −stepSize · m / (√v / √bc2 + eps). Adam adds wd·p to g; AdamW (decoupled) scales p by (1 − lr·wd) first.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Adam<T>(Span<T> p, ReadOnlySpan<T> g, Span<T> m, Span<T> v, Span<T> vmax, double beta1, double beta2,
        double eps, double weightDecay, bool decoupled, double lr, double stepSize, double bc2Sqrt, bool amsgrad, bool maximize)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int n = p.Length, i = 0;
        T b1 = C<T>(beta1), omb1 = C<T>(1 - beta1), b2 = C<T>(beta2), omb2 = C<T>(1 - beta2), te = C<T>(eps);
        T wd = C<T>(weightDecay), decay = C<T>(1 - lr * weightDecay), negStep = C<T>(-stepSize), bc2 = C<T>(bc2Sqrt);
        bool coupledWd = !decoupled && weightDecay != 0, decoupledWd = decoupled && weightDecay != 0;
        if (Vector.IsHardwareAccelerated && Vector<T>.IsSupported)
        {
            int w = Vector<T>.Count;
            var vb1 = new Vector<T>(b1); var vomb1 = new Vector<T>(omb1); var vb2 = new Vector<T>(b2); var vomb2 = new Vector<T>(omb2);
            var veps = new Vector<T>(te); var vwd = new Vector<T>(wd); var vdecay = new Vector<T>(decay);
            var vneg = new Vector<T>(negStep); var vbc2 = new Vector<T>(bc2);
            for (; i <= n - w; i += w)
            {
                var gv = new Vector<T>(g.Slice(i));
                if (maximize) gv = -gv;
                var pv = new Vector<T>(p.Slice(i));
                if (coupledWd) gv += pv * vwd;
                if (decoupledWd) pv *= vdecay;
                var mv = new Vector<T>(m.Slice(i)) * vb1 + gv * vomb1;
                var vv = new Vector<T>(v.Slice(i)) * vb2 + vomb2 * gv * gv;
                mv.CopyTo(m.Slice(i));
                vv.CopyTo(v.Slice(i));
                if (amsgrad) { vv = Vector.Max(new Vector<T>(vmax.Slice(i)), vv); vv.CopyTo(vmax.Slice(i)); }
                var denom = Vector.SquareRoot(vv) / vbc2 + veps;
                (pv + vneg * (mv / denom)).CopyTo(p.Slice(i));
            }
        }
        for (; i < n; i++)
        {
            T gi = maximize ? -g[i] : g[i];
            T pi = p[i];
            if (coupledWd) gi += pi * wd;
            if (decoupledWd) pi *= decay;
            T mi = m[i] * b1 + gi * omb1;
            T vi = v[i] * b2 + omb2 * gi * gi;
            m[i] = mi; v[i] = vi;
            if (amsgrad) { vi = T.Max(vmax[i], vi); vmax[i] = vi; }
            T denom = T.Sqrt(vi) / bc2 + te;
            p[i] = pi + negStep * (mi / denom);
        }
    }

    /// <summary>Adamax: m = β1·m + (1−β1)·g; u = max(β2·u, |g| + eps); p −= clr · m / u.</summary>
    public static void Adamax<T>(Span<T> p, ReadOnlySpan<T> g, Span<T> m, Span<T> u, double beta1, double beta2, double eps,
        double weightDecay, double clr, bool maximize) where T : unmanaged, IFloatingPointIeee754<T>
    {
        T b1 = C<T>(beta1), omb1 = C<T>(1 - beta1), b2 = C<T>(beta2), te = C<T>(eps), wd = C<T>(weightDecay), negClr = C<T>(-clr);
        for (int i = 0; i < p.Length; i++)
        {
            T gi = maximize ? -g[i] : g[i];
            if (weightDecay != 0) gi += p[i] * wd;
            T mi = m[i] * b1 + gi * omb1;
            m[i] = mi;
            T ui = T.Max(u[i] * b2, T.Abs(gi) + te);
            u[i] = ui;
            p[i] += negClr * (mi / ui);
        }
    }

    /// <summary>NAdam: Adam moments; p += −a·g/denom − b·m/denom with denom = √(v/bc2) + eps.</summary>
    public static void NAdam<T>(Span<T> p, ReadOnlySpan<T> g, Span<T> m, Span<T> v, double beta1, double beta2, double eps,
        double weightDecay, double bc2, double coefGrad, double coefAvg) where T : unmanaged, IFloatingPointIeee754<T>
    {
        T b1 = C<T>(beta1), omb1 = C<T>(1 - beta1), b2 = C<T>(beta2), omb2 = C<T>(1 - beta2), te = C<T>(eps), wd = C<T>(weightDecay);
        T tbc2 = C<T>(bc2), cg = C<T>(coefGrad), ca = C<T>(coefAvg);
        for (int i = 0; i < p.Length; i++)
        {
            T gi = g[i];
            if (weightDecay != 0) gi += p[i] * wd;
            T mi = m[i] * b1 + gi * omb1;
            T vi = v[i] * b2 + omb2 * gi * gi;
            m[i] = mi; v[i] = vi;
            T denom = T.Sqrt(vi / tbc2) + te;
            T pi = p[i] + cg * (gi / denom);
            p[i] = pi + ca * (mi / denom);
        }
    }

    /// <summary>RAdam: Adam moments; rectified step when rho_t &gt; 5, else plain momentum step.</summary>
    public static void RAdam<T>(Span<T> p, ReadOnlySpan<T> g, Span<T> m, Span<T> v, double beta1, double beta2, double eps,
        double weightDecay, double lr, double bc1, double bc2, double rect) where T : unmanaged, IFloatingPointIeee754<T>
    {
        T b1 = C<T>(beta1), omb1 = C<T>(1 - beta1), b2 = C<T>(beta2), omb2 = C<T>(1 - beta2), te = C<T>(eps), wd = C<T>(weightDecay);
        T tbc1 = C<T>(bc1), tlr = C<T>(lr), sqrtBc2 = C<T>(Math.Sqrt(bc2)), trect = C<T>(rect);
        for (int i = 0; i < p.Length; i++)
        {
            T gi = g[i];
            if (weightDecay != 0) gi += p[i] * wd;
            T mi = m[i] * b1 + gi * omb1;
            T vi = v[i] * b2 + omb2 * gi * gi;
            m[i] = mi; v[i] = vi;
            T corrected = mi / tbc1;
            if (rect > 0)
            {
                T adaptive = sqrtBc2 / (T.Sqrt(vi) + te);
                p[i] -= corrected * tlr * adaptive * trect;
            }
            else p[i] -= corrected * tlr;
        }
    }

    /// <summary>RMSprop: sq = α·sq + (1−α)·g²; avg = √(sq − gavg²) (centered) or √sq, + eps; momentum or direct step.</summary>
    public static void RmsProp<T>(Span<T> p, ReadOnlySpan<T> g, Span<T> sq, Span<T> gavg, Span<T> buf, double lr, double alpha,
        double eps, double weightDecay, double momentum, bool centered, bool maximize) where T : unmanaged, IFloatingPointIeee754<T>
    {
        T a = C<T>(alpha), oma = C<T>(1 - alpha), te = C<T>(eps), wd = C<T>(weightDecay), mom = C<T>(momentum), tlr = C<T>(lr);
        for (int i = 0; i < p.Length; i++)
        {
            T gi = maximize ? -g[i] : g[i];
            if (weightDecay != 0) gi += p[i] * wd;
            T si = sq[i] * a + oma * gi * gi;
            sq[i] = si;
            T avg;
            if (centered)
            {
                T ga = gavg[i] * a + gi * oma;
                gavg[i] = ga;
                avg = T.Sqrt(si - ga * ga);
            }
            else avg = T.Sqrt(si);
            avg += te;
            if (momentum > 0)
            {
                T b = buf[i] * mom + gi / avg;
                buf[i] = b;
                p[i] -= b * tlr;
            }
            else p[i] += -tlr * (gi / avg);
        }
    }

    /// <summary>Adagrad: sum += g²; p −= clr · g / (√sum + eps).</summary>
    public static void Adagrad<T>(Span<T> p, ReadOnlySpan<T> g, Span<T> sum, double clr, double eps, double weightDecay, bool maximize)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        T te = C<T>(eps), wd = C<T>(weightDecay), negClr = C<T>(-clr);
        for (int i = 0; i < p.Length; i++)
        {
            T gi = maximize ? -g[i] : g[i];
            if (weightDecay != 0) gi += p[i] * wd;
            T s = sum[i] + gi * gi;
            sum[i] = s;
            p[i] += negClr * (gi / (T.Sqrt(s) + te));
        }
    }

    /// <summary>Adadelta: sq = ρ·sq + (1−ρ)·g²; Δ = √(acc + eps)/√(sq + eps)·g; acc = ρ·acc + (1−ρ)·Δ²; p −= lr·Δ.</summary>
    public static void Adadelta<T>(Span<T> p, ReadOnlySpan<T> g, Span<T> sq, Span<T> acc, double lr, double rho, double eps,
        double weightDecay, bool maximize) where T : unmanaged, IFloatingPointIeee754<T>
    {
        T r = C<T>(rho), omr = C<T>(1 - rho), te = C<T>(eps), wd = C<T>(weightDecay), tlr = C<T>(lr);
        for (int i = 0; i < p.Length; i++)
        {
            T gi = maximize ? -g[i] : g[i];
            if (weightDecay != 0) gi += p[i] * wd;
            T si = sq[i] * r + omr * gi * gi;
            sq[i] = si;
            T std = T.Sqrt(si + te);
            T delta = T.Sqrt(acc[i] + te) / std * gi;
            acc[i] = acc[i] * r + omr * delta * delta;
            p[i] -= delta * tlr;
        }
    }
}
