using Flint.NN;

namespace Flint.Tests.Compiler;

internal static class CompileTestUtil
{
    /// <summary>Bit-for-bit equality of two tensors (the eager backend replays the very same kernels).</summary>
    public static void Same(Tensor expected, Tensor actual)
    {
        Assert.Equal(expected.Shape, actual.Shape);
        Assert.Equal(expected.DType, actual.DType);
        Assert.Equal(expected.Detach().To(DType.Float64).ToArray<double>(), actual.Detach().To(DType.Float64).ToArray<double>());
    }

    /// <summary>A module and a copy with the same parameters and buffers.</summary>
    public static (T, T) Twins<T>(Func<T> make) where T : Module
    {
        var a = make();
        var b = make();
        b.LoadStateDict(a.StateDict());
        return (a, b);
    }
}
