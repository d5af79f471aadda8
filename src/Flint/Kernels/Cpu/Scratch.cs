namespace Flint.Kernels.Cpu;

/// <summary>
/// Per-thread reusable work buffers for kernels (im2col columns, partial sums): a kernel asks for a numbered slot,
/// so two buffers it needs at once never alias, and once warm a call allocates nothing (fresh large arrays cost page
/// faults on every call). A buffer is valid until the same thread asks for the same slot again.
/// </summary>
internal static unsafe class Scratch<T> where T : unmanaged
{
    public const int Slots = 4;
    [ThreadStatic] private static PackBuffer<T>[]? t_slots;

    /// <summary>A 64-byte-aligned buffer of at least <paramref name="count"/> elements (contents undefined).</summary>
    public static T* Get(int slot, int count)
    {
        var slots = t_slots ??= new PackBuffer<T>[Slots];
        return (slots[slot] ??= new PackBuffer<T>()).Get(count);
    }
}
