namespace Flint.Ops;

/// <summary>
/// In-place random fills (uniform_, normal_, bernoulli_, random_ …): the values come from a
/// <see cref="Generator"/> in PyTorch's draw order, so seeded results match PyTorch's. The derivative with respect
/// to the overwritten tensor is zero, as in PyTorch.
/// </summary>
public sealed class RandomFillOp(string name, Generator? generator, Action<Generator, Tensor> fill) : Op
{
    public override string Name { get; } = name;
    public override OpKind Kind => OpKind.Random;
    public override bool InPlace => true;
    public override TensorMeta[] Meta(Tensor[] x) => [TensorMeta.Like(x[0])];

    public override Tensor[] Forward(Tensor[] x)
    {
        var self = x[0];
        var gen = generator ?? Generator.Default;
        if (self.IsContiguous()) fill(gen, self);
        else if (MemoryOrder(self) is { } dense) fill(gen, dense); // PyTorch draws in memory order (TensorIterator)
        else
        {
            // Drawn in index order into a contiguous temporary, then written through the view.
            var tmp = Tensor.Empty(self._sizes, self.DType);
            fill(gen, tmp);
            self.CopyFromRaw(tmp);
            self._storage.Version--; // CopyFromRaw bumped it; it is bumped once below
        }
        self._storage.Version++;
        return [self];
    }

    public override Tensor?[] Backward(BackwardContext ctx) => [Torch.ZerosLike(ctx.Grad())];

    /// <summary>The same elements permuted into memory order, when that is a dense contiguous block; else null.</summary>
    private static Tensor? MemoryOrder(Tensor t)
    {
        var perm = new int[t.Dim];
        for (int i = 0; i < perm.Length; i++) perm[i] = i;
        Array.Sort(perm, (a, b) => t._strides[b] != t._strides[a] ? t._strides[b].CompareTo(t._strides[a]) : a.CompareTo(b));
        var p = t.PermuteRaw(perm);
        return p.IsContiguous() ? p : null;
    }

    /// <summary>A contiguous tensor's elements as a span of T.</summary>
    internal static Span<T> Data<T>(Tensor t) where T : unmanaged => t.StorageSpan<T>().Slice(t._offset, t._numel);

    /// <summary>Fills t through a float32/float64 buffer when its dtype has no direct generator path.</summary>
    internal static void ViaFloat(Tensor t, Action<Tensor> fill, DType via = DType.Float32)
    {
        if (t.DType == via) { fill(t); return; }
        var tmp = Tensor.Empty(t._sizes, via);
        fill(tmp);
        Kernels.Cpu.Conv.Cast(tmp, t);
    }
}
