using System.Text.Json;
using Flint;

namespace Flint.Tests;

/// <summary>
/// Reads fixture files written by tools/fixtures/gen_*.py from real PyTorch (see tools/fixtures/fixturelib.py for
/// the format). A case is a JSON object; tensors in it are decoded with <see cref="Tensor(JsonElement)"/>.
/// </summary>
public sealed class Fixture
{
    public string Torch { get; }
    public IReadOnlyList<JsonElement> Cases { get; }

    private Fixture(string torch, IReadOnlyList<JsonElement> cases) { Torch = torch; Cases = cases; }

    private static readonly Dictionary<string, Fixture> Cache = new();

    public static Fixture Load(string name)
    {
        lock (Cache)
        {
            if (Cache.TryGetValue(name, out var f)) return f;
            var path = Path.Combine(AppContext.BaseDirectory, "Fixtures", name + ".json");
            using var doc = JsonDocument.Parse(File.ReadAllText(path));
            var cases = doc.RootElement.GetProperty("cases").EnumerateArray().Select(c => c.Clone()).ToList();
            f = new Fixture(doc.RootElement.GetProperty("torch").GetString() ?? "", cases);
            Cache[name] = f;
            return f;
        }
    }

    /// <summary>Decodes a fixture tensor.</summary>
    public static Tensor Tensor(JsonElement e)
    {
        var t = Decode(e);
        return t.Dim == 1 && e.GetProperty("shape").GetArrayLength() == 0 ? t.View() : t; // FromArray reads no shape as 1-D
    }

    private static Tensor Decode(JsonElement e)
    {
        var dtype = ParseDType(e.GetProperty("dtype").GetString()!);
        var shape = e.GetProperty("shape").EnumerateArray().Select(x => x.GetInt64()).ToArray();
        var data = e.GetProperty("data").EnumerateArray().ToArray();
        if (dtype == DType.Bool)
            return Flint.Torch.Tensor(data.Select(x => x.GetBoolean()).ToArray(), shape);
        if (dtype.IsFloatingPoint())
            return Flint.Torch.Tensor(data.Select(Number).ToArray(), shape, dtype);
        return Flint.Torch.Tensor(data.Select(x => x.GetInt64()).ToArray(), shape, dtype);
    }

    public static double Number(JsonElement x) => x.ValueKind switch
    {
        JsonValueKind.String => x.GetString() switch { "nan" => double.NaN, "inf" => double.PositiveInfinity, "-inf" => double.NegativeInfinity, var s => double.Parse(s!) },
        JsonValueKind.True => 1,
        JsonValueKind.False => 0,
        _ => x.GetDouble(),
    };

    public static DType ParseDType(string s) => s switch
    {
        "float32" => DType.Float32, "float64" => DType.Float64, "float16" => DType.Float16, "bfloat16" => DType.BFloat16,
        "int64" => DType.Int64, "int32" => DType.Int32, "int16" => DType.Int16, "int8" => DType.Int8,
        "uint8" => DType.UInt8, "bool" => DType.Bool,
        _ => throw new ArgumentException("unknown dtype " + s),
    };
}

/// <summary>Assertions on tensors, with messages that show both sides.</summary>
public static class TensorAssert
{
    /// <summary>Same shape, same dtype, values within atol + rtol·|expected| (NaN matches NaN, ±inf must match exactly).</summary>
    public static void Close(Tensor expected, Tensor actual, double rtol = 1.3e-6, double atol = 1e-5, bool checkDType = true, string? what = null)
    {
        var prefix = what is null ? "" : what + ": ";
        Assert.True(expected.Shape.SequenceEqual(actual.Shape), $"{prefix}shape: expected [{string.Join(", ", expected.Shape)}], got [{string.Join(", ", actual.Shape)}]");
        if (checkDType) Assert.True(expected.DType == actual.DType, $"{prefix}dtype: expected {expected.DType.Name()}, got {actual.DType.Name()}");
        var e = expected.Detach().To(DType.Float64).ToArray<double>();
        var a = actual.Detach().To(DType.Float64).ToArray<double>();
        for (int i = 0; i < e.Length; i++)
        {
            bool ok = double.IsNaN(e[i]) ? double.IsNaN(a[i])
                : double.IsInfinity(e[i]) ? e[i] == a[i]
                : Math.Abs(e[i] - a[i]) <= atol + rtol * Math.Abs(e[i]);
            // The message prints both tensors: build it only on failure (per element it made large checks take minutes).
            if (!ok) Assert.Fail($"{prefix}element {i}: expected {e[i]:R}, got {a[i]:R}\nexpected: {expected}\nactual:   {actual}");
        }
    }

    /// <summary>Tolerances PyTorch's own testing uses per dtype (torch.testing.assert_close defaults).</summary>
    public static (double rtol, double atol) DefaultTolerance(DType t) => t switch
    {
        DType.Float16 => (1e-3, 1e-5),
        DType.BFloat16 => (1.6e-2, 1e-5),
        DType.Float32 => (1.3e-6, 1e-5),
        DType.Float64 => (1e-7, 1e-7),
        _ => (0, 0),
    };
}
