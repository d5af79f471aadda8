using System.Text.Json;
using Flint;

namespace Flint.Tests.Shape;

/// <summary>Fixture ops beyond the view/cat/gather basics: split/chunk, copies, pad, meshgrid, stacks.</summary>
internal static class ExtraOps
{
    private static long[] Longs(JsonElement e) => e.EnumerateArray().Select(x => x.GetInt64()).ToArray();

    public static Tensor[] Run(string op, Tensor[] x, JsonElement a)
    {
        int I(string n) => a.GetProperty(n).GetInt32();
        int? OptI(string n) => a.GetProperty(n).ValueKind == JsonValueKind.Null ? null : a.GetProperty(n).GetInt32();
        return op switch
        {
            "split" => x[0].Split(I("size"), I("dim")),
            "split_sizes" => x[0].Split(Longs(a.GetProperty("sizes")), I("dim")),
            "chunk" => x[0].Chunk(I("chunks"), I("dim")),
            "unbind" => x[0].Unbind(I("dim")),
            "flip" => [x[0].Flip(Longs(a.GetProperty("dims")))],
            "roll" => [x[0].Roll(Longs(a.GetProperty("shifts")), a.GetProperty("dims").EnumerateArray().Select(v => v.GetInt32()).ToArray())],
            "repeat" => [x[0].Repeat(Longs(a.GetProperty("repeats")))],
            "tile" => [x[0].Tile(Longs(a.GetProperty("reps")))],
            "repeat_interleave" => [x[0].RepeatInterleave(I("repeats"), OptI("dim"))],
            "repeat_interleave_t" => [x[0].RepeatInterleave(x[1], OptI("dim"))],
            "tril" => [x[0].Tril(I("k"))],
            "triu" => [x[0].Triu(I("k"))],
            "diag" => [x[0].Diag(I("k"))],
            "diag_embed" => [x[0].DiagEmbed(I("offset"), I("dim1"), I("dim2"))],
            "pad" => [Torch.Pad(x[0], Longs(a.GetProperty("pad")), a.GetProperty("mode").GetString()!, a.GetProperty("value").GetDouble())],
            "meshgrid" => Torch.Meshgrid(x, a.GetProperty("indexing").GetString()!),
            "hstack" => [Torch.Hstack(x)],
            "vstack" => [Torch.Vstack(x)],
            "dstack" => [Torch.Dstack(x)],
            _ => throw new ArgumentException("unknown fixture op " + op),
        };
    }
}
