using System.Collections;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Flint.NN;
using Flint.Optim;
using Flint.Serialization;

namespace Flint.Tests.Serialization;

/// <summary>
/// Writes checkpoints from Flint for tools/fixtures/check_flint_checkpoints.py, which loads them with real
/// torch.load and compares each with the .json beside it (the same description gen_checkpoints.py writes).
/// Runs always (into a temp folder); set FLINT_CHECKPOINT_OUT to keep the files:
///   FLINT_CHECKPOINT_OUT=/tmp/flint-ckpt dotnet test tests/Flint.Tests --filter FullyQualifiedName~PyTorchExport
///   /usr/bin/python3 tools/fixtures/check_flint_checkpoints.py /tmp/flint-ckpt
/// </summary>
public class PyTorchExport
{
    /// <summary>
    /// The seed tutorial's {epoch, state_dict, opt}: Flint's Sequential(Linear(4,10), ReLU, Dropout, Linear(10,3))
    /// and its Adam optimizer after two steps, as Module.StateDict() and Optimizer.StateDict() return them.
    /// </summary>
    internal static Dictionary<string, object?> SeedCheckpoint()
    {
        var model = new Sequential(new Linear(4, 10), new ReLU(), new Dropout(0.2), new Linear(10, 3));
        var opt = new Adam(model.Parameters(), lr: 0.01);
        var g = new Generator(7);
        for (int i = 0; i < 2; i++)
        {
            opt.ZeroGrad();
            var x = Torch.Randn([5, 4], generator: g);
            Functional.CrossEntropy(model.Call(x), Torch.Tensor(new long[] { 0, 1, 2, 1, 0 })).Backward();
            opt.Step();
        }
        return new Dictionary<string, object?> { ["epoch"] = 5, ["state_dict"] = model.StateDict(), ["opt"] = opt.StateDict() };
    }

    internal static OrderedDict Views()
    {
        var b = Torch.Arange(24, dtype: DType.Float32).View(4, 6);
        var other = Torch.Arange(5, dtype: DType.Int64);
        return new OrderedDict(false)
        {
            ["base"] = b,
            ["transposed"] = b.t(),
            ["sliced"] = new Tensor(b.Storage, 7, [2, 3], [6, 2]),
            ["expanded"] = new Tensor(b.Storage, 2, [3, 4], [0, 1]),
            ["same_again"] = b,
            ["other"] = other,
            ["other_view"] = new Tensor(other.Storage, 1, [3], [1]),
            ["grad"] = Torch.Ones([2], requiresGrad: true),
            ["param"] = new Parameter(Torch.Arange(3, dtype: DType.Float32)),
        };
    }

    internal static List<object?> Scalars() =>
    [
        long.MaxValue, long.MinValue, BigInteger.Pow(2, 70), 0, 255, 256, 65536, -1, -0.0, double.NaN, double.NegativeInfinity,
        1e-310, "héllo ✓", "", true, false, null, new byte[] { 0, 1, 255 }, Array.Empty<byte>(), (1, 2.5, "x"),
        new object?[] { 1, 2, 3, 4 }, new Dictionary<int, object?> { [3] = "three", [-1] = null },
    ];

    [Fact]
    public void WritesCheckpointsForPyTorch()
    {
        string? keep = Environment.GetEnvironmentVariable("FLINT_CHECKPOINT_OUT");
        string dir = keep ?? Directory.CreateTempSubdirectory("flint-export-").FullName;
        Directory.CreateDirectory(dir);
        try
        {
            Write(dir, "flint_seed_checkpoint", SeedCheckpoint());
            var dtypes = RoundTripTests.EveryDType();
            dtypes["requires_grad"] = Torch.Ones([2], requiresGrad: true);
            Write(dir, "flint_dtypes", dtypes);
            Write(dir, "flint_views", Views());
            Write(dir, "flint_scalars", Scalars());
            // Every PyTorch fixture, loaded and saved again by Flint: PyTorch must read back the same thing.
            foreach (var name in new[] { "dtypes", "views", "sequential_state_dict", "adam_state_dict", "checkpoint", "legacy_checkpoint", "parameter" })
            {
                Torch.Save(Torch.Load(CheckpointExpect.PathOf(name + ".pt")), Path.Combine(dir, "resaved_" + name + ".pt"));
                File.Copy(CheckpointExpect.PathOf(name + ".json"), Path.Combine(dir, "resaved_" + name + ".json"), overwrite: true);
            }
            var st = new Dictionary<string, Tensor>();
            foreach (var (k, v) in RoundTripTests.EveryDType()) st[k] = (Tensor)v!;
            st["transposed"] = Torch.Arange(6, dtype: DType.Float32).View(2, 3).t();
            SafeTensors.Save(st, Path.Combine(dir, "flint.safetensors"), new Dictionary<string, string> { ["format"] = "pt", ["writer"] = "flint" });
            using (var f = File.Create(Path.Combine(dir, "flint.safetensors.json")))
            using (var w = new Utf8JsonWriter(f))
            {
                w.WriteStartObject();
                w.WriteStartObject("metadata"); w.WriteString("format", "pt"); w.WriteString("writer", "flint"); w.WriteEndObject();
                w.WriteStartObject("tensors");
                foreach (var (k, v) in st) { w.WritePropertyName(k); Describer.Tensor(w, v); }
                w.WriteEndObject();
                w.WriteEndObject();
            }
            // Everything written loads back in Flint as described.
            foreach (var json in Directory.GetFiles(dir, "*.json").Where(p => !p.EndsWith(".safetensors.json")))
            {
                using var doc = JsonDocument.Parse(File.ReadAllText(json));
                var obj = Torch.Load(Path.ChangeExtension(json, ".pt"));
                new CheckpointExpect().Match(doc.RootElement.GetProperty("cases")[0], obj, Path.GetFileName(json));
            }
        }
        finally
        {
            if (keep is null) Directory.Delete(dir, recursive: true);
        }
    }

    private static void Write(string dir, string name, object obj)
    {
        Torch.Save(obj, Path.Combine(dir, name + ".pt"));
        using var f = File.Create(Path.Combine(dir, name + ".json"));
        using var w = new Utf8JsonWriter(f);
        w.WriteStartObject();
        w.WriteString("torch", "flint");
        w.WriteStartArray("cases");
        new Describer().Write(w, obj);
        w.WriteEndArray();
        w.WriteEndObject();
    }

    /// <summary>The C# twin of gen_checkpoints.py's describe(): the same JSON for the same Python object.</summary>
    private sealed class Describer
    {
        private readonly Dictionary<Storage, int> _ids = new(ReferenceEqualityComparer.Instance);

        public void Write(Utf8JsonWriter w, object? o)
        {
            switch (o)
            {
                case null: w.WriteNullValue(); return;
                case bool b: w.WriteBooleanValue(b); return;
                case string s: w.WriteStringValue(s); return;
                case int or long or BigInteger:
                    w.WriteStartObject(); w.WritePropertyName("int"); w.WriteRawValue(o.ToString()!); w.WriteEndObject(); return;
                case double d: w.WriteStartObject(); w.WritePropertyName("float"); Number(w, d); w.WriteEndObject(); return;
                case byte[] by:
                    w.WriteStartObject(); w.WriteStartArray("bytes"); foreach (var x in by) w.WriteNumberValue(x); w.WriteEndArray(); w.WriteEndObject(); return;
                case Tensor t:
                    {
                        if (!_ids.TryGetValue(t.Storage, out int sid)) _ids[t.Storage] = sid = _ids.Count;
                        w.WriteStartObject();
                        w.WritePropertyName("tensor"); Tensor(w, t);
                        w.WriteStartArray("stride"); foreach (var x in t.Stride()) w.WriteNumberValue(x); w.WriteEndArray();
                        w.WriteNumber("offset", t.StorageOffset);
                        w.WriteBoolean("requires_grad", t.RequiresGrad);
                        w.WriteNumber("storage", sid);
                        w.WriteEndObject();
                        return;
                    }
                case IDictionary d:
                    {
                        w.WriteStartObject();
                        w.WriteStartArray("dict");
                        foreach (DictionaryEntry e in d) { w.WriteStartArray(); Write(w, e.Key); Write(w, e.Value); w.WriteEndArray(); }
                        w.WriteEndArray();
                        var od = d as OrderedDict;
                        var type = d.GetType();
                        bool ordered = od?.IsOrderedDict ?? (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(OrderedDictionary<,>));
                        w.WriteBoolean("ordered", ordered);
                        w.WritePropertyName("metadata"); Write(w, od?.Metadata);
                        w.WriteEndObject();
                        return;
                    }
                case object?[] tuple: Seq(w, "tuple", tuple); return;
                case ITuple vt: { var a = new object?[vt.Length]; for (int i = 0; i < a.Length; i++) a[i] = vt[i]; Seq(w, "tuple", a); return; }
                case IList l: Seq(w, "list", l); return;
            }
            throw new ArgumentException(o.GetType().Name);
        }

        private void Seq(Utf8JsonWriter w, string kind, IEnumerable items)
        {
            w.WriteStartObject(); w.WriteStartArray(kind);
            foreach (var x in items) Write(w, x);
            w.WriteEndArray(); w.WriteEndObject();
        }

        private static void Number(Utf8JsonWriter w, double d)
        {
            if (double.IsNaN(d)) w.WriteStringValue("nan");
            else if (double.IsInfinity(d)) w.WriteStringValue(d > 0 ? "inf" : "-inf");
            else w.WriteRawValue(d.ToString("R", System.Globalization.CultureInfo.InvariantCulture).Replace("E", "e"));
        }

        /// <summary>fixturelib.enc: {"dtype", "shape", "data"} with data flat in row-major order.</summary>
        public static void Tensor(Utf8JsonWriter w, Tensor t)
        {
            w.WriteStartObject();
            w.WriteString("dtype", t.DType.Name());
            w.WriteStartArray("shape"); foreach (var x in t.Shape) w.WriteNumberValue(x); w.WriteEndArray();
            w.WriteStartArray("data");
            var c = t.Detach();
            switch (t.DType)
            {
                case DType.Bool: foreach (var x in c.ToArray<bool>()) w.WriteBooleanValue(x); break;
                case DType.Int64: foreach (var x in c.ToArray<long>()) w.WriteNumberValue(x); break;
                case DType.Int32 or DType.Int16 or DType.Int8 or DType.UInt8: foreach (var x in c.To(DType.Int64).ToArray<long>()) w.WriteNumberValue(x); break;
                default: foreach (var x in c.To(DType.Float64).ToArray<double>()) Number(w, x); break;
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
    }
}
