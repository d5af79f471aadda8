using System.Numerics;
using System.Text.Json;
using Flint.Serialization;

namespace Flint.Tests.Serialization;

/// <summary>
/// Compares what Torch.Load returned with the description gen_checkpoints.py wrote from PyTorch's own object
/// (see the encoding in that script): values, dtypes, shapes, strides, offsets, requires_grad, dict kinds and
/// _metadata, and storage sharing — tensors with one storage id in the file must share one Storage, others not.
/// </summary>
internal sealed class CheckpointExpect
{
    private readonly Dictionary<long, Storage> _byId = new();
    private readonly Dictionary<Storage, long> _idOf = new(ReferenceEqualityComparer.Instance);

    public static string Dir => Path.Combine(AppContext.BaseDirectory, "Fixtures", "checkpoints");
    public static string PathOf(string file) => System.IO.Path.Combine(Dir, file);

    public static JsonElement Expected(string name) => Fixture.Load("checkpoints/" + name).Cases[0];

    public static void Matches(string name, object? actual) => new CheckpointExpect().Match(Expected(name), actual, name);

    public void Match(JsonElement e, object? a, string path)
    {
        switch (e.ValueKind)
        {
            case JsonValueKind.Null: Assert.True(a is null, $"{path}: expected None, got {a}"); return;
            case JsonValueKind.True or JsonValueKind.False:
                Assert.True(a is bool b && b == e.GetBoolean(), $"{path}: expected {e.GetBoolean()}, got {a ?? "null"}");
                return;
            case JsonValueKind.String:
                Assert.True(a is string s && s == e.GetString(), $"{path}: expected '{e.GetString()}', got {a ?? "null"}");
                return;
        }
        if (e.TryGetProperty("int", out var i))
        {
            var v = BigInteger.Parse(i.GetRawText());
            if (v >= long.MinValue && v <= long.MaxValue) Assert.True(a is long l && l == (long)v, $"{path}: expected int {v}, got {a ?? "null"} ({a?.GetType().Name})");
            else Assert.True(a is BigInteger bi && bi == v, $"{path}: expected big int {v}, got {a ?? "null"}");
            return;
        }
        if (e.TryGetProperty("float", out var f))
        {
            double x = Fixture.Number(f);
            Assert.True(a is double d && (d == x || double.IsNaN(d) && double.IsNaN(x)), $"{path}: expected float {x}, got {a ?? "null"}");
            return;
        }
        if (e.TryGetProperty("bytes", out var by))
        {
            var bytes = by.EnumerateArray().Select(z => (byte)z.GetInt32()).ToArray();
            Assert.True(a is byte[] ab && ab.SequenceEqual(bytes), $"{path}: expected bytes [{string.Join(",", bytes)}]");
            return;
        }
        if (e.TryGetProperty("tuple", out var tup))
        {
            var arr = Assert.IsType<object?[]>(a);
            Assert.True(arr.Length == tup.GetArrayLength(), $"{path}: tuple length");
            int k = 0;
            foreach (var x in tup.EnumerateArray()) { Match(x, arr[k], $"{path}[{k}]"); k++; }
            return;
        }
        if (e.TryGetProperty("list", out var lst))
        {
            var list = Assert.IsType<List<object?>>(a);
            Assert.True(list.Count == lst.GetArrayLength(), $"{path}: list length");
            int k = 0;
            foreach (var x in lst.EnumerateArray()) { Match(x, list[k], $"{path}[{k}]"); k++; }
            return;
        }
        if (e.TryGetProperty("dict", out var dict))
        {
            var d = Assert.IsType<OrderedDict>(a);
            Assert.True(d.IsOrderedDict == e.GetProperty("ordered").GetBoolean(), $"{path}: OrderedDict vs dict");
            Assert.True(d.Count == dict.GetArrayLength(), $"{path}: dict has {d.Count} entries, expected {dict.GetArrayLength()}");
            int k = 0;
            var entries = d.ToList();
            foreach (var kv in dict.EnumerateArray())
            {
                Match(kv[0], entries[k].Key, $"{path}.key{k}");
                Match(kv[1], entries[k].Value, $"{path}[{OrderedDict.Repr(entries[k].Key)}]");
                k++;
            }
            var meta = e.GetProperty("metadata");
            if (meta.ValueKind == JsonValueKind.Null) Assert.Null(d.Metadata);
            else Match(meta, d.Metadata, path + "._metadata");
            return;
        }
        if (e.TryGetProperty("tensor", out var te))
        {
            var t = Assert.IsAssignableFrom<Tensor>(a);
            var expected = Fixture.Tensor(te);
            // Fixture.Tensor reads shape [] as [1] (FromArray's convenience): make 0-dim tensors 0-dim again.
            if (te.GetProperty("shape").GetArrayLength() == 0) expected = new Tensor(expected.Storage, 0, [], []);
            TensorAssert.Close(expected, t, 0, 0, what: path);
            Assert.Equal(e.GetProperty("stride").EnumerateArray().Select(z => z.GetInt64()).ToArray(), t.Stride());
            Assert.Equal(e.GetProperty("offset").GetInt64(), t.StorageOffset);
            Assert.True(e.GetProperty("requires_grad").GetBoolean() == t.RequiresGrad, $"{path}: requires_grad");
            long sid = e.GetProperty("storage").GetInt64();
            if (_byId.TryGetValue(sid, out var s)) Assert.True(ReferenceEquals(s, t.Storage), $"{path}: should share storage {sid} with an earlier tensor");
            else
            {
                Assert.False(_idOf.ContainsKey(t.Storage), $"{path}: shares a storage it should not (file storage {sid})");
                _byId[sid] = t.Storage;
                _idOf[t.Storage] = sid;
            }
            return;
        }
        throw new InvalidOperationException($"{path}: unknown expectation {e}");
    }
}
