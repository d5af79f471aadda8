using Flint.Graphs;

namespace Flint.Jit.Archive;

/// <summary>Reads TorchScript type annotations (Tensor, List[int], Optional[Tensor], __torch__.X …) as graph types.</summary>
internal static class TorchScriptTypes
{
    public static JitType Parse(Expr e, Func<string, JitType?> classes, string file) => e switch
    {
        NameExpr { Id: "Tensor" } => JitType.AnyTensor,
        NameExpr { Id: "int" } => JitType.Int,
        NameExpr { Id: "float" } => JitType.Float,
        NameExpr { Id: "bool" } => JitType.Bool,
        NameExpr { Id: "str" } => JitType.Str,
        NameExpr { Id: "NoneType" } => JitType.None,
        NameExpr { Id: "Device" } => JitType.Device,
        NameExpr { Id: "number" or "Scalar" } => JitType.Number,
        NameExpr { Id: "Any" } => JitType.Any,
        ConstExpr { Value: null } => JitType.None,
        SubscriptExpr { Target: NameExpr { Id: var g }, Index: var idx } => Generic(g, idx, classes, file, e.Line),
        AttrExpr or NameExpr => classes(Dotted(e) ?? "") is { } c ? c
            : throw TorchScriptError.At(file, e.Line, $"unknown type '{Dotted(e)}'"),
        _ => throw TorchScriptError.At(file, e.Line, "unsupported type annotation"),
    };

    private static JitType Generic(string g, Expr idx, Func<string, JitType?> classes, string file, int line)
    {
        var items = idx is TupleExpr t ? t.Items : [idx];
        JitType One() => items.Count == 1 ? Parse(items[0], classes, file)
            : throw TorchScriptError.At(file, line, $"{g}[...] takes one type");
        return g switch
        {
            "List" => JitType.ListOf(One()),
            "Optional" => JitType.OptionalOf(One()),
            "Final" => One(),
            "Tuple" => new TupleType(items.Select(x => Parse(x, classes, file)).ToArray()),
            _ => throw TorchScriptError.At(file, line, $"unsupported type '{g}[...]'"),
        };
    }

    /// <summary>a.b.c as a string, or null if the expression is not a dotted name.</summary>
    public static string? Dotted(Expr e) => e switch
    {
        NameExpr n => n.Id,
        AttrExpr a when Dotted(a.Target) is { } t => t + "." + a.Name,
        _ => null,
    };
}
