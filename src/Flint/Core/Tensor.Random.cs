using Flint.Ops;

namespace Flint;

// In-place random fills: uniform_, normal_, bernoulli_, random_, exponential_. All take an optional Generator
// (the default one otherwise), and reproduce PyTorch's numbers for float32/float64/int64 tensors.
public partial class Tensor
{
    private Tensor RandomFill(string name, Generator? g, Action<Generator, Tensor> fill)
        => Dispatcher.Call1(new RandomFillOp(name, g, fill), [this]);

    /// <summary>Fills with values drawn uniformly from [from, to).</summary>
    public Tensor Uniform_(double from = 0, double to = 1, Generator? generator = null)
    {
        if (!DType.IsFloatingPoint()) throw new InvalidOperationException($"\"check_uniform_bounds\" not implemented for '{CastName(DType)}'");
        return RandomFill("uniform_", generator, (g, t) =>
        {
            if (t.DType == DType.Float64) g.Uniform(RandomFillOp.Data<double>(t), from, to);
            else if (t.DType is DType.Float16 or DType.BFloat16) UniformLowPrecision(g, t, from, to);
            else RandomFillOp.ViaFloat(t, f => g.Uniform(RandomFillOp.Data<float>(f), from, to));
        });
    }

    /// <summary>
    /// PyTorch's uniform_ for float16/bfloat16: one 32-bit draw per element keeping as many low bits as the type's
    /// significand (11 / 8), scaled by 2^-digits in float, then x·(to − from) + from with to − from rounded to the type.
    /// </summary>
    private static void UniformLowPrecision(Generator g, Tensor t, double from, double to)
    {
        bool half = t.DType == DType.Float16;
        int digits = half ? 11 : 8;
        uint mask = (1u << digits) - 1;
        float div = 1f / (1 << digits);
        float f = half ? (float)(Half)from : (float)(BFloat16)from, tt = half ? (float)(Half)to : (float)(BFloat16)to;
        float range = half ? (float)(Half)(tt - f) : (float)(BFloat16)(tt - f);
        var tmp = Empty(t._sizes, DType.Float32);
        var d = RandomFillOp.Data<float>(tmp);
        for (int i = 0; i < d.Length; i++) d[i] = MathF.FusedMultiplyAdd((g.NextUInt32() & mask) * div, range, f);
        Kernels.Cpu.Conv.Cast(tmp, t);
    }

    /// <summary>Fills with values drawn from N(mean, std²).</summary>
    public Tensor Normal_(double mean = 0, double std = 1, Generator? generator = null)
    {
        if (!DType.IsFloatingPoint()) throw new InvalidOperationException($"\"normal_kernel_cpu\" not implemented for '{CastName(DType)}'");
        bool serial = !IsContiguous();
        return RandomFill("normal_", generator, (g, t) =>
        {
            if (t.DType == DType.Float64)
            {
                if (serial) g.NormalSerial(RandomFillOp.Data<double>(t), mean, std); else g.Normal(RandomFillOp.Data<double>(t), mean, std);
            }
            else RandomFillOp.ViaFloat(t, f =>
            {
                if (serial) g.NormalSerial(RandomFillOp.Data<float>(f), mean, std); else g.Normal(RandomFillOp.Data<float>(f), mean, std);
            });
        });
    }

    /// <summary>Fills with 1 with probability p, else 0.</summary>
    public Tensor Bernoulli_(double p = 0.5, Generator? generator = null)
        => RandomFill("bernoulli_", generator, (g, t) =>
        {
            if (t.DType == DType.Float64) g.Bernoulli(RandomFillOp.Data<double>(t), p);
            else RandomFillOp.ViaFloat(t, f => g.Bernoulli(RandomFillOp.Data<float>(f), p));
        });

    /// <summary>Fills with 1 where a draw falls below the matching probability in p (broadcast to this shape).</summary>
    public Tensor Bernoulli_(Tensor p, Generator? generator = null)
        => RandomFill("bernoulli_", generator, (g, t) =>
        {
            var pp = p.ExpandRaw(t._sizes).ContiguousRaw();
            if (pp.DType == DType.Float64)
            {
                RandomFillOp.ViaFloat(t, f => g.Bernoulli(RandomFillOp.Data<double>(f), RandomFillOp.Data<double>(pp)), DType.Float64);
            }
            else
            {
                var pf = pp.CastRaw(DType.Float32);
                RandomFillOp.ViaFloat(t, f => g.Bernoulli(RandomFillOp.Data<float>(f), RandomFillOp.Data<float>(pf)));
            }
        });

    /// <summary>Fills with integers drawn uniformly from [from, to) (PyTorch's random_(from, to)).</summary>
    public Tensor Random_(long from, long to, Generator? generator = null)
        => RandomFill("random_", generator, (g, t) =>
        {
            switch (t.DType)
            {
                case DType.Int64: g.RandomInt(RandomFillOp.Data<long>(t), from, to); break;
                case DType.Int32: g.RandomInt(RandomFillOp.Data<int>(t), from, to); break;
                case DType.Float64: g.RandomInt(RandomFillOp.Data<double>(t), from, to); break;
                case DType.Float32: g.RandomInt(RandomFillOp.Data<float>(t), from, to); break;
                default:
                    var tmp = Empty(t._sizes, DType.Int64);
                    g.RandomInt(RandomFillOp.Data<long>(tmp), from, to);
                    Kernels.Cpu.Conv.Cast(tmp, t);
                    break;
            }
        });

    /// <summary>random_(to): integers in [0, to).</summary>
    public Tensor Random_(long to, Generator? generator = null) => Random_(0, to, generator);

    /// <summary>Fills with draws from Exp(lambd).</summary>
    public Tensor Exponential_(double lambd = 1, Generator? generator = null)
        => RandomFill("exponential_", generator, (g, t) =>
        {
            if (t.DType == DType.Float64) g.Exponential(RandomFillOp.Data<double>(t), lambd);
            else RandomFillOp.ViaFloat(t, f => g.Exponential(RandomFillOp.Data<float>(f), lambd));
        });
}
