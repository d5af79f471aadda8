using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Xunit;

namespace Flint.Tests.Core;

/// <summary>The pool's reuse is global state: these tests run alone, so no other test's op holds the safe point.</summary>
[CollectionDefinition("BufferPool", DisableParallelization = true)]
public sealed class BufferPoolCollection { }

[Collection("BufferPool")]
public class BufferPoolTests
{
    // An odd size no other code path uses, large enough to be pooled.
    private const int N = 123_457;

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static float[] ArrayOf(Tensor t)
    {
        Assert.True(MemoryMarshal.TryGetArray<float>(((Storage<float>)t.Storage).RawMemory, out var seg));
        return seg.Array!;
    }

    /// <summary>Makes a pooled tensor, returns its array, and drops the tensor.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static float[] DeadTensorArray(bool escape)
    {
        var t = Torch.Full([N], 3f);
        if (escape) _ = t.AsSpan<float>();
        return ArrayOf(t);
    }

    [Fact]
    public unsafe void PooledElementsStartMidPageOnACacheLine()
    {
        // at byte 2048 of a page (so 64-byte aligned, as PyTorch's allocator), for every element size and for reused
        // arrays too (sizes of its own, so the reuse tests' buckets stay as they expect)
        const int M = 98_765;
        foreach (var dt in new[] { DType.Float32, DType.Float64, DType.Int64, DType.Float16, DType.UInt8 })
            for (int k = 0; k < 3; k++)
            {
                var t = Torch.Zeros([M + k], dt);
                fixed (byte* p = t.Storage.AsBytes()) Assert.True((nuint)p % 4096 == 2048, $"{dt} data at {(nuint)p % 4096} mod 4096");
                Assert.Equal(M + k, t.Numel());
                Assert.True(t.Eq(0).All().Item<bool>());
            }
        var a = Torch.Full([M], 2f);
        var b = a * 3f;
        fixed (float* p = ((Storage<float>)b.Storage).RawMemory.Span) Assert.True((nuint)p % 4096 == 2048);
        Assert.Equal(6f, b[M - 1].Item<float>());
    }

    /// <summary>Collects, lets the finalizers hand the arrays back, and passes a safe point (an op with none in flight).</summary>
    private static void CollectAndReachSafePoint()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        _ = Torch.Ones(1) + 1f;
    }

    [Fact]
    public void ArrayOfDeadTensorIsReusedForTheNextTensorOfThatSize()
    {
        var old = DeadTensorArray(escape: false);
        CollectAndReachSafePoint();
        var t = Torch.Full([N], 2f);
        Assert.Same(old, ArrayOf(t));
        Assert.All(t.ToArray<float>(), v => Assert.Equal(2f, v)); // the reused array was fully overwritten
    }

    [Fact]
    public void ArrayWhoseSpanEscapedIsNeverReused()
    {
        var old = DeadTensorArray(escape: true);
        CollectAndReachSafePoint();
        var t = Torch.Full([N], 2f);
        Assert.NotSame(old, ArrayOf(t));
    }

    [Fact]
    public void ZerosFromAReusedArrayAreZero()
    {
        DeadTensorArray(escape: false);
        CollectAndReachSafePoint();
        var z = Torch.Zeros(N);
        Assert.All(z.ToArray<float>(), v => Assert.Equal(0f, v));
    }

    [Fact]
    public void ValuesStayCorrectWhileArraysAreRecycled()
    {
        // Far more than the collection budget flows through the pool; every result must still be exact.
        var x = Torch.Arange(1 << 20, dtype: DType.Float32);
        for (int i = 0; i < 300; i++)
        {
            var y = (x * 2f + (float)i) - x;
            var v = y.ToArray<float>();
            Assert.Equal(i, v[0]);
            Assert.Equal((1 << 20) - 1 + i, v[^1]);
            Assert.Equal(12345 + i, v[12345]);
        }
        var (idle, outstanding, collections) = BufferPool.Stats();
        Assert.True(collections > 0, "the pool should have asked for collections");
        Assert.True(idle + outstanding < (1L << 30), $"pool memory should stay bounded, idle {idle} outstanding {outstanding}");
    }

    [Fact]
    public void CollectionsContinueAfterOneThatFindsNothingDead()
    {
        // Arrays are recycled at safe points, which are op calls (factories alone never reach one).
        var src = Torch.Full([1 << 20], 1f);
        var (_, _, before) = BufferPool.Stats();
        var keep = new List<Tensor>();
        for (int i = 0; i < 40; i++) keep.Add(src * 1f);   // 160 MB alive: the collection asked for finds nothing
        for (int i = 0; i < 3; i++) _ = src[0] + 1f;        // safe points
        keep.Clear();
        for (int i = 0; i < 200; i++)                        // 800 MB more, each dead at once
        {
            var t = src * 2f;
            Assert.Equal(2f, t[12345].Item<float>());
        }
        var (_, outstanding, after) = BufferPool.Stats();
        Assert.True(after - before >= 3, $"collections {after - before}");
        Assert.True(outstanding < (400L << 20), $"outstanding {outstanding >> 20} MB");
    }

    [Fact]
    public void ConcurrentOpsOnTwoThreadsGetCorrectResults()
    {
        var errors = 0;
        var threads = Enumerable.Range(0, 2).Select(k => new Thread(() =>
        {
            var x = Torch.Full([1 << 18], (float)(k + 1));
            for (int i = 0; i < 200; i++)
            {
                var y = x * (float)i + 1f;
                var v = y.ToArray<float>();
                if (v[0] != (k + 1) * i + 1 || v[^1] != (k + 1) * i + 1) Interlocked.Increment(ref errors);
            }
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());
        Assert.Equal(0, errors);
    }
}
