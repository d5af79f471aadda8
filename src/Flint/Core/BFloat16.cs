using System.Runtime.CompilerServices;

namespace Flint;

/// <summary>bfloat16: the upper 16 bits of a float32. Conversion from float rounds to nearest even, as PyTorch does.</summary>
public readonly struct BFloat16 : IEquatable<BFloat16>, IComparable<BFloat16>
{
    public readonly ushort Bits;
    private BFloat16(ushort bits, bool _) => Bits = bits;
    public static BFloat16 FromBits(ushort bits) => new(bits, true);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static explicit operator BFloat16(float f)
    {
        uint u = BitConverter.SingleToUInt32Bits(f);
        if (float.IsNaN(f)) return new((ushort)((u >> 16) | 0x40), true); // keep it a quiet NaN
        uint rounding = 0x7FFFu + ((u >> 16) & 1u);
        return new((ushort)((u + rounding) >> 16), true);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static explicit operator float(BFloat16 b) => BitConverter.UInt32BitsToSingle((uint)b.Bits << 16);
    public static explicit operator double(BFloat16 b) => (float)b;
    public static explicit operator BFloat16(double d) => (BFloat16)(float)d;

    public bool Equals(BFloat16 other) => (float)this == (float)other;
    public override bool Equals(object? obj) => obj is BFloat16 b && Equals(b);
    public override int GetHashCode() => ((float)this).GetHashCode();
    public int CompareTo(BFloat16 other) => ((float)this).CompareTo((float)other);
    public override string ToString() => ((float)this).ToString();
}
