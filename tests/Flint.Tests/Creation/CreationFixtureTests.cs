using System.Text.Json;
using Flint;

namespace Flint.Tests.Creation;

/// <summary>Factories and seeded random tensors against PyTorch's values (Fixtures/creation.json, gen_creation.py).</summary>
[Collection("DefaultGenerator")] // seeds Generator.Default: no other test may draw between the seed and the check
public class CreationFixtureTests
{
    private static Tensor Make(string name, JsonElement a)
    {
        double D(string n) => a.GetProperty(n).GetDouble();
        long L(string n) => a.GetProperty(n).GetInt64();
        Scalar S(string n) => a.GetProperty(n).GetRawText().Contains('.') ? (Scalar)a.GetProperty(n).GetDouble() : (Scalar)a.GetProperty(n).GetInt64();
        Tensor P(string n) => Torch.Tensor(a.GetProperty(n).ValueKind == JsonValueKind.Array && a.GetProperty(n)[0].ValueKind == JsonValueKind.Array
            ? a.GetProperty(n).EnumerateArray().Select(r => r.EnumerateArray().Select(v => (float)v.GetDouble()).ToArray()).ToArray()
            : a.GetProperty(n).EnumerateArray().Select(v => (float)v.GetDouble()).ToArray());
        return name switch
        {
            "uniform_" when a.GetProperty("n").GetInt32() == 20 => Torch.Empty([L("n")], DType.Float64).Uniform_(D("a"), D("b")),
            "uniform_" => Torch.Empty(L("n")).Uniform_(D("a"), D("b")),
            "uniform_half" => Torch.Empty([L("n")], DType.Float16).Uniform_(D("a"), D("b")),
            "uniform_bf16" => Torch.Empty([L("n")], DType.BFloat16).Uniform_(D("a"), D("b")),
            "rand_half" => Torch.Rand([L("n")], DType.Float16),
            "normal_" when L("n") == 33 => Torch.Empty([L("n")], DType.Float64).Normal_(D("mean"), D("std")),
            "normal_" => Torch.Empty(L("n")).Normal_(D("mean"), D("std")),
            "normal_t" => Torch.Empty(L("c"), L("r")).T.Normal_(),
            "bernoulli_" => Torch.Empty(L("n")).Bernoulli_(D("p")),
            "random_" => Torch.Empty([L("n")], DType.Int64).Random_(L("lo"), L("hi")),
            "rand" when L("n") == 3 => Torch.Rand(L("n")),
            "rand" => Torch.Rand(2, L("n")),
            "randn" when L("n") == 3 => Torch.Randn(L("n")),
            "randn" => Torch.Randn(4, L("n")),
            "randn64" => Torch.Randn([L("n")], DType.Float64),
            "randint" => Torch.Randint(L("lo"), L("hi"), [L("n")]),
            "randperm" => Torch.Randperm(L("n")),
            "bernoulli" => Torch.Bernoulli(P("p")),
            "multinomial" => Torch.Multinomial(P("p"), L("k"), a.GetProperty("r").GetBoolean()),
            "normal_tensor" => Torch.Normal(P("m"), P("s")),
            "normal_size" => Torch.Normal(D("m"), D("s"), [L("n")]),
            "rand_like" => Torch.RandLike(Torch.Zeros([L("n")], DType.Float64)),
            "randn_like" => Torch.RandnLike(Torch.Zeros(L("n"))),
            "randint_like" => Torch.RandintLike(Torch.Zeros(L("n")), L("hi")),
            "arange" => Torch.Arange(S("end")),
            "arange3" => Torch.Arange(S("s"), S("e"), S("st")),
            "linspace" => Torch.Linspace(D("s"), D("e"), L("n")),
            "logspace" => Torch.Logspace(D("s"), D("e"), L("n"), D("base")),
            "eye" => Torch.Eye(L("n"), L("m")),
            _ => throw new ArgumentException(name),
        };
    }

    public static IEnumerable<object[]> Cases() => Enumerable.Range(0, Fixture.Load("creation").Cases.Count).Select(i => new object[] { i });

    [Theory]
    [MemberData(nameof(Cases))]
    public void MatchesPyTorch(int i)
    {
        var c = Fixture.Load("creation").Cases[i];
        var name = c.GetProperty("name").GetString()!;
        Tensor actual;
        lock (Generator.Default) // seeded cases share the default generator
        {
            if (c.TryGetProperty("seed", out var seed)) Torch.ManualSeed(seed.GetInt64());
            actual = Make(name, c.GetProperty("args"));
        }
        var expected = Fixture.Tensor(c.GetProperty("out"));
        // linspace/logspace round like PyTorch's kernels; the rest are bit-exact.
        double rtol = name is "logspace" ? 1e-6 : 0;
        TensorAssert.Close(expected, actual, rtol, 0, what: name);
    }

    [Fact]
    public void ExplicitGeneratorIsIndependentOfTheDefault()
    {
        var g1 = new Generator(42); var g2 = new Generator(42);
        var a = Torch.Rand([5], generator: g1);
        Torch.Rand(3); // draws from the default generator only
        var b = Torch.Rand([5], generator: g2);
        TensorAssert.Close(a, b, 0, 0);
    }

    [Fact]
    public void ArangeSizeAndDTypeRules()
    {
        Assert.Equal(DType.Int64, Torch.Arange(5).DType);
        Assert.Equal(DType.Float32, Torch.Arange(0, 5, 0.5).DType);
        Assert.Equal(new long[] { 3 }, Torch.Arange(1, 2.5, 0.5).Shape); // ceil((2.5 - 1) / 0.5)
        Assert.Equal(new long[] { 4 }, Torch.Arange(10, 0, -3).Shape);
        Assert.Equal("step must be nonzero", Assert.Throws<ArgumentException>(() => Torch.Arange(0, 10, 0)).Message);
        Assert.Equal("upper bound and larger bound inconsistent with step sign", Assert.Throws<ArgumentException>(() => Torch.Arange(10, 0, 1)).Message);
    }

    [Fact]
    public void UniformOnALeafUnderNoGradKeepsItALeaf()
    {
        var w = Torch.Empty([3, 2], requiresGrad: true);
        using (Torch.NoGrad()) w.Uniform_(-1, 1);
        Assert.True(w.IsLeaf);
        Assert.True(w.RequiresGrad);
        Assert.All(w.ToArray<float>(), v => Assert.InRange(v, -1f, 1f));
        Assert.Throws<InvalidOperationException>(() => w.Normal_());
    }
}
