using System.Text.Json;
using Flint;

namespace Flint.Tests.Shape;

/// <summary>Fixture ops beyond the view/cat/gather basics (shape ops, masks, advanced indexing).</summary>
internal static class ExtraOps
{
    public static Tensor[] Run(string op, Tensor[] x, JsonElement a) => throw new ArgumentException("unknown fixture op " + op);
}
