using Flint.Kernels.Cpu;

namespace Flint;

// Factories: ranges (arange, linspace, logspace), eye, and random tensors drawn from a Generator (the default one
// unless given), which reproduce PyTorch's numbers after the same ManualSeed.
public static partial class Torch
{
    // ---------------------------------------------------------------- ranges

    /// <summary>torch.arange(end): 0, 1, …, end−1 (int64 for an integer end, the default float dtype otherwise).</summary>
    public static Tensor Arange(Scalar end, DType? dtype = null, bool requiresGrad = false) => Arange(0, end, 1, dtype, requiresGrad);

    /// <summary>torch.arange(start, end, step): ceil((end − start) / step) values start + i·step.</summary>
    public static Tensor Arange(Scalar start, Scalar end, Scalar? step = null, DType? dtype = null, bool requiresGrad = false)
    {
        var st = step ?? 1;
        var dt = dtype ?? (start.IsFloatingPoint || end.IsFloatingPoint || st.IsFloatingPoint ? DefaultDType : DType.Int64);
        double s = start.ToDouble(), e = end.ToDouble(), d = st.ToDouble();
        if (d == 0) throw new ArgumentException("step must be nonzero");
        if (double.IsInfinity(s) || double.IsInfinity(e) || double.IsNaN(s) || double.IsNaN(e))
            throw new ArgumentException($"unsupported range: {start} -> {end}");
        if ((d > 0 && e < s) || (d < 0 && e > s)) throw new ArgumentException("upper bound and larger bound inconsistent with step sign");
        long n;
        if (dt.IsFloatingPoint() || start.IsFloatingPoint || end.IsFloatingPoint || st.IsFloatingPoint) n = (long)Math.Ceiling((e - s) / d);
        else
        {
            long ls = start.ToInt64(), le = end.ToInt64(), ld = st.ToInt64();
            n = (le - ls + ld + (ld > 0 ? -1 : 1)) / ld; // integer ceil division, exact for large values
        }
        var y = Flint.Tensor.Empty([checked((int)n)], dt);
        if (dt.IsFloatingPoint())
        {
            var tmp = Flint.Tensor.Empty([(int)n], DType.Float64);
            var sp = RandomSpan<double>(tmp);
            for (int i = 0; i < sp.Length; i++) sp[i] = s + i * d;
            Conv.Cast(tmp, y);
        }
        else
        {
            var tmp = Flint.Tensor.Empty([(int)n], DType.Int64);
            var sp = RandomSpan<long>(tmp);
            long ls = start.IsFloatingPoint ? (long)s : start.ToInt64(), ld = st.IsFloatingPoint ? (long)d : st.ToInt64();
            if (start.IsFloatingPoint || st.IsFloatingPoint) for (int i = 0; i < sp.Length; i++) sp[i] = (long)(s + i * d);
            else for (int i = 0; i < sp.Length; i++) sp[i] = ls + i * ld;
            Conv.Cast(tmp, y);
        }
        return y.RequiresGrad_(requiresGrad);
    }

    /// <summary>torch.linspace: steps evenly spaced values from start to end (both included).</summary>
    public static Tensor Linspace(double start, double end, long steps, DType? dtype = null, bool requiresGrad = false)
    {
        if (steps < 0) throw new ArgumentException("number of steps must be non-negative");
        var dt = dtype ?? DefaultDType;
        var y = Flint.Tensor.Empty([(int)steps], dt);
        if (dt == DType.Float32)
        {
            // PyTorch computes in the output type, from both ends towards the middle.
            var sp = RandomSpan<float>(y);
            float fs = (float)start, fe = (float)end, step = steps > 1 ? (fe - fs) / (steps - 1) : 0;
            long half = steps / 2;
            // GCC contracts these to fused multiply-adds in PyTorch's kernel.
            for (int i = 0; i < sp.Length; i++) sp[i] = i < half ? MathF.FusedMultiplyAdd(step, i, fs) : MathF.FusedMultiplyAdd(-step, steps - i - 1, fe);
            if (steps == 1) sp[0] = fs;
        }
        else
        {
            var tmp = Flint.Tensor.Empty([(int)steps], DType.Float64);
            var sp = RandomSpan<double>(tmp);
            double step = steps > 1 ? (end - start) / (steps - 1) : 0;
            long half = steps / 2;
            for (int i = 0; i < sp.Length; i++) sp[i] = i < half ? Math.FusedMultiplyAdd(step, i, start) : Math.FusedMultiplyAdd(-step, steps - i - 1, end);
            if (steps == 1) sp[0] = start;
            Conv.Cast(tmp, y);
        }
        return y.RequiresGrad_(requiresGrad);
    }

    /// <summary>torch.logspace: base^linspace(start, end, steps).</summary>
    public static Tensor Logspace(double start, double end, long steps, double @base = 10.0, DType? dtype = null, bool requiresGrad = false)
    {
        if (steps < 0) throw new ArgumentException("number of steps must be non-negative");
        var dt = dtype ?? DefaultDType;
        var y = Flint.Tensor.Empty([(int)steps], dt);
        if (dt == DType.Float32)
        {
            var sp = RandomSpan<float>(y);
            float fs = (float)start, fe = (float)end, step = steps > 1 ? (fe - fs) / (steps - 1) : 0;
            long half = steps / 2;
            for (int i = 0; i < sp.Length; i++) sp[i] = MathF.Pow((float)@base, i < half ? MathF.FusedMultiplyAdd(step, i, fs) : MathF.FusedMultiplyAdd(-step, steps - i - 1, fe));
        }
        else
        {
            var tmp = Flint.Tensor.Empty([(int)steps], DType.Float64);
            var sp = RandomSpan<double>(tmp);
            double step = steps > 1 ? (end - start) / (steps - 1) : 0;
            long half = steps / 2;
            for (int i = 0; i < sp.Length; i++) sp[i] = Math.Pow(@base, i < half ? Math.FusedMultiplyAdd(step, i, start) : Math.FusedMultiplyAdd(-step, steps - i - 1, end));
            Conv.Cast(tmp, y);
        }
        return y.RequiresGrad_(requiresGrad);
    }

    /// <summary>torch.eye(n, m): ones on the main diagonal.</summary>
    public static Tensor Eye(long n, long? m = null, DType? dtype = null, bool requiresGrad = false)
    {
        if (n < 0) throw new ArgumentException($"n must be greater or equal to 0, got {n}");
        long cols = m ?? n;
        if (cols < 0) throw new ArgumentException($"m must be greater or equal to 0, got {cols}");
        var y = Flint.Tensor.Empty([(int)n, (int)cols], dtype ?? DefaultDType, zeroed: true);
        int k = (int)Math.Min(n, cols);
        if (k > 0) y.AsStridedRaw([k], [(int)cols + 1], 0).FillRaw(1);
        return y.RequiresGrad_(requiresGrad);
    }

    // ---------------------------------------------------------------- random tensors

    private static Span<T> RandomSpan<T>(Tensor t) where T : unmanaged => t.StorageSpan<T>().Slice(t._offset, t._numel);

    /// <summary>Runs an in-place random fill on a fresh tensor without recording it (a factory has no inputs).</summary>
    private static Tensor Fresh(long[] size, DType dtype, bool requiresGrad, Action<Tensor> fill)
    {
        var t = Flint.Tensor.Empty(ShapeUtil.ToInt(size), dtype);
        using (NoGrad()) fill(t);
        return t.RequiresGrad_(requiresGrad);
    }

    /// <summary>torch.rand: uniform on [0, 1).</summary>
    public static Tensor Rand(long[] size, DType? dtype = null, Generator? generator = null, bool requiresGrad = false)
        => Fresh(size, dtype ?? DefaultDType, requiresGrad, t => t.Uniform_(0, 1, generator));
    public static Tensor Rand(params long[] size) => Rand(size, null);

    /// <summary>torch.randn: standard normal.</summary>
    public static Tensor Randn(long[] size, DType? dtype = null, Generator? generator = null, bool requiresGrad = false)
        => Fresh(size, dtype ?? DefaultDType, requiresGrad, t => t.Normal_(0, 1, generator));
    public static Tensor Randn(params long[] size) => Randn(size, null);

    /// <summary>torch.randint(low, high, size): integers in [low, high) (int64 unless a dtype is given).</summary>
    public static Tensor Randint(long low, long high, long[] size, DType? dtype = null, Generator? generator = null, bool requiresGrad = false)
        => Fresh(size, dtype ?? DType.Int64, requiresGrad, t => t.Random_(low, high, generator));
    /// <summary>torch.randint(high, size).</summary>
    public static Tensor Randint(long high, long[] size, DType? dtype = null, Generator? generator = null)
        => Randint(0, high, size, dtype, generator);

    /// <summary>torch.randperm(n): a random permutation of 0 … n−1.</summary>
    public static Tensor Randperm(long n, DType? dtype = null, Generator? generator = null, bool requiresGrad = false)
    {
        if (n < 0) throw new ArgumentException($"n must be non-negative, got{n}");
        var t = Flint.Tensor.Empty([(int)n], DType.Int64);
        (generator ?? Generator.Default).Randperm(RandomSpan<long>(t));
        return (dtype is { } d && d != DType.Int64 ? t.CastRaw(d) : t).RequiresGrad_(requiresGrad);
    }

    /// <summary>torch.bernoulli(input): 1 with probability input[i] (same shape and dtype as input).</summary>
    public static Tensor Bernoulli(Tensor probs, Generator? generator = null)
    {
        var t = Flint.Tensor.Empty(probs._sizes, probs.DType);
        using (NoGrad()) t.Bernoulli_(probs.Detach(), generator);
        return t;
    }

    /// <summary>torch.bernoulli(input, p): 1 with probability p, shaped like input.</summary>
    public static Tensor Bernoulli(Tensor input, double p, Generator? generator = null)
    {
        var t = Flint.Tensor.Empty(input._sizes, input.DType);
        using (NoGrad()) t.Bernoulli_(p, generator);
        return t;
    }

    /// <summary>torch.multinomial: numSamples category indices per row of (unnormalized) probabilities.</summary>
    public static Tensor Multinomial(Tensor probs, long numSamples, bool replacement = false, Generator? generator = null)
    {
        if (probs.Dim is not (1 or 2)) throw new ArgumentException("prob_dist must be 1 or 2 dim");
        if (!probs.IsFloatingPoint()) throw new ArgumentException($"multinomial only supports floating-point dtypes for input, got: {CastName(probs.DType)}");
        if (numSamples <= 0) throw new ArgumentException("cannot sample n_sample <= 0 samples");
        int rows = probs.Dim == 1 ? 1 : probs._sizes[0], cats = probs._sizes[^1];
        var g = generator ?? Generator.Default;
        var y = Flint.Tensor.Empty(probs.Dim == 1 ? [(int)numSamples] : [rows, (int)numSamples], DType.Int64);
        var dst = RandomSpan<long>(y);
        var p = probs.Detach().ContiguousRaw();
        if (p.DType == DType.Float64)
        {
            var src = RandomSpan<double>(p);
            for (int r = 0; r < rows; r++) g.Multinomial(src.Slice(r * cats, cats), (int)numSamples, replacement, dst.Slice(r * (int)numSamples, (int)numSamples));
        }
        else
        {
            var pf = p.CastRaw(DType.Float32);
            var src = RandomSpan<float>(pf);
            for (int r = 0; r < rows; r++) g.Multinomial(src.Slice(r * cats, cats), (int)numSamples, replacement, dst.Slice(r * (int)numSamples, (int)numSamples));
        }
        return y;
    }

    private static string CastName(DType t) => Flint.Tensor.CastName(t);

    /// <summary>torch.normal(mean, std): one draw per element of the broadcast of mean and std (differentiable in both).</summary>
    public static Tensor Normal(Tensor mean, Tensor std, Generator? generator = null)
    {
        var shape = ShapeUtil.Broadcast(mean._sizes, std._sizes);
        var z = Randn(ShapeUtil.ToLong(shape), TypePromotion.ResultType(mean, std), generator);
        return z * std + mean;
    }

    public static Tensor Normal(Tensor mean, double std = 1, Generator? generator = null)
        => Randn(mean.Shape, mean.DType, generator) * std + mean;

    public static Tensor Normal(double mean, Tensor std, Generator? generator = null)
        => Randn(std.Shape, std.DType, generator) * std + mean;

    /// <summary>torch.normal(mean, std, size).</summary>
    public static Tensor Normal(double mean, double std, long[] size, DType? dtype = null, Generator? generator = null, bool requiresGrad = false)
        => Fresh(size, dtype ?? DefaultDType, requiresGrad, t => t.Normal_(mean, std, generator));

    public static Tensor RandLike(Tensor t, DType? dtype = null, Generator? generator = null, bool requiresGrad = false)
        => Rand(t.Shape, dtype ?? t.DType, generator, requiresGrad);
    public static Tensor RandnLike(Tensor t, DType? dtype = null, Generator? generator = null, bool requiresGrad = false)
        => Randn(t.Shape, dtype ?? t.DType, generator, requiresGrad);
    public static Tensor RandintLike(Tensor t, long high, DType? dtype = null, Generator? generator = null)
        => Randint(0, high, t.Shape, dtype ?? t.DType, generator);
    public static Tensor RandintLike(Tensor t, long low, long high, DType? dtype = null, Generator? generator = null)
        => Randint(low, high, t.Shape, dtype ?? t.DType, generator);
}
