using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text.Json;

namespace Flint.Tests;

/// <summary>Checks <see cref="Generator"/> against draws recorded from PyTorch 1.13
/// (tools/fixtures/gen_random.py → Fixtures/random.json). Every comparison is bit-exact.</summary>
[Collection("DefaultGenerator")] // seeds the default generator
public class RandomGeneratorTests
{
    static readonly Lazy<JsonDocument> s_doc = new(() =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "random.json"))));

    static JsonElement Root => s_doc.Value.RootElement;

    static IEnumerable<JsonElement> Cases(string group) => Root.GetProperty(group).EnumerateArray();

    public static TheoryData<string> CaseNames()
    {
        var d = new TheoryData<string>();
        foreach (var c in Cases("cases")) d.Add(c.GetProperty("name").GetString()!);
        return d;
    }

    public static TheoryData<string> DefaultCapabilityCaseNames()
    {
        var d = new TheoryData<string>();
        foreach (var c in Cases("capability_default_cases")) d.Add(c.GetProperty("name").GetString()!);
        return d;
    }

    static JsonElement Find(string group, string name)
    {
        foreach (var c in Cases(group)) if (c.GetProperty("name").GetString() == name) return c;
        throw new KeyNotFoundException(name);
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void MatchesPyTorch(string name) => RunCase(Find("cases", name), FloatNormalKernel.Avx2);

    [Theory]
    [MemberData(nameof(DefaultCapabilityCaseNames))]
    public void MatchesPyTorchDefaultCapability(string name) => RunCase(Find("capability_default_cases", name), FloatNormalKernel.Scalar);

    static void RunCase(JsonElement c, FloatNormalKernel kernel)
    {
        var g = new Generator(c.GetProperty("seed").GetUInt64()) { FloatNormalKernel = kernel };
        Assert.Equal(c.GetProperty("initial_seed").GetUInt64(), g.InitialSeed);
        int k = 0;
        foreach (var st in c.GetProperty("steps").EnumerateArray())
        {
            double[] got = RunStep(g, st);
            string where = $"{c.GetProperty("name").GetString()} step {k++} ({st.GetProperty("op").GetString()})";
            if (st.TryGetProperty("values", out var vals))
            {
                var exp = vals.EnumerateArray().Select(v => v.GetDouble()).ToArray();
                AssertBitEqual(exp, got, where);
            }
            else
            {
                var head = st.GetProperty("head").EnumerateArray().Select(v => v.GetDouble()).ToArray();
                var tail = st.GetProperty("tail").EnumerateArray().Select(v => v.GetDouble()).ToArray();
                AssertBitEqual(head, got[..head.Length], where + " head");
                AssertBitEqual(tail, got[^tail.Length..], where + " tail");
                byte[] bytes = st.GetProperty("dtype").GetString() switch
                {
                    "float32" => MemoryMarshal.AsBytes(got.Select(v => (float)v).ToArray().AsSpan()).ToArray(),
                    "float64" => MemoryMarshal.AsBytes(got.AsSpan()).ToArray(),
                    "int32" => MemoryMarshal.AsBytes(got.Select(v => (int)v).ToArray().AsSpan()).ToArray(),
                    _ => MemoryMarshal.AsBytes(got.Select(v => (long)v).ToArray().AsSpan()).ToArray(),
                };
                Assert.True(st.GetProperty("sha256").GetString() == Convert.ToHexStringLower(SHA256.HashData(bytes)), where + ": SHA-256 of all values differs");
            }
        }
        var state = g.GetState();
        Assert.Equal(c.GetProperty("final_state_sha256").GetString(), Convert.ToHexStringLower(SHA256.HashData(state)));
    }

    static void AssertBitEqual(double[] expected, double[] actual, string where)
    {
        Assert.True(expected.Length == actual.Length, $"{where}: length {actual.Length}, expected {expected.Length}");
        for (int i = 0; i < expected.Length; i++)
            if (BitConverter.DoubleToInt64Bits(expected[i]) != BitConverter.DoubleToInt64Bits(actual[i]))
                Assert.Fail($"{where}: element {i} is {actual[i]:R}, PyTorch gives {expected[i]:R}");
    }

    /// <summary>Runs one fixture step; results widened to double (exact for float32 and the integers used).</summary>
    static double[] RunStep(Generator g, JsonElement st)
    {
        string op = st.GetProperty("op").GetString()!;
        string dt = st.GetProperty("dtype").GetString()!;
        int n = st.GetProperty("n").GetInt32();
        var a = st.TryGetProperty("args", out var args) ? args : default;
        double D(string key) => a.GetProperty(key).GetDouble();
        long L(string key) => a.GetProperty(key).GetInt64();
        bool f32 = dt == "float32";

        double[] Float(Action<Span<float>> f32Fill, Action<Span<double>> f64Fill, int count)
        {
            if (f32) { var x = new float[count]; f32Fill(x); return x.Select(v => (double)v).ToArray(); }
            var y = new double[count]; f64Fill(y); return y;
        }

        switch (op)
        {
            case "rand": return Float(s => g.Uniform(s), s => g.Uniform(s), n);
            case "randn": return Float(s => g.Normal(s), s => g.Normal(s), n);
            case "uniform": return Float(s => g.Uniform(s, D("from"), D("to")), s => g.Uniform(s, D("from"), D("to")), n);
            case "normal": return Float(s => g.Normal(s, D("mean"), D("std")), s => g.Normal(s, D("mean"), D("std")), n);
            case "exponential": return Float(s => g.Exponential(s, D("lambd")), s => g.Exponential(s, D("lambd")), n);
            case "cauchy": return Float(s => g.Cauchy(s, D("median"), D("sigma")), s => g.Cauchy(s, D("median"), D("sigma")), n);
            case "log_normal": return Float(s => g.LogNormal(s, D("mean"), D("std")), s => g.LogNormal(s, D("mean"), D("std")), n);
            case "geometric": return Float(s => g.Geometric(s, D("p")), s => g.Geometric(s, D("p")), n);
            case "bernoulli_scalar": return Float(s => g.Bernoulli(s, D("p")), s => g.Bernoulli(s, D("p")), n);
            case "bernoulli_tensor":
            {
                var p = a.GetProperty("p").EnumerateArray().Select(v => v.GetDouble()).ToArray();
                if (a.GetProperty("p_dtype").GetString() == "float32")
                {
                    var pf = p.Select(v => (float)v).ToArray();
                    return Float(s => g.Bernoulli(s, pf), s => g.Bernoulli(s, pf), p.Length);
                }
                return Float(s => g.Bernoulli(s, p), s => g.Bernoulli(s, p), p.Length);
            }
            case "randint":
                switch (dt)
                {
                    case "int64": { var x = new long[n]; g.RandomInt(x, L("low"), L("high")); return x.Select(v => (double)v).ToArray(); }
                    case "int32": { var x = new int[n]; g.RandomInt(x, L("low"), L("high")); return x.Select(v => (double)v).ToArray(); }
                    default: return Float(s => g.RandomInt(s, L("low"), L("high")), s => g.RandomInt(s, L("low"), L("high")), n);
                }
            case "random_full":
                switch (dt)
                {
                    case "int64": { var x = new long[n]; g.RandomFull(x); return x.Select(v => (double)v).ToArray(); }
                    case "int32": { var x = new int[n]; g.RandomFull(x); return x.Select(v => (double)v).ToArray(); }
                    default: return Float(s => g.RandomFull(s), s => g.RandomFull(s), n);
                }
            case "randperm": return g.Randperm(n).Select(v => (double)v).ToArray();
            case "multinomial":
            {
                var probs = a.GetProperty("probs");
                int k = a.GetProperty("num_samples").GetInt32();
                bool repl = a.GetProperty("replacement").GetBoolean();
                var rows = probs[0].ValueKind == JsonValueKind.Array
                    ? probs.EnumerateArray().Select(r => r.EnumerateArray().Select(v => v.GetDouble()).ToArray()).ToList()
                    : [probs.EnumerateArray().Select(v => v.GetDouble()).ToArray()];
                var res = new List<double>();
                foreach (var row in rows)
                {
                    var dst = new long[k];
                    if (f32) g.Multinomial(row.Select(v => (float)v).ToArray(), k, repl, dst);
                    else g.Multinomial(row, k, repl, dst);
                    res.AddRange(dst.Select(v => (double)v));
                }
                return res.ToArray();
            }
            default: throw new NotSupportedException(op);
        }
    }

    // --------------------------------------------------------------- state, seeding, API

    [Fact]
    public void FixtureCameFromTorch113()
        => Assert.StartsWith("1.13", Root.GetProperty("torch_version").GetString());

    [Fact]
    public void SetStateFromPyTorchBytesContinuesTheStream()
    {
        // The stream case ends with randn(1) which leaves a cached Box-Muller value in the state.
        var c = Find("cases", "stream_float64");
        var state = Convert.FromHexString(c.GetProperty("final_state").GetString()!);
        var g = new Generator(99);
        g.SetState(state);
        Assert.Equal(state, g.GetState());
        Assert.Equal(1234UL, g.InitialSeed);

        // Replay the same case from scratch and check that both continue identically.
        var h = new Generator(1234);
        foreach (var st in c.GetProperty("steps").EnumerateArray()) RunStep(h, st);
        var a = new double[5]; var b = new double[5];
        g.Normal(a); h.Normal(b);
        Assert.Equal(b, a);
    }

    [Fact]
    public void StateRoundTripsAndClonesAreIndependent()
    {
        var g = new Generator(5);
        var tmp = new double[3];
        g.Normal(tmp); // odd count: leaves a cached sample
        var saved = g.GetState();
        Assert.Equal(Generator.StateSize, saved.Length);
        var clone = g.Clone();
        var x = new float[40]; g.Normal(x);
        var y = new float[40]; clone.Normal(y);
        Assert.Equal(x, y);
        g.SetState(saved);
        var z = new float[40]; g.Normal(z);
        Assert.Equal(x, z);
    }

    [Fact]
    public void SetStateRejectsBadInput()
    {
        var g = new Generator();
        Assert.Throws<ArgumentException>(() => g.SetState(new byte[10]));
        Assert.Throws<ArgumentException>(() => g.SetState(new byte[Generator.StateSize])); // not seeded, left = 0
    }

    [Fact]
    public void DefaultConstructorUsesPyTorchDefaultSeed()
    {
        Assert.Equal(67280421310721UL, new Generator().InitialSeed);
        var a = new Generator(); var b = new Generator(67280421310721UL);
        Assert.Equal(a.NextUInt64(), b.NextUInt64());
    }

    [Fact]
    public void TorchManualSeedSeedsTheDefaultGenerator()
    {
        var g = Torch.ManualSeed(0);
        Assert.Same(Generator.Default, g);
        Assert.Equal(0UL, Torch.InitialSeed());
        var x = new float[5]; g.Uniform(x);
        var exp = Find("cases", "rand_float32_5").GetProperty("steps")[0].GetProperty("values")
            .EnumerateArray().Select(v => (float)v.GetDouble()).ToArray();
        Assert.Equal(exp, x);
        Assert.Equal(ulong.MaxValue, Torch.ManualSeed(-1).InitialSeed);
    }

    [Fact]
    public void SeedReseedsNonDeterministically()
    {
        var g = new Generator(1);
        ulong s = g.Seed();
        Assert.Equal(s, g.InitialSeed);
        Assert.True(s < (1UL << 53));
        Assert.Equal(new Generator(s).NextUInt32(), g.NextUInt32());
    }

    [Fact]
    public void RawDrawsComposeAs64From32()
    {
        var a = new Generator(3); var b = new Generator(3);
        ulong hi = a.NextUInt32(), lo = a.NextUInt32();
        Assert.Equal((hi << 32) | lo, b.NextUInt64());
    }

    [Fact]
    public void ManualSeedClearsCachedNormal()
    {
        var g = new Generator(0);
        var one = new double[1];
        g.Normal(one); // caches the sine half
        g.ManualSeed(0);
        var again = new double[1];
        g.Normal(again);
        Assert.Equal(one, again);
    }

    [Fact]
    public void BadArgumentsThrow()
    {
        var g = new Generator();
        Assert.Throws<ArgumentException>(() => g.RandomInt(new long[1], 5, 5));
        Assert.Throws<ArgumentException>(() => g.Uniform(new float[1], 2, 1));
        Assert.Throws<ArgumentException>(() => g.Normal(new float[1], 0, -1));
        Assert.Throws<ArgumentException>(() => g.Bernoulli(new float[1], 1.5));
        Assert.Throws<ArgumentException>(() => g.Multinomial(new double[] { 1, 0 }, 2, false, new long[2]));
        Assert.Throws<ArgumentException>(() => g.Multinomial(new double[] { -1, 2 }, 1, true, new long[1]));
    }
}

/// <summary>The 8-lane and the one-lane models of ATen's avx_mathfun must agree bit for bit (the
/// fixtures exercise whichever one this machine runs).</summary>
public class RandomAvxMathFunTests
{
    [Fact]
    public void VectorAndScalarModelsAgree()
    {
        var g = new Generator(21);
        var u = new float[4096];
        g.Uniform(u);
        u[0] = 1f; u[1] = 0f; u[2] = float.Epsilon; u[3] = 1e-30f;
        for (int i = 0; i < u.Length; i += 8)
        {
            var x1 = System.Runtime.Intrinsics.Vector256.Create(u, i);
            var log = AvxMathFun.Log(System.Runtime.Intrinsics.Vector256.Create(1f) - x1);
            var th = System.Runtime.Intrinsics.Vector256.Create((float)(2.0 * Math.PI)) * x1;
            AvxMathFun.SinCos(th, out var s, out var c);
            for (int j = 0; j < 8; j++)
            {
                Assert.Equal(BitConverter.SingleToInt32Bits(AvxMathFun.Log(1f - u[i + j])), BitConverter.SingleToInt32Bits(log[j]));
                AvxMathFun.SinCos(th[j], out float ss, out float cc);
                Assert.Equal(BitConverter.SingleToInt32Bits(ss), BitConverter.SingleToInt32Bits(s[j]));
                Assert.Equal(BitConverter.SingleToInt32Bits(cc), BitConverter.SingleToInt32Bits(c[j]));
            }
        }
    }
}
