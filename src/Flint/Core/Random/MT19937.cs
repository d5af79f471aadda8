using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Flint;

/// <summary>
/// The 32-bit Mersenne Twister exactly as ATen's <c>at::mt19937</c> (MT19937RNGEngine.h):
/// Matsumoto–Nishimura seeding from the low 32 bits of the seed (the full 64-bit seed is kept
/// for <c>initial_seed()</c>), Cokus-style twist, "left"/"next" counters laid out as in
/// <c>mt19937_data_pod</c> so the state round-trips through PyTorch's <c>get_rng_state()</c> bytes.
/// </summary>
internal sealed class MT19937
{
    public const int N = 624;
    const int M = 397;
    const uint MatrixA = 0x9908b0dfu;
    const uint UMask = 0x80000000u;
    const uint LMask = 0x7fffffffu;

    public readonly uint[] State = new uint[N];
    public ulong Seed;
    public int Left;
    public bool Seeded;
    public uint Next;

    public MT19937(ulong seed) => Init(seed);

    public void Init(ulong seed)
    {
        Seed = seed;
        Seeded = true;
        var s = State;
        s[0] = (uint)seed;
        for (int j = 1; j < N; j++)
            s[j] = 1812433253u * (s[j - 1] ^ (s[j - 1] >> 30)) + (uint)j;
        Left = 1;
        Next = 0;
    }

    public bool IsValid => Seeded && Left > 0 && Left <= N && Next <= N;

    public void CopyFrom(MT19937 other)
    {
        Array.Copy(other.State, State, N);
        Seed = other.Seed; Left = other.Left; Seeded = other.Seeded; Next = other.Next;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public uint NextUInt32()
    {
        if (--Left == 0) NextState();
        return Temper(State[Next++]);
    }

    /// <summary>The next <c>dst.Length</c> outputs, exactly as that many <see cref="NextUInt32"/> calls.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Fill(Span<uint> dst)
    {
        int k = 0, n = dst.Length;
        while (k < n)
        {
            int avail = Left - 1;
            if (avail == 0)
            {
                NextState();           // Left = N, Next = 0; this draw keeps Left at N
                dst[k++] = Temper(State[Next++]);
                continue;
            }
            int c = Math.Min(avail, n - k);
            TemperBlock(State.AsSpan((int)Next, c), dst.Slice(k, c));
            Next += (uint)c;
            Left -= c;
            k += c;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static uint Temper(uint y)
    {
        y ^= y >> 11;
        y ^= (y << 7) & 0x9d2c5680u;
        y ^= (y << 15) & 0xefc60000u;
        y ^= y >> 18;
        return y;
    }

    static void TemperBlock(ReadOnlySpan<uint> src, Span<uint> dst)
    {
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            ref uint s = ref MemoryMarshal.GetReference(src);
            ref uint d = ref MemoryMarshal.GetReference(dst);
            var m1 = Vector256.Create(0x9d2c5680u);
            var m2 = Vector256.Create(0xefc60000u);
            for (; i <= src.Length - 8; i += 8)
            {
                var y = Vector256.LoadUnsafe(ref s, (nuint)i);
                y ^= Vector256.ShiftRightLogical(y, 11);
                y ^= Vector256.ShiftLeft(y, 7) & m1;
                y ^= Vector256.ShiftLeft(y, 15) & m2;
                y ^= Vector256.ShiftRightLogical(y, 18);
                y.StoreUnsafe(ref d, (nuint)i);
            }
        }
        for (; i < src.Length; i++) dst[i] = Temper(src[i]);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static uint Twist(uint u, uint v) => (((u & UMask) | (v & LMask)) >> 1) ^ ((v & 1) != 0 ? MatrixA : 0u);

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    void NextState()
    {
        var s = State;
        Left = N;
        Next = 0;
        int p = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            // s[p] depends on s[p], s[p+1] (not yet rewritten) and s[p+M] (first loop) or
            // s[p+M-N] (second loop, already rewritten 227 places back): 8 lanes at a time is safe.
            ref uint b = ref MemoryMarshal.GetArrayDataReference(s);
            var um = Vector256.Create(UMask); var lm = Vector256.Create(LMask);
            var ma = Vector256.Create(MatrixA); var one = Vector256.Create(1u);
            for (; p + 8 <= N - M; p += 8)
                Vector256.StoreUnsafe(TwistV(Vector256.LoadUnsafe(ref b, (nuint)(p + M)), Vector256.LoadUnsafe(ref b, (nuint)p),
                    Vector256.LoadUnsafe(ref b, (nuint)(p + 1)), um, lm, ma, one), ref b, (nuint)p);
            for (; p < N - M; p++) s[p] = s[p + M] ^ Twist(s[p], s[p + 1]);
            for (; p + 8 <= N - 1; p += 8)
                Vector256.StoreUnsafe(TwistV(Vector256.LoadUnsafe(ref b, (nuint)(p + M - N)), Vector256.LoadUnsafe(ref b, (nuint)p),
                    Vector256.LoadUnsafe(ref b, (nuint)(p + 1)), um, lm, ma, one), ref b, (nuint)p);
        }
        for (; p < N - M; p++) s[p] = s[p + M] ^ Twist(s[p], s[p + 1]);
        for (; p < N - 1; p++) s[p] = s[p + M - N] ^ Twist(s[p], s[p + 1]);
        s[p] = s[p + M - N] ^ Twist(s[p], s[0]);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static Vector256<uint> TwistV(Vector256<uint> far, Vector256<uint> u, Vector256<uint> v,
        Vector256<uint> um, Vector256<uint> lm, Vector256<uint> ma, Vector256<uint> one)
        => far ^ Vector256.ShiftRightLogical((u & um) | (v & lm), 1) ^ (ma & Vector256.Equals(v & one, one));
}
