using System.Runtime.CompilerServices;

namespace Flint.Kernels.Cpu;

// VMath's float functions as type arguments, for kernels generic over the element type to call through
// IVec.ApplyAsFloat (they run only when that type is float).

/// <summary><see cref="VMath.ExpF{TV}"/>.</summary>
internal struct ExpFunction : IFloatVectorFunction
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static TV Invoke<TV>(TV x) where TV : struct, IVec<TV, float> => VMath.ExpF(x);
}

/// <summary><see cref="VMath.ExpFast{TV}"/>.</summary>
internal struct ExpFastFunction : IFloatVectorFunction
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static TV Invoke<TV>(TV x) where TV : struct, IVec<TV, float> => VMath.ExpFast(x);
}

/// <summary><see cref="VMath.SigmoidF{TV}"/>.</summary>
internal struct SigmoidFunction : IFloatVectorFunction
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static TV Invoke<TV>(TV x) where TV : struct, IVec<TV, float> => VMath.SigmoidF(x);
}

/// <summary><see cref="VMath.Erf{TV}"/>.</summary>
internal struct ErfFunction : IFloatVectorFunction
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static TV Invoke<TV>(TV x) where TV : struct, IVec<TV, float> => VMath.Erf(x);
}

/// <summary><see cref="VMath.Gelu{TV}"/>.</summary>
internal struct GeluFunction : IFloatVectorFunction
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static TV Invoke<TV>(TV x) where TV : struct, IVec<TV, float> => VMath.Gelu(x);
}
