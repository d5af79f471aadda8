using System.Runtime.CompilerServices;

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
        uint y = State[Next++];
        y ^= y >> 11;
        y ^= (y << 7) & 0x9d2c5680u;
        y ^= (y << 15) & 0xefc60000u;
        y ^= y >> 18;
        return y;
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
        for (; p < N - M; p++) s[p] = s[p + M] ^ Twist(s[p], s[p + 1]);
        for (; p < N - 1; p++) s[p] = s[p + M - N] ^ Twist(s[p], s[p + 1]);
        s[p] = s[p + M - N] ^ Twist(s[p], s[0]);
    }
}
