using System.Runtime.CompilerServices;

namespace Flint.Compiler;

/// <summary>The first difference between an eager and a compiled result (verify mode), as an exception.</summary>
internal static class VerifyOutputs
{
    public static void Compare(string name, object? expected, object? actual)
    {
        var e = Flatten(expected).ToArray();
        var a = Flatten(actual).ToArray();
        if (e.Length != a.Length)
            throw new CompileVerificationException($"{name}: eager returned {e.Length} tensors, compiled {a.Length}");
        for (int i = 0; i < e.Length; i++)
        {
            var (x, y) = (e[i], a[i]);
            if (!x.Shape.SequenceEqual(y.Shape) || x.DType != y.DType)
                throw new CompileVerificationException(
                    $"{name}: output {i} is {y.DType.Name()}{Fmt(y.Shape)} compiled, {x.DType.Name()}{Fmt(x.Shape)} eager");
            if (x.Numel() == 0) continue;
            var xd = x.Detach().To(DType.Float64).ToArray<double>();
            var yd = y.Detach().To(DType.Float64).ToArray<double>();
            double tol = x.DType == DType.Float64 ? 1e-10 : 1e-5;
            for (int k = 0; k < xd.Length; k++)
            {
                double d = Math.Abs(xd[k] - yd[k]);
                bool same = d <= tol * (1 + Math.Abs(xd[k])) || double.IsNaN(xd[k]) && double.IsNaN(yd[k]);
                if (!same)
                    throw new CompileVerificationException(
                        $"{name}: output {i} differs at flat index {k}: eager {xd[k]}, compiled {yd[k]}");
            }
        }
    }

    private static string Fmt(long[] s) => "[" + string.Join(", ", s) + "]";

    private static IEnumerable<Tensor> Flatten(object? v)
    {
        switch (v)
        {
            case Tensor t: yield return t; break;
            case Tensor[] ts: foreach (var t in ts) yield return t; break;
            case ITuple tup:
                for (int i = 0; i < tup.Length; i++)
                    foreach (var t in Flatten(tup[i])) yield return t;
                break;
            case IEnumerable<Tensor> list: foreach (var t in list) yield return t; break;
        }
    }
}

/// <summary>A compiled result that differs from eager's (Torch.Compile's verify mode).</summary>
public sealed class CompileVerificationException(string message) : Exception(message);
