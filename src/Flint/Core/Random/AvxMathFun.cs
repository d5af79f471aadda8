using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Flint;

/// <summary>
/// Bit-exact scalar model of the Cephes-style <c>log256_ps</c> / <c>sincos256_ps</c> from
/// ATen's <c>native/cpu/avx_mathfun.h</c> (Pommier / Garberoglio), which PyTorch's AVX2
/// <c>normal_fill_16_AVX2</c> uses for float32 <c>randn</c> of 16 or more contiguous elements.
/// ATen's AVX2 kernels are compiled by GCC with <c>-mavx2 -mfma</c> and the default
/// <c>-ffp-contract=fast</c>; GCC's intrinsics are plain vector arithmetic, so every multiply
/// whose only use is an add/sub is fused into an FMA. The <c>Fma</c> calls below mark exactly
/// those places (checked against torch 1.13 output).
/// </summary>
internal static class AvxMathFun
{
    const float SQRTHF = 0.707106781186547524f;
    const float LogP0 = 7.0376836292E-2f, LogP1 = -1.1514610310E-1f, LogP2 = 1.1676998740E-1f,
        LogP3 = -1.2420140846E-1f, LogP4 = +1.4249322787E-1f, LogP5 = -1.6668057665E-1f,
        LogP6 = +2.0000714765E-1f, LogP7 = -2.4999993993E-1f, LogP8 = +3.3333331174E-1f,
        LogQ1 = -2.12194440e-4f, LogQ2 = 0.693359375f;

    const float DP1 = -0.78515625f, DP2 = -2.4187564849853515625e-4f, DP3 = -3.77489497744594108e-8f;
    const float SinP0 = -1.9515295891E-4f, SinP1 = 8.3321608736E-3f, SinP2 = -1.6666654611E-1f;
    const float CosP0 = 2.443315711809948E-005f, CosP1 = -1.388731625493765E-003f, CosP2 = 4.166664568298827E-002f;
    const float FOPI = 1.27323954473516f;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static float Fma(float a, float b, float c) => MathF.FusedMultiplyAdd(a, b, c);

    /// <summary>log256_ps for one lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Log(float x)
    {
        bool invalid = x <= 0f; // _CMP_LE_OS (false for NaN)
        x = MathF.Max(x, BitConverter.Int32BitsToSingle(0x00800000)); // _mm256_max_ps(x, min_norm): NaN x -> min_norm
        if (float.IsNaN(x)) x = BitConverter.Int32BitsToSingle(0x00800000);
        int bits = BitConverter.SingleToInt32Bits(x);
        int imm0 = (int)((uint)bits >> 23);
        x = BitConverter.Int32BitsToSingle((bits & ~0x7f800000) | BitConverter.SingleToInt32Bits(0.5f));
        imm0 -= 0x7f;
        float e = (float)imm0;
        e += 1f;
        bool mask = x < SQRTHF;
        float tmp = mask ? x : 0f;
        x -= 1f;
        e -= mask ? 1f : 0f;
        x += tmp;
        float z = x * x;
        float y = Fma(LogP0, x, LogP1);
        y = Fma(y, x, LogP2);
        y = Fma(y, x, LogP3);
        y = Fma(y, x, LogP4);
        y = Fma(y, x, LogP5);
        y = Fma(y, x, LogP6);
        y = Fma(y, x, LogP7);
        y = Fma(y, x, LogP8);
        y = y * x;
        y = Fma(y, z, e * LogQ1);
        y = Fma(-z, 0.5f, y);
        x = Fma(e, LogQ2, x + y);
        return invalid ? BitConverter.Int32BitsToSingle(-1) : x; // x | all-ones mask
    }

    /// <summary>sincos256_ps for one lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void SinCos(float xin, out float s, out float c)
    {
        int signSin = BitConverter.SingleToInt32Bits(xin) & unchecked((int)0x80000000);
        float x = MathF.Abs(xin);
        float y = x * FOPI;
        int imm2 = CvttToInt32(y);
        imm2 = (imm2 + 1) & ~1;
        y = (float)imm2;
        int imm4 = imm2;
        int swapSignSin = (imm2 & 4) << 29;
        bool polyMask = (imm2 & 2) == 0;
        x = Fma(y, DP1, x);
        x = Fma(y, DP2, x);
        x = Fma(y, DP3, x);
        imm4 -= 2;
        imm4 = ~imm4 & 4;
        int signCos = imm4 << 29;
        signSin ^= swapSignSin;

        float z = x * x;
        float yc = Fma(CosP0, z, CosP1);
        yc = Fma(yc, z, CosP2);
        yc = yc * z;
        yc = Fma(yc, z, -(z * 0.5f));
        yc += 1f;

        float y2 = Fma(SinP0, z, SinP1);
        y2 = Fma(y2, z, SinP2);
        y2 = y2 * z;
        y2 = Fma(y2, x, x);

        float ysin2 = polyMask ? y2 : 0f;
        float ysin1 = polyMask ? 0f : yc;
        y2 -= ysin2;
        yc -= ysin1;
        float r1 = ysin1 + ysin2;
        float r2 = yc + y2;
        s = BitConverter.Int32BitsToSingle(BitConverter.SingleToInt32Bits(r1) ^ signSin);
        c = BitConverter.Int32BitsToSingle(BitConverter.SingleToInt32Bits(r2) ^ signCos);
    }

    /// <summary>_mm256_cvttps_epi32: truncation, 0x80000000 for NaN / out of range.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static int CvttToInt32(float v)
        => (v >= -2147483648f && v < 2147483648f) ? (int)v : int.MinValue;

    // ------------------------------------------------------------- 8 lanes at a time (same operations)

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static Vector256<float> Fma(Vector256<float> a, Vector256<float> b, Vector256<float> c) => Vector256.FusedMultiplyAdd(a, b, c);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static Vector256<float> C(float v) => Vector256.Create(v);

    /// <summary>log256_ps. Inputs here are in (0, 1], so the NaN/negative handling is the scalar model's.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Log(Vector256<float> x)
    {
        var one = C(1f);
        var invalid = Vector256.LessThanOrEqual(x, Vector256<float>.Zero);
        x = Vector256.ConditionalSelect(Vector256.GreaterThan(x, Vector256.Create(0x00800000).AsSingle()), x,
            Vector256.Create(0x00800000).AsSingle());
        var bits = x.AsInt32();
        var imm0 = Vector256.ShiftRightLogical(bits, 23);
        x = ((bits & Vector256.Create(~0x7f800000)) | C(0.5f).AsInt32()).AsSingle();
        imm0 -= Vector256.Create(0x7f);
        var e = Vector256.ConvertToSingle(imm0) + one;
        var mask = Vector256.LessThan(x, C(SQRTHF));
        var tmp = x & mask;
        x -= one;
        e -= one & mask;
        x += tmp;
        var z = x * x;
        var y = Fma(C(LogP0), x, C(LogP1));
        y = Fma(y, x, C(LogP2));
        y = Fma(y, x, C(LogP3));
        y = Fma(y, x, C(LogP4));
        y = Fma(y, x, C(LogP5));
        y = Fma(y, x, C(LogP6));
        y = Fma(y, x, C(LogP7));
        y = Fma(y, x, C(LogP8));
        y *= x;
        y = Fma(y, z, e * C(LogQ1));
        y = Fma(-z, C(0.5f), y);
        x = Fma(e, C(LogQ2), x + y);
        return x | invalid; // invalid lanes become NaN (all ones)
    }

    /// <summary>sincos256_ps.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void SinCos(Vector256<float> xin, out Vector256<float> s, out Vector256<float> c)
    {
        var signMask = Vector256.Create(unchecked((int)0x80000000)).AsSingle();
        var signSin = xin & signMask;
        var x = Vector256.AndNot(xin, signMask);
        var y = x * C(FOPI);
        var imm2 = Vector256.ConvertToInt32Native(y);
        imm2 = (imm2 + Vector256.Create(1)) & Vector256.Create(~1);
        y = Vector256.ConvertToSingle(imm2);
        var imm4 = imm2;
        var swapSignSin = Vector256.ShiftLeft(imm2 & Vector256.Create(4), 29).AsSingle();
        var polyMask = Vector256.Equals(imm2 & Vector256.Create(2), Vector256<int>.Zero).AsSingle();
        x = Fma(y, C(DP1), x);
        x = Fma(y, C(DP2), x);
        x = Fma(y, C(DP3), x);
        imm4 -= Vector256.Create(2);
        imm4 = Vector256.AndNot(Vector256.Create(4), imm4);
        var signCos = Vector256.ShiftLeft(imm4, 29).AsSingle();
        signSin ^= swapSignSin;

        var z = x * x;
        var yc = Fma(C(CosP0), z, C(CosP1));
        yc = Fma(yc, z, C(CosP2));
        yc *= z;
        yc = Fma(yc, z, -(z * C(0.5f)));
        yc += C(1f);

        var y2 = Fma(C(SinP0), z, C(SinP1));
        y2 = Fma(y2, z, C(SinP2));
        y2 *= z;
        y2 = Fma(y2, x, x);

        var ysin2 = polyMask & y2;
        var ysin1 = Vector256.AndNot(yc, polyMask);
        y2 -= ysin2;
        yc -= ysin1;
        s = (ysin1 + ysin2) ^ signSin;
        c = (yc + y2) ^ signCos;
    }
}
