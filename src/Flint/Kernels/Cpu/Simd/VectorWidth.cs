using System.Runtime.Intrinsics;

namespace Flint.Kernels.Cpu;

/// <summary>
/// Which vector width the kernels written over <see cref="IVec{TSelf,T}"/> run with: Vector512 where the hardware
/// accelerates it (AVX-512; the runtime reports false where it would throttle, or under DOTNET_EnableAVX512F=0),
/// else Vector256. Read once per kernel call, not per element.
/// </summary>
internal static class VectorWidth
{
    /// <summary>
    /// Whether to use Vector512. Tests turn it off to run the Vector256 path on an AVX-512 machine (both widths give
    /// identical results lane by lane); it cannot be turned on without the hardware.
    /// </summary>
    public static bool Use512
    {
        get => s_use512;
        set => s_use512 = value && Vector512.IsHardwareAccelerated;
    }

    static bool s_use512 = Vector512.IsHardwareAccelerated;
}
