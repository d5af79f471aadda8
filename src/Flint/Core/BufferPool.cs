using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Flint;

/// <summary>
/// Reuses the large element arrays of tensors that have died, as PyTorch's CPU allocator reuses freed memory.
///
/// Why: every op result is a new array. Fresh arrays of a megabyte or more cost page faults (the GC hands back and
/// re-commits the memory of dead large arrays) and frequent full collections; on eager workloads that was a third of
/// the time. Reusing the arrays of dead tensors keeps the memory mapped and the collections rare.
///
/// How: a storage of at least <see cref="MinBytes"/> takes its array from here and holds a small finalizable
/// <see cref="Lease"/>. When the storage becomes unreachable the GC finalizes the lease, which hands the array back
/// as "pending". Pending arrays join the pool only at a safe point: when a top-level op starts and no other op is in
/// flight on any thread (<see cref="EnterOp"/>). Kernels hold raw spans only inside an op, so no span can still point
/// into an array that is handed out again. A storage whose memory escapes to user code (AsSpan, Storage.Memory,
/// AsBytes) gives up its lease and its array is left to the GC.
///
/// Dead leases are only found by a collection, so when much has been rented since the last one and the pool misses,
/// the pool asks for one (at most once per safe point), which bounds the memory held by dead tensors.
///
/// Where: the arrays are pinned, and the elements start at byte 2048 of a page (see <see cref="StartInPage"/>).
/// </summary>
public static class BufferPool
{
    /// <summary>Arrays below this size come from the ordinary heap: young small arrays are already cheap.</summary>
    public const int MinBytes = 64 * 1024;

    /// <summary>
    /// Bytes rented between collections (or the live estimate, when larger): like the GC's own allocation budget, it
    /// bounds the memory held by dead tensors at about this much.
    /// </summary>
    private const long CollectBudgetBytes = 128L << 20;

    /// <summary>Most bytes kept idle in the pool; returns beyond it are left to the GC.</summary>
    private static readonly long IdleCapBytes = Math.Clamp(GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / 8, 64L << 20, 2L << 30);

    /// <summary>Buckets not rented from for this many safe-point drains are released.</summary>
    private const int IdleEpochs = 64;

    private sealed class Bucket
    {
        public readonly Stack<Array> Arrays = new();
        public long ArrayBytes, LastUseEpoch;
    }

    private static readonly object s_lock = new();
    private static readonly Dictionary<(Type, int), Bucket> s_buckets = new();
    private static List<(Array Array, long Bytes)> s_pending = new(), s_spare = new();
    private static volatile bool s_hasWork; // pending arrays to drain, or a collection wanted
    private static int s_opsInFlight;
    private static long s_epoch;
    private static long s_idleBytes;        // arrays sitting in buckets
    private static long s_outstandingBytes; // rented and not yet drained back
    private static long s_liveAfterDrain;   // outstanding bytes right after the last drain: a live estimate
    private static long s_rentedSinceCollect;
    private static long s_pendingBytes;     // handed back by finalizers, waiting for a safe point
    private static bool s_collectWanted;
    private static int s_collections;

    /// <summary>Whether a storage of this many elements should take its array from the pool.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool Pooled<T>(int length) where T : unmanaged => (long)length * Unsafe.SizeOf<T>() >= MinBytes;

    /// <summary>
    /// Where pooled elements start: at byte 2048 of a 4 KB page. Two reasons. (1) A 64-byte boundary, as PyTorch's CPU
    /// allocator aligns its blocks: vector loads never straddle a cache line more than they must, and an op's input and
    /// output line up for its aligned streaming stores. (2) Mid-page: the core matches a load against earlier stores
    /// by the low 12 address bits only, so an output that starts a few bytes after an input modulo 4 KB makes every
    /// load wait on the store just before it ("4K aliasing": a 16 MB sigmoid 20% slower). Pooled tensors all start
    /// at the same page offset (distance 0, harmless), and user arrays, whose data mostly sits near the start of a
    /// page, are half a page away. The arrays are pinned (never moved, so the placement holds) and carry 4 KB of
    /// slack, at most 6% of the smallest pooled array.
    /// </summary>
    private const int PageBytes = 4096, StartInPage = 2048;

    /// <summary>
    /// <paramref name="length"/> elements (contents undefined) starting at byte 2048 of a page, and the lease that
    /// returns their array.
    /// </summary>
    internal static Memory<T> Rent<T>(int length, out Lease lease) where T : unmanaged
    {
        int arrayLength = length + PageBytes / Unsafe.SizeOf<T>();
        long bytes = (long)arrayLength * Unsafe.SizeOf<T>();
        T[]? array = null;
        lock (s_lock)
        {
            if (s_buckets.TryGetValue((typeof(T), arrayLength), out var b))
            {
                b.LastUseEpoch = s_epoch;
                if (b.Arrays.Count > 0) { array = (T[])b.Arrays.Pop(); s_idleBytes -= bytes; }
            }
            else s_buckets[(typeof(T), arrayLength)] = new Bucket { ArrayBytes = bytes, LastUseEpoch = s_epoch };
            s_outstandingBytes += bytes;
            s_rentedSinceCollect += bytes;
            if (!s_collectWanted && s_rentedSinceCollect > Math.Max(CollectBudgetBytes, s_liveAfterDrain))
            {
                s_collectWanted = true;
                s_hasWork = true;
            }
        }
        array ??= GC.AllocateUninitializedArray<T>(arrayLength, pinned: true);
        lease = new Lease(array, bytes);
        return new Memory<T>(array, AlignedStart(array), length);
    }

    /// <summary>The first index of <paramref name="array"/> at byte 2048 of a page (0 for elements of an odd size).</summary>
    private static unsafe int AlignedStart<T>(T[] array) where T : unmanaged
    {
        int size = Unsafe.SizeOf<T>();
        int inPage = (int)((nuint)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(array)) % PageBytes);
        int gap = (StartInPage - inPage + PageBytes) % PageBytes;
        return gap % size == 0 ? gap / size : 0;
    }

    /// <summary>Marks the start of an op; at the outermost op with nothing else in flight, pending arrays join the pool.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void EnterOp()
    {
        if (Interlocked.Increment(ref s_opsInFlight) == 1 && s_hasWork) SafePoint();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void ExitOp() => Interlocked.Decrement(ref s_opsInFlight);

    /// <summary>
    /// No op is in flight, so no kernel holds a span: collect if a miss asked for it (the finalizer thread hands the
    /// dead leases back meanwhile, for the next safe point), then move the pending arrays into the pool.
    /// </summary>
    private static void SafePoint()
    {
        bool collect;
        lock (s_lock)
        {
            // The budget restarts here, so the next collection waits for another budget of rents whether or not this
            // one finds dead tensors (a natural GC may have found them first).
            collect = s_collectWanted;
            if (collect) { s_collectWanted = false; s_collections++; s_rentedSinceCollect = 0; }
        }
        if (collect) GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: false);
        Drain();
    }

    private static void Drain()
    {
        lock (s_lock)
        {
            if (s_pending.Count == 0) { s_hasWork = s_collectWanted; return; }
            (s_pending, s_spare) = (s_spare, s_pending);
            s_pendingBytes = 0;
            s_hasWork = false;
            s_epoch++;
            foreach (var (a, bytes) in s_spare)
            {
                s_outstandingBytes -= bytes;
                if (s_idleBytes + bytes > IdleCapBytes || !s_buckets.TryGetValue((a.GetType().GetElementType()!, a.Length), out var b)) continue;
                b.Arrays.Push(a);
                s_idleBytes += bytes;
            }
            s_spare.Clear();
            s_liveAfterDrain = s_outstandingBytes;
            if ((s_epoch & (IdleEpochs - 1)) == 0) ReleaseIdleBuckets();
        }
    }

    private static void ReleaseIdleBuckets()
    {
        List<(Type, int)>? stale = null;
        foreach (var (key, b) in s_buckets)
            if (s_epoch - b.LastUseEpoch > IdleEpochs) (stale ??= new()).Add(key);
        if (stale is null) return;
        foreach (var key in stale)
        {
            var b = s_buckets[key];
            s_idleBytes -= b.Arrays.Count * b.ArrayBytes;
            s_buckets.Remove(key);
        }
    }

    private static void ReturnPending(Array a, long bytes)
    {
        lock (s_lock)
        {
            // Threads that keep ops in flight all the time leave no safe point: past the cap, arrays go to the GC.
            if (s_pendingBytes + bytes > IdleCapBytes) { s_outstandingBytes -= bytes; return; }
            s_pending.Add((a, bytes));
            s_pendingBytes += bytes;
            s_hasWork = true;
        }
    }

    /// <summary>Pool statistics (for tests and diagnostics): idle bytes in the pool, bytes rented and not yet returned.</summary>
    public static (long IdleBytes, long OutstandingBytes, int Collections) Stats()
    {
        lock (s_lock) return (s_idleBytes, s_outstandingBytes, s_collections);
    }

    /// <summary>Owned by one storage; its finalizer hands the array back when the storage has died.</summary>
    internal sealed class Lease(Array array, long bytes)
    {
        private Array? _array = array;

        /// <summary>The storage's memory escaped to user code: never reuse this array.</summary>
        public void Disown()
        {
            if (_array is null) return;
            lock (s_lock) s_outstandingBytes -= bytes;
            _array = null;
            GC.SuppressFinalize(this);
        }

        ~Lease()
        {
            if (_array is { } a) ReturnPending(a, bytes);
        }
    }
}
