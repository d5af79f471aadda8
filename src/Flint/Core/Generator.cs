using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Security.Cryptography;

namespace Flint;

/// <summary>
/// A seedable random number generator that reproduces PyTorch's CPU generator
/// (<c>at::CPUGeneratorImpl</c>, PyTorch 1.13) bit for bit: the same mt19937 engine, the same
/// 32/64-bit draw pattern per distribution, and the same kernels for contiguous tensors, so that
/// <c>Torch.ManualSeed(0); Torch.Rand(3)</c> gives PyTorch's numbers.
/// </summary>
/// <remarks>
/// <para>Every span method fills its span as PyTorch fills a contiguous tensor of that many
/// elements (in memory order). All methods are thread-safe (one lock per call, as ATen's mutex).</para>
/// <para>Half / BFloat16 tensors: PyTorch does not draw a float and convert. <c>uniform_</c> draws
/// one 32-bit value and keeps only <c>digits</c> bits (11 for Half, 8 for BFloat16):
/// <c>(u32 &amp; (2^d-1)) * 2^-d</c> in float, then <c>x*(to-from)+from</c> rounded to the type.
/// <c>normal_</c> with 16+ contiguous elements runs <c>normal_fill</c> with those low-precision
/// uniforms and Half/BFloat16 arithmetic; below 16 elements it is the double Box–Muller path
/// (same as <see cref="Normal(Span{float},double,double)"/> then a cast).
/// <c>random_(from,to)</c> and <c>bernoulli_(p)</c> are the same draws as for float followed by a
/// cast. Only the float32/float64/integer paths are implemented here.</para>
/// </remarks>
public sealed class Generator
{
    /// <summary>PyTorch's <c>default_rng_seed_val</c>.</summary>
    public const ulong DefaultSeed = 67280421310721UL;

    /// <summary>Size in bytes of PyTorch's CPU generator state (<c>CPUGeneratorImplState</c>).</summary>
    public const int StateSize = 5056;

    readonly MT19937 _engine;
    readonly object _lock = new();
    double? _nextDoubleNormal;
    float? _nextFloatNormal;

    public Generator(ulong seed = DefaultSeed) => _engine = new MT19937(seed);

    static readonly Generator s_default = new(NonDeterministicSeed());

    /// <summary>The global generator (<c>torch.default_generator</c>); seeded non-deterministically at start-up as in PyTorch.</summary>
    public static Generator Default => s_default;

    /// <summary>Float32 <c>normal_</c> on 16+ contiguous elements: which ATen CPU kernel to mimic.
    /// <see cref="FloatNormalKernel.Avx2"/> (default) is what PyTorch runs on CPUs whose capability is
    /// AVX2 (Cephes-style vector log/sincos); <see cref="FloatNormalKernel.Scalar"/> is the
    /// <c>normal_fill</c> loop used by the DEFAULT/AVX512 builds (libm logf/cosf/sinf).</summary>
    public FloatNormalKernel FloatNormalKernel { get; set; } = FloatNormalKernel.Avx2;

    // ------------------------------------------------------------------ seeding & state

    /// <summary><c>manual_seed</c>: reseeds the engine and clears the cached normal samples.</summary>
    public Generator ManualSeed(ulong seed)
    {
        lock (_lock)
        {
            _nextDoubleNormal = null;
            _nextFloatNormal = null;
            _engine.Init(seed);
        }
        return this;
    }

    /// <summary><c>initial_seed()</c>: the seed the engine was last seeded with (all 64 bits).</summary>
    public ulong InitialSeed { get { lock (_lock) return _engine.Seed; } }

    /// <summary><c>seed()</c>: reseeds from a non-deterministic source and returns the new seed.</summary>
    public ulong Seed()
    {
        ulong s = NonDeterministicSeed();
        ManualSeed(s);
        return s;
    }

    /// <summary>As c10's getNonDeterministicRandom on CPU: two 32-bit random_device draws, kept to 53 bits.</summary>
    static ulong NonDeterministicSeed()
    {
        Span<byte> b = stackalloc byte[8];
        RandomNumberGenerator.Fill(b);
        return BinaryPrimitives.ReadUInt64LittleEndian(b) & 0x1FFFFFFFFFFFFFUL;
    }

    /// <summary><c>get_state()</c>: the 5056-byte <c>CPUGeneratorImplState</c> PyTorch uses
    /// (<c>torch.get_rng_state()</c>), little-endian, so states move between the two.</summary>
    public byte[] GetState()
    {
        var b = new byte[StateSize];
        lock (_lock)
        {
            var s = b.AsSpan();
            BinaryPrimitives.WriteUInt64LittleEndian(s[0..], _engine.Seed);
            BinaryPrimitives.WriteInt32LittleEndian(s[8..], _engine.Left);
            BinaryPrimitives.WriteInt32LittleEndian(s[12..], _engine.Seeded ? 1 : 0);
            BinaryPrimitives.WriteUInt64LittleEndian(s[16..], _engine.Next);
            for (int i = 0; i < MT19937.N; i++)
                BinaryPrimitives.WriteUInt64LittleEndian(s[(24 + 8 * i)..], _engine.State[i]);
            // normal_x (5016) and normal_rho (5032) are dummies (0.0).
            if (_nextDoubleNormal is double d)
            {
                BinaryPrimitives.WriteDoubleLittleEndian(s[5024..], d);
                BinaryPrimitives.WriteInt32LittleEndian(s[5040..], 1);
            }
            if (_nextFloatNormal is float f)
            {
                BinaryPrimitives.WriteSingleLittleEndian(s[5048..], f);
                s[5052] = 1;
            }
        }
        return b;
    }

    /// <summary><c>set_state()</c> from a 5056-byte PyTorch CPU generator state.</summary>
    public void SetState(byte[] state)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (state.Length != StateSize)
            throw new ArgumentException($"Expected a CPUGeneratorImplState of size {StateSize} but found the input RNG state size to be {state.Length}");
        var s = state.AsSpan();
        var e = new MT19937(0);
        e.Seed = BinaryPrimitives.ReadUInt64LittleEndian(s[0..]);
        e.Left = BinaryPrimitives.ReadInt32LittleEndian(s[8..]);
        e.Seeded = BinaryPrimitives.ReadInt32LittleEndian(s[12..]) != 0;
        e.Next = (uint)BinaryPrimitives.ReadUInt64LittleEndian(s[16..]);
        for (int i = 0; i < MT19937.N; i++)
            e.State[i] = (uint)BinaryPrimitives.ReadUInt64LittleEndian(s[(24 + 8 * i)..]);
        if (!e.IsValid) throw new ArgumentException("Invalid mt19937 state");
        lock (_lock)
        {
            _engine.CopyFrom(e);
            _nextDoubleNormal = BinaryPrimitives.ReadInt32LittleEndian(s[5040..]) != 0
                ? BinaryPrimitives.ReadDoubleLittleEndian(s[5024..]) : null;
            _nextFloatNormal = s[5052] != 0 ? BinaryPrimitives.ReadSingleLittleEndian(s[5048..]) : null;
        }
    }

    /// <summary>An independent copy with the same state (<c>Generator.clone</c>).</summary>
    public Generator Clone()
    {
        var g = new Generator();
        g.SetState(GetState());
        g.FloatNormalKernel = FloatNormalKernel;
        return g;
    }

    // ------------------------------------------------------------------ raw draws

    /// <summary><c>random()</c>: one mt19937 output.</summary>
    public uint NextUInt32() { lock (_lock) return _engine.NextUInt32(); }

    /// <summary><c>random64()</c>: two mt19937 outputs, the first one high.</summary>
    public ulong NextUInt64() { lock (_lock) return R64(); }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    uint R32() => _engine.NextUInt32();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    ulong R64()
    {
        ulong hi = _engine.NextUInt32();
        ulong lo = _engine.NextUInt32();
        return (hi << 32) | lo;
    }

    /// <summary>uniform_real_distribution&lt;float&gt;(0,1): 24 bits of one 32-bit draw.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    float UF() => (R32() & 0xFFFFFFu) * (1.0f / 16777216.0f);

    /// <summary>uniform_real_distribution&lt;double&gt;(0,1): 53 bits of one 64-bit draw.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    double UD() => (R64() & 0x1FFFFFFFFFFFFFUL) * (1.0 / 9007199254740992.0);

    const int Chunk = 512;

    /// <summary>dst[i] = fma(u_i, range, from) with u_i the float uniforms of successive 32-bit draws.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    void FillUniform(Span<float> dst, float range, float from)
    {
        Span<uint> buf = stackalloc uint[Chunk];
        for (int i = 0; i < dst.Length; i += Chunk)
        {
            int c = Math.Min(Chunk, dst.Length - i);
            _engine.Fill(buf[..c]);
            var d = dst.Slice(i, c);
            int j = 0;
            if (Vector256.IsHardwareAccelerated)
            {
                var mask = Vector256.Create(0xFFFFFFu);
                var scale = Vector256.Create(1.0f / 16777216.0f);
                var r = Vector256.Create(range); var f = Vector256.Create(from);
                ref uint b = ref MemoryMarshal.GetReference(buf);
                ref float o = ref MemoryMarshal.GetReference(d);
                for (; j <= c - 8; j += 8)
                {
                    var u = Vector256.ConvertToSingle((Vector256.LoadUnsafe(ref b, (nuint)j) & mask).AsInt32()) * scale;
                    Vector256.FusedMultiplyAdd(u, r, f).StoreUnsafe(ref o, (nuint)j);
                }
            }
            for (; j < c; j++) d[j] = MathF.FusedMultiplyAdd((buf[j] & 0xFFFFFFu) * (1.0f / 16777216.0f), range, from);
        }
    }

    /// <summary>dst[i] = fma(u_i, range, from) with u_i the double uniforms of successive 64-bit draws.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    void FillUniform(Span<double> dst, double range, double from)
    {
        Span<uint> buf = stackalloc uint[2 * Chunk];
        for (int i = 0; i < dst.Length; i += Chunk)
        {
            int c = Math.Min(Chunk, dst.Length - i);
            _engine.Fill(buf[..(2 * c)]);
            var d = dst.Slice(i, c);
            for (int j = 0; j < c; j++)
            {
                ulong v = ((ulong)buf[2 * j] << 32) | buf[2 * j + 1];
                d[j] = Math.FusedMultiplyAdd((v & 0x1FFFFFFFFFFFFFUL) * (1.0 / 9007199254740992.0), range, from);
            }
        }
    }

    // ------------------------------------------------------------------ uniform

    /// <summary><c>uniform_(from, to)</c> / <c>rand</c> for float32.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Uniform(Span<float> dst, double from = 0, double to = 1)
    {
        float f = (float)from, t = (float)to;
        CheckUniform(f, t);
        float range = t - f;
        // ATen: x * (to - from) + from, contracted to an FMA by GCC in the AVX2 kernel.
        lock (_lock) FillUniform(dst, range, f);
    }

    /// <summary><c>uniform_(from, to)</c> / <c>rand</c> for float64.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Uniform(Span<double> dst, double from = 0, double to = 1)
    {
        CheckUniform(from, to);
        double range = to - from;
        lock (_lock) FillUniform(dst, range, from);
    }

    static void CheckUniform(double from, double to)
    {
        if (!(from <= to))
            throw new ArgumentException($"uniform_ expects to return a [from, to) range, but found from={from} > to={to}");
        if (double.IsInfinity(to - from))
            throw new ArgumentException($"uniform_ expects to-from <= std::numeric_limits<float>::max(), but found to={to} and from={from} which result in to-from to exceed the limit");
    }

    // ------------------------------------------------------------------ normal

    /// <summary><c>normal_(mean, std)</c> / <c>randn</c> for a contiguous float32 tensor.
    /// 16+ elements: ATen's chunked Box–Muller <c>normal_fill</c> (AVX2 flavour by default, see
    /// <see cref="FloatNormalKernel"/>); fewer: the scalar double Box–Muller with its cached second value.</summary>
    public void Normal(Span<float> dst, double mean = 0, double std = 1)
    {
        CheckStd(std);
        lock (_lock)
        {
            if (dst.Length >= 16)
            {
                if (FloatNormalKernel == FloatNormalKernel.Avx2) NormalFillAvx2(dst, (float)mean, (float)std);
                else NormalFillScalar(dst, (float)mean, (float)std);
            }
            else
            {
                for (int i = 0; i < dst.Length; i++) dst[i] = (float)NormalScalar(mean, std);
            }
        }
    }

    /// <summary><c>normal_(mean, std)</c> / <c>randn</c> for a contiguous float64 tensor.</summary>
    public void Normal(Span<double> dst, double mean = 0, double std = 1)
    {
        CheckStd(std);
        lock (_lock)
        {
            if (dst.Length >= 16) NormalFillScalar(dst, mean, std);
            else for (int i = 0; i < dst.Length; i++) dst[i] = NormalScalar(mean, std);
        }
    }

    /// <summary>The element-by-element normal path PyTorch takes for non-contiguous tensors of any
    /// size (and for every tensor under 16 elements): <c>normal_distribution&lt;double&gt;</c>.</summary>
    public void NormalSerial(Span<float> dst, double mean = 0, double std = 1)
    {
        CheckStd(std);
        lock (_lock) for (int i = 0; i < dst.Length; i++) dst[i] = (float)NormalScalar(mean, std);
    }

    /// <inheritdoc cref="NormalSerial(Span{float},double,double)"/>
    public void NormalSerial(Span<double> dst, double mean = 0, double std = 1)
    {
        CheckStd(std);
        lock (_lock) for (int i = 0; i < dst.Length; i++) dst[i] = NormalScalar(mean, std);
    }

    static void CheckStd(double std)
    {
        if (!(std >= 0)) throw new ArgumentException($"normal expects std >= 0.0, but found std {std}");
    }

    /// <summary>at::normal_distribution&lt;double&gt; with the generator's cached second sample.</summary>
    double NormalScalar(double mean, double std)
    {
        if (_nextDoubleNormal is double cached)
        {
            _nextDoubleNormal = null;
            return Math.FusedMultiplyAdd(cached, std, mean);
        }
        double u1 = UD();
        double u2 = UD();
        double r = Math.Sqrt(-2.0 * Math.Log(1.0 - u2));
        double theta = 2.0 * Math.PI * u1;
        _nextDoubleNormal = r * Math.Sin(theta);
        return Math.FusedMultiplyAdd(r * Math.Cos(theta), std, mean);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    void NormalFillAvx2(Span<float> data, float mean, float std)
    {
        int size = data.Length;
        FillUniform(data, 1f, 0f);
        bool vec = Vector256.IsHardwareAccelerated;
        for (int i = 0; i < size - 15; i += 16)
        {
            if (vec) NormalFill16Avx2Vector(data.Slice(i, 16), mean, std);
            else NormalFill16Avx2(data.Slice(i, 16), mean, std);
        }
        if (size % 16 != 0)
        {
            var tail = data.Slice(size - 16, 16);
            FillUniform(tail, 1f, 0f);
            if (vec) NormalFill16Avx2Vector(tail, mean, std);
            else NormalFill16Avx2(tail, mean, std);
        }
    }

    const float TwoPiF = (float)(2.0 * Math.PI);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void NormalFill16Avx2(Span<float> d, float mean, float std)
    {
        for (int j = 0; j < 8; j++)
        {
            float u1 = 1.0f - d[j];
            float u2 = d[j + 8];
            float radius = MathF.Sqrt(-2.0f * AvxMathFun.Log(u1));
            float theta = TwoPiF * u2;
            AvxMathFun.SinCos(theta, out float sin, out float cos);
            d[j] = MathF.FusedMultiplyAdd(radius * cos, std, mean);
            d[j + 8] = MathF.FusedMultiplyAdd(radius * sin, std, mean);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void NormalFill16Avx2Vector(Span<float> d, float mean, float std)
    {
        ref float p = ref MemoryMarshal.GetReference(d);
        var u1 = Vector256.Create(1.0f) - Vector256.LoadUnsafe(ref p);
        var u2 = Vector256.LoadUnsafe(ref p, 8);
        var radius = Vector256.Sqrt(Vector256.Create(-2.0f) * AvxMathFun.Log(u1));
        var theta = Vector256.Create(TwoPiF) * u2;
        AvxMathFun.SinCos(theta, out var sin, out var cos);
        var m = Vector256.Create(mean); var s = Vector256.Create(std);
        Vector256.FusedMultiplyAdd(radius * cos, s, m).StoreUnsafe(ref p);
        Vector256.FusedMultiplyAdd(radius * sin, s, m).StoreUnsafe(ref p, 8);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    void NormalFillScalar(Span<float> data, float mean, float std)
    {
        int size = data.Length;
        FillUniform(data, 1f, 0f);
        for (int i = 0; i < size - 15; i += 16) NormalFill16(data.Slice(i, 16), mean, std);
        if (size % 16 != 0)
        {
            var tail = data.Slice(size - 16, 16);
            FillUniform(tail, 1f, 0f);
            NormalFill16(tail, mean, std);
        }
    }

    static void NormalFill16(Span<float> d, float mean, float std)
    {
        for (int j = 0; j < 8; j++)
        {
            float u1 = 1 - d[j];
            float u2 = d[j + 8];
            float radius = MathF.Sqrt(-2 * MathF.Log(u1));
            float theta = (float)(2.0 * Math.PI * u2);
            d[j] = radius * MathF.Cos(theta) * std + mean;
            d[j + 8] = radius * MathF.Sin(theta) * std + mean;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    void NormalFillScalar(Span<double> data, double mean, double std)
    {
        int size = data.Length;
        FillUniform(data, 1.0, 0.0);
        for (int i = 0; i < size - 15; i += 16) NormalFill16(data.Slice(i, 16), mean, std);
        if (size % 16 != 0)
        {
            var tail = data.Slice(size - 16, 16);
            FillUniform(tail, 1.0, 0.0);
            NormalFill16(tail, mean, std);
        }
    }

    static void NormalFill16(Span<double> d, double mean, double std)
    {
        for (int j = 0; j < 8; j++)
        {
            double u1 = 1 - d[j];
            double u2 = d[j + 8];
            double radius = Math.Sqrt(-2 * Math.Log(u1));
            double theta = 2.0 * Math.PI * u2;
            d[j] = Math.FusedMultiplyAdd(radius * Math.Cos(theta), std, mean);
            d[j + 8] = Math.FusedMultiplyAdd(radius * Math.Sin(theta), std, mean);
        }
    }

    // ------------------------------------------------------------------ random integers

    /// <summary><c>random_(low, high)</c> / <c>randint(low, high)</c>: <c>(draw % (high-low)) + low</c>, with a
    /// 64-bit draw when the range is 2^32 or more (int64/float/double), else a 32-bit draw.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void RandomInt(Span<long> dst, long low, long high)
    {
        ulong range = CheckRange(low, high);
        lock (_lock)
        {
            if (range >= 1UL << 32)
                for (int i = 0; i < dst.Length; i++) dst[i] = (long)(R64() % range + (ulong)low);
            else
                for (int i = 0; i < dst.Length; i++) dst[i] = (long)(R32() % range + (ulong)low);
        }
    }

    /// <summary><c>randint(low, high, dtype=torch.int32)</c> (always a 32-bit draw).</summary>
    public void RandomInt(Span<int> dst, long low, long high)
    {
        ulong range = CheckRange(low, high);
        if (low < int.MinValue || high - 1 > int.MaxValue)
            throw new ArgumentException($"random_ expects 'from' and 'to'-1 to be within int32 range, got from={low} to={high}");
        lock (_lock)
            for (int i = 0; i < dst.Length; i++) dst[i] = (int)(long)(R32() % range + (ulong)low);
    }

    /// <summary><c>randint(low, high, dtype=torch.float32)</c>.</summary>
    public void RandomInt(Span<float> dst, long low, long high)
    {
        ulong range = CheckRange(low, high);
        lock (_lock)
        {
            if (range >= 1UL << 32)
                for (int i = 0; i < dst.Length; i++) dst[i] = (long)(R64() % range + (ulong)low);
            else
                for (int i = 0; i < dst.Length; i++) dst[i] = (long)(R32() % range + (ulong)low);
        }
    }

    /// <summary><c>randint(low, high, dtype=torch.float64)</c>.</summary>
    public void RandomInt(Span<double> dst, long low, long high)
    {
        ulong range = CheckRange(low, high);
        lock (_lock)
        {
            if (range >= 1UL << 32)
                for (int i = 0; i < dst.Length; i++) dst[i] = (long)(R64() % range + (ulong)low);
            else
                for (int i = 0; i < dst.Length; i++) dst[i] = (long)(R32() % range + (ulong)low);
        }
    }

    static ulong CheckRange(long low, long high)
    {
        if (low >= high)
            throw new ArgumentException($"random_ expects 'from' to be less than 'to', but got from={low} >= to={high}");
        return (ulong)high - (ulong)low;
    }

    /// <summary><c>random_()</c> with no bounds on int64: a 64-bit draw modulo 2^63.</summary>
    public void RandomFull(Span<long> dst)
    {
        lock (_lock) for (int i = 0; i < dst.Length; i++) dst[i] = (long)(R64() % (1UL << 63));
    }

    /// <summary><c>random_()</c> with no bounds on int32: a 32-bit draw modulo 2^31.</summary>
    public void RandomFull(Span<int> dst)
    {
        lock (_lock) for (int i = 0; i < dst.Length; i++) dst[i] = (int)(R32() % (1U << 31));
    }

    /// <summary><c>random_()</c> with no bounds on float32: a 32-bit draw modulo 2^24+1.</summary>
    public void RandomFull(Span<float> dst)
    {
        lock (_lock) for (int i = 0; i < dst.Length; i++) dst[i] = R32() % ((1U << 24) + 1);
    }

    /// <summary><c>random_()</c> with no bounds on float64: a 64-bit draw modulo 2^53+1.</summary>
    public void RandomFull(Span<double> dst)
    {
        lock (_lock) for (int i = 0; i < dst.Length; i++) dst[i] = R64() % ((1UL << 53) + 1);
    }

    // ------------------------------------------------------------------ bernoulli

    /// <summary><c>bernoulli_(p)</c> with a scalar p (also what dropout draws): one double uniform per element, <c>u &lt; p</c>.</summary>
    public void Bernoulli(Span<float> dst, double p)
    {
        CheckP(p);
        Span<double> u = stackalloc double[Chunk];
        lock (_lock)
            for (int i = 0; i < dst.Length; i += Chunk)
            {
                int c = Math.Min(Chunk, dst.Length - i);
                FillUniform(u[..c], 1.0, 0.0);
                for (int j = 0; j < c; j++) dst[i + j] = u[j] < p ? 1f : 0f;
            }
    }

    /// <inheritdoc cref="Bernoulli(Span{float},double)"/>
    public void Bernoulli(Span<double> dst, double p)
    {
        CheckP(p);
        lock (_lock)
        {
            FillUniform(dst, 1.0, 0.0);
            for (int i = 0; i < dst.Length; i++) dst[i] = dst[i] < p ? 1d : 0d;
        }
    }

    /// <summary><c>torch.bernoulli(p)</c> / <c>bernoulli_(p_tensor)</c> with float32 probabilities: a float uniform (one 32-bit draw) per element.</summary>
    public void Bernoulli(Span<float> dst, ReadOnlySpan<float> p)
    {
        CheckSameLength(dst.Length, p.Length);
        lock (_lock) for (int i = 0; i < dst.Length; i++) { CheckP(p[i]); dst[i] = UF() < p[i] ? 1f : 0f; }
    }

    /// <summary><c>bernoulli_(p_tensor)</c>, float64 output, float32 probabilities.</summary>
    public void Bernoulli(Span<double> dst, ReadOnlySpan<float> p)
    {
        CheckSameLength(dst.Length, p.Length);
        lock (_lock) for (int i = 0; i < dst.Length; i++) { CheckP(p[i]); dst[i] = UF() < p[i] ? 1d : 0d; }
    }

    /// <summary><c>torch.bernoulli(p)</c> with float64 probabilities: a double uniform (one 64-bit draw) per element.</summary>
    public void Bernoulli(Span<double> dst, ReadOnlySpan<double> p)
    {
        CheckSameLength(dst.Length, p.Length);
        lock (_lock) for (int i = 0; i < dst.Length; i++) { CheckP(p[i]); dst[i] = UD() < p[i] ? 1d : 0d; }
    }

    /// <summary><c>bernoulli_(p_tensor)</c>, float32 output, float64 probabilities.</summary>
    public void Bernoulli(Span<float> dst, ReadOnlySpan<double> p)
    {
        CheckSameLength(dst.Length, p.Length);
        lock (_lock) for (int i = 0; i < dst.Length; i++) { CheckP(p[i]); dst[i] = UD() < p[i] ? 1f : 0f; }
    }

    static void CheckP(double p)
    {
        if (!(p >= 0 && p <= 1)) throw new ArgumentException($"bernoulli_ expects p to be in [0, 1], but got p={p}");
    }

    static void CheckSameLength(int a, int b)
    {
        if (a != b) throw new ArgumentException($"Expected the probability span to have {a} elements, but got {b}");
    }

    // ------------------------------------------------------------------ other distributions

    /// <summary><c>exponential_(lambd)</c>: <c>-1/lambd * log(1 - u)</c> with a double uniform.</summary>
    public void Exponential(Span<double> dst, double lambd = 1)
    {
        lock (_lock) for (int i = 0; i < dst.Length; i++) dst[i] = ExponentialOne(lambd);
    }

    /// <inheritdoc cref="Exponential(Span{double},double)"/>
    public void Exponential(Span<float> dst, double lambd = 1)
    {
        lock (_lock) for (int i = 0; i < dst.Length; i++) dst[i] = (float)ExponentialOne(lambd);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    double ExponentialOne(double lambd) => -1.0 / lambd * Math.Log(1.0 - UD());

    /// <summary><c>cauchy_(median, sigma)</c>: <c>median + sigma * tan(pi * (u - 0.5))</c> in double.</summary>
    public void Cauchy(Span<double> dst, double median = 0, double sigma = 1)
    {
        lock (_lock) for (int i = 0; i < dst.Length; i++) dst[i] = CauchyOne(median, sigma);
    }

    /// <inheritdoc cref="Cauchy(Span{double},double,double)"/>
    public void Cauchy(Span<float> dst, double median = 0, double sigma = 1)
    {
        lock (_lock) for (int i = 0; i < dst.Length; i++) dst[i] = (float)CauchyOne(median, sigma);
    }

    double CauchyOne(double median, double sigma) => Math.FusedMultiplyAdd(sigma, Math.Tan(Math.PI * (UD() - 0.5)), median);

    /// <summary><c>log_normal_(mean, std)</c>: <c>exp</c> of the scalar double normal (shares its cached sample).</summary>
    public void LogNormal(Span<double> dst, double mean = 1, double std = 2)
    {
        if (!(std > 0)) throw new ArgumentException($"log_normal_ expects std > 0.0, but found std={std}");
        lock (_lock) for (int i = 0; i < dst.Length; i++) dst[i] = Math.Exp(NormalScalar(mean, std));
    }

    /// <inheritdoc cref="LogNormal(Span{double},double,double)"/>
    public void LogNormal(Span<float> dst, double mean = 1, double std = 2)
    {
        if (!(std > 0)) throw new ArgumentException($"log_normal_ expects std > 0.0, but found std={std}");
        lock (_lock) for (int i = 0; i < dst.Length; i++) dst[i] = (float)Math.Exp(NormalScalar(mean, std));
    }

    /// <summary><c>geometric_(p)</c>: <c>ceil(log(u) / log(1 - p))</c> in double.</summary>
    public void Geometric(Span<double> dst, double p)
    {
        if (!(p > 0 && p < 1)) throw new ArgumentException($"geometric_ expects p to be in (0, 1), but got p={p}");
        lock (_lock) for (int i = 0; i < dst.Length; i++) dst[i] = Math.Ceiling(Math.Log(UD()) / Math.Log(1.0 - p));
    }

    /// <inheritdoc cref="Geometric(Span{double},double)"/>
    public void Geometric(Span<float> dst, double p)
    {
        if (!(p > 0 && p < 1)) throw new ArgumentException($"geometric_ expects p to be in (0, 1), but got p={p}");
        lock (_lock) for (int i = 0; i < dst.Length; i++) dst[i] = (float)Math.Ceiling(Math.Log(UD()) / Math.Log(1.0 - p));
    }

    // ------------------------------------------------------------------ randperm

    /// <summary><c>randperm(n)</c>: Fisher–Yates with <c>random() % (n-i)</c> for n below
    /// 2^32/20, the "inside-out" variant with 64-bit draws above.</summary>
    public long[] Randperm(long n)
    {
        if (n < 0) throw new ArgumentException($"n must be non-negative, got {n}");
        var r = new long[n];
        Randperm(r);
        return r;
    }

    /// <summary><c>randperm(dst.Length, out=dst)</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Randperm(Span<long> r)
    {
        long n = r.Length;
        lock (_lock)
        {
            if (n < uint.MaxValue / 20)
            {
                for (int i = 0; i < r.Length; i++) r[i] = i;
                for (long i = 0; i < n - 1; i++)
                {
                    long z = (long)(R32() % (ulong)(n - i));
                    (r[(int)i], r[(int)(z + i)]) = (r[(int)(z + i)], r[(int)i]);
                }
            }
            else
            {
                for (long i = 0; i < n; i++)
                {
                    long z = (long)(R64() % (ulong)(i + 1));
                    r[(int)i] = r[(int)z];
                    r[(int)z] = i;
                }
            }
        }
    }

    // ------------------------------------------------------------------ multinomial

    /// <summary><c>torch.multinomial</c> for one row of float64 weights (call per row, in order, for a 2-D input).</summary>
    public void Multinomial(ReadOnlySpan<double> probs, int numSamples, bool replacement, Span<long> dst)
    {
        CheckMultinomial(probs.Length, numSamples, dst.Length);
        int nPositive = 0;
        double total = 0;
        foreach (var v in probs)
        {
            if (!(v >= 0) || double.IsInfinity(v)) throw new ArgumentException("probability tensor contains either `inf`, `nan` or element < 0");
            if (v > 0) nPositive++;
            total += v;
        }
        if (!(total > 0)) throw new ArgumentException("invalid multinomial distribution (sum of probabilities <= 0)");
        if (!replacement && numSamples > nPositive)
            throw new ArgumentException("invalid multinomial distribution (with replacement=False, not enough non-negative category to sample)");
        lock (_lock)
        {
            if (!replacement)
            {
                // Gumbel-style: q ~ Exp(1); take the argmax / top-k of p / q. (PyTorch 1.13 takes this
                // path only without replacement; later versions also use it for one sample with replacement.)
                var q = new double[probs.Length];
                for (int i = 0; i < q.Length; i++) q[i] = ExponentialOne(1.0);
                for (int i = 0; i < q.Length; i++) q[i] = probs[i] / q[i];
                TopK(q, numSamples, dst);
                return;
            }
            int n = probs.Length;
            var cum = new double[n];
            double sum = 0;
            for (int j = 0; j < n; j++) { sum += probs[j]; cum[j] = sum; }
            for (int j = 0; j < n; j++) cum[j] /= sum;
            cum[n - 1] = 1;
            for (int s = 0; s < numSamples; s++)
                dst[s] = SearchCdf(cum, UD());
        }
    }

    /// <summary><c>torch.multinomial</c> for one row of float32 weights (sums, cumulative
    /// distribution and p/q are computed in float32 as PyTorch does).</summary>
    public void Multinomial(ReadOnlySpan<float> probs, int numSamples, bool replacement, Span<long> dst)
    {
        CheckMultinomial(probs.Length, numSamples, dst.Length);
        int nPositive = 0;
        float total = 0;
        foreach (var v in probs)
        {
            if (!(v >= 0) || float.IsInfinity(v)) throw new ArgumentException("probability tensor contains either `inf`, `nan` or element < 0");
            if (v > 0) nPositive++;
            total += v;
        }
        if (!(total > 0)) throw new ArgumentException("invalid multinomial distribution (sum of probabilities <= 0)");
        if (!replacement && numSamples > nPositive)
            throw new ArgumentException("invalid multinomial distribution (with replacement=False, not enough non-negative category to sample)");
        lock (_lock)
        {
            if (!replacement)
            {
                var q = new float[probs.Length];
                for (int i = 0; i < q.Length; i++) q[i] = (float)ExponentialOne(1.0);
                for (int i = 0; i < q.Length; i++) q[i] = probs[i] / q[i];
                TopK(q, numSamples, dst);
                return;
            }
            int n = probs.Length;
            var cum = new float[n];
            float sum = 0;
            for (int j = 0; j < n; j++) { sum += probs[j]; cum[j] = sum; }
            for (int j = 0; j < n; j++) cum[j] /= sum;
            cum[n - 1] = 1;
            for (int s = 0; s < numSamples; s++)
                dst[s] = SearchCdf(cum, UD());
        }
    }

    static void CheckMultinomial(int n, int numSamples, int dstLength)
    {
        if (n == 0) throw new ArgumentException("multinomial: prob_dist must have at least one element");
        if (numSamples <= 0) throw new ArgumentException("cannot sample n_sample <= 0 samples");
        if (dstLength != numSamples) throw new ArgumentException($"multinomial: dst has {dstLength} elements, expected {numSamples}");
    }

    static long SearchCdf(double[] cum, double u)
    {
        int left = 0, right = cum.Length;
        while (right - left > 0)
        {
            int mid = left + (right - left) / 2;
            if (cum[mid] < u) left = mid + 1; else right = mid;
        }
        return left;
    }

    static long SearchCdf(float[] cum, double u)
    {
        int left = 0, right = cum.Length;
        while (right - left > 0)
        {
            int mid = left + (right - left) / 2;
            if (cum[mid] < u) left = mid + 1; else right = mid;
        }
        return left;
    }

    /// <summary>Indices of the k largest values, largest first; ties keep the lower index first.</summary>
    static void TopK<T>(T[] v, int k, Span<long> dst) where T : IComparable<T>
    {
        var idx = new int[v.Length];
        for (int i = 0; i < idx.Length; i++) idx[i] = i;
        Array.Sort(idx, (a, b) =>
        {
            int c = v[b].CompareTo(v[a]);
            return c != 0 ? c : a.CompareTo(b);
        });
        for (int i = 0; i < k; i++) dst[i] = idx[i];
    }
}

/// <summary>Which ATen CPU kernel float32 <c>normal_</c> mimics for 16+ contiguous elements.</summary>
public enum FloatNormalKernel
{
    /// <summary><c>normal_fill_AVX2</c> (CPU capability AVX2, the common case).</summary>
    Avx2,
    /// <summary><c>normal_fill</c> with libm float functions (CPU capability DEFAULT or AVX512).</summary>
    Scalar,
}
