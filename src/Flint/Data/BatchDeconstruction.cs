namespace Flint.Data;

/// <summary>
/// Lets a batch of tensors (what a <see cref="DataLoader"/> over a <see cref="TensorDataset"/> yields) deconstruct:
/// <c>foreach (var (x, y) in loader)</c>, as Python's <c>for x, y in loader</c>.
/// </summary>
public static class BatchDeconstruction
{
    /// <summary>A batch of two tensors (inputs and targets).</summary>
    public static void Deconstruct(this Tensor[] batch, out Tensor first, out Tensor second)
    {
        CheckLength(batch, 2);
        (first, second) = (batch[0], batch[1]);
    }

    /// <summary>A batch of three tensors.</summary>
    public static void Deconstruct(this Tensor[] batch, out Tensor first, out Tensor second, out Tensor third)
    {
        CheckLength(batch, 3);
        (first, second, third) = (batch[0], batch[1], batch[2]);
    }

    private static void CheckLength(Tensor[] batch, int n)
    {
        ArgumentNullException.ThrowIfNull(batch);
        // Python's words for `x, y = batch` with the wrong count
        if (batch.Length > n) throw new ArgumentException($"too many values to unpack (expected {n})");
        if (batch.Length < n) throw new ArgumentException($"not enough values to unpack (expected {n}, got {batch.Length})");
    }
}
