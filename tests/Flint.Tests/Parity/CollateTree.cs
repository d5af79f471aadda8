using System.Collections;
using System.Text.Json;
using Flint;

namespace Flint.Tests.Parity;

/// <summary>
/// The nested values of the default_collate fixture: {"dict"|"list"|"tuple"|"tensor"|"int"|"float"|"str": …}
/// built into C# values (dictionaries, lists, value tuples) and compared with what Collate returns.
/// </summary>
internal static class CollateTree
{
    public static object Build(JsonElement e)
    {
        var p = e.EnumerateObject().Single();
        return p.Name switch
        {
            "tensor" => Fixture.Tensor(p.Value),
            "int" => p.Value.GetInt64(),
            "float" => p.Value.GetDouble(),
            "str" => p.Value.GetString()!,
            "list" => p.Value.EnumerateArray().Select(Build).ToList(),
            "tuple" => Tuple(p.Value.EnumerateArray().Select(Build).ToArray()),
            "dict" => p.Value.EnumerateObject().ToDictionary(x => x.Name, x => Build(x.Value)),
            _ => throw new ArgumentException(p.Name),
        };
    }

    private static object Tuple(object[] v) => v.Length switch
    {
        2 => (v[0], v[1]),
        3 => (v[0], v[1], v[2]),
        _ => throw new ArgumentException("tuple arity"),
    };

    public static void AssertMatches(JsonElement expected, object actual, string path)
    {
        var p = expected.EnumerateObject().Single();
        switch (p.Name)
        {
            case "tensor":
                TensorAssert.Close(Fixture.Tensor(p.Value), Assert.IsType<Tensor>(actual), what: path);
                break;
            case "str":
                Assert.Equal(p.Value.GetString(), actual);
                break;
            case "list" or "tuple": // PyTorch collates tuples into lists
                var items = ((IEnumerable)actual).Cast<object>().ToList();
                var want = p.Value.EnumerateArray().ToList();
                Assert.Equal(want.Count, items.Count);
                for (int i = 0; i < want.Count; i++) AssertMatches(want[i], items[i], $"{path}[{i}]");
                break;
            case "dict":
                var d = Assert.IsType<Dictionary<string, object>>(actual);
                Assert.Equal(p.Value.EnumerateObject().Select(x => x.Name), d.Keys);
                foreach (var x in p.Value.EnumerateObject()) AssertMatches(x.Value, d[x.Name], $"{path}.{x.Name}");
                break;
            default:
                throw new ArgumentException(p.Name);
        }
    }
}
