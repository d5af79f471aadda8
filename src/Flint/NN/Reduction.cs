namespace Flint.NN;

/// <summary>How a loss reduces its per-element values: PyTorch's reduction='none' | 'mean' | 'sum'.</summary>
/// <summary>BatchMean (KLDivLoss only): the sum divided by the batch size.</summary>
public enum Reduction { None = 0, Mean = 1, Sum = 2, BatchMean = 3 }

internal static class ReductionNames
{
    public static string Py(this Reduction r) => r switch { Reduction.None => "none", Reduction.Mean => "mean", Reduction.Sum => "sum", _ => "batchmean" };
}
