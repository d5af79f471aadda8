namespace Flint;

public static partial class Torch
{
    /// <summary><c>torch.manual_seed(seed)</c>: seeds the default CPU generator and returns it.
    /// A negative seed is taken modulo 2^64, as PyTorch does.</summary>
    public static Generator ManualSeed(long seed) => Generator.Default.ManualSeed(unchecked((ulong)seed));

    /// <summary><c>torch.seed()</c>: reseeds the default generator non-deterministically and returns the seed.</summary>
    public static ulong Seed() => Generator.Default.Seed();

    /// <summary><c>torch.initial_seed()</c>.</summary>
    public static ulong InitialSeed() => Generator.Default.InitialSeed;

    /// <summary><c>torch.get_rng_state()</c> (PyTorch's 5056-byte CPU state).</summary>
    public static byte[] GetRngState() => Generator.Default.GetState();

    /// <summary><c>torch.set_rng_state(state)</c>.</summary>
    public static void SetRngState(byte[] state) => Generator.Default.SetState(state);
}
