namespace Flint.Kernels.Cpu;

/// <summary>
/// Scalar special functions in double precision (.NET has no erf/lgamma): erf/erfc by series and continued fraction,
/// erfinv by Giles' approximation refined with Newton steps, lgamma by Lanczos, digamma/polygamma by recurrence and
/// asymptotic series. Float results are these rounded, which is within a few ulp of PyTorch's float versions.
/// </summary>
public static class SpecialFunctions
{
    private const double TwoOverSqrtPi = 1.1283791670955126;

    public static double Erf(double x)
    {
        if (double.IsNaN(x)) return x;
        double a = Math.Abs(x);
        if (a < 2.5) return ErfSeries(x);
        return Math.CopySign(1 - ErfcContinuedFraction(a), x);
    }

    public static double Erfc(double x)
    {
        if (double.IsNaN(x)) return x;
        if (x < 0.5) return 1 - Erf(x);
        if (x < 2.5) return 1 - ErfSeries(x);
        return ErfcContinuedFraction(x);
    }

    // erf(x) = 2/√π · e^{-x²} · Σ 2ⁿ x^{2n+1} / (1·3·…·(2n+1)): every term positive, so no cancellation.
    private static double ErfSeries(double x)
    {
        double x2 = x * x, term = x, sum = x;
        for (int n = 1; n < 200; n++)
        {
            term *= 2 * x2 / (2 * n + 1);
            sum += term;
            if (Math.Abs(term) < 1e-17 * Math.Abs(sum)) break;
        }
        return TwoOverSqrtPi * Math.Exp(-x2) * sum;
    }

    // erfc(x) = e^{-x²}/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + …)))) for x ≥ 2.5, by the modified Lentz method.
    private static double ErfcContinuedFraction(double x)
    {
        if (x > 27.3) return 0;
        const double tiny = 1e-300;
        double f = x, c = x, d = 0;
        for (int n = 1; n < 500; n++)
        {
            double an = n * 0.5;
            d = x + an * d; d = Math.Abs(d) < tiny ? tiny : d; d = 1 / d;
            c = x + an / c; c = Math.Abs(c) < tiny ? tiny : c;
            double delta = c * d;
            f *= delta;
            if (Math.Abs(delta - 1) < 1e-16) break;
        }
        return Math.Exp(-x * x) / (f * 1.7724538509055160);
    }

    public static double ErfInv(double y)
    {
        if (double.IsNaN(y) || y < -1 || y > 1) return double.NaN;
        if (y == 1) return double.PositiveInfinity;
        if (y == -1) return double.NegativeInfinity;
        // Giles (2010), single-precision initial guess …
        double w = -Math.Log((1 - y) * (1 + y)), p;
        if (w < 5)
        {
            w -= 2.5;
            p = 2.81022636e-08; p = 3.43273939e-07 + p * w; p = -3.5233877e-06 + p * w; p = -4.39150654e-06 + p * w;
            p = 0.00021858087 + p * w; p = -0.00125372503 + p * w; p = -0.00417768164 + p * w; p = 0.246640727 + p * w;
            p = 1.50140941 + p * w;
        }
        else
        {
            w = Math.Sqrt(w) - 3;
            p = -0.000200214257; p = 0.000100950558 + p * w; p = 0.00134934322 + p * w; p = -0.00367342844 + p * w;
            p = 0.00573950773 + p * w; p = -0.0076224613 + p * w; p = 0.00943887047 + p * w; p = 1.00167406 + p * w;
            p = 2.83297682 + p * w;
        }
        double x = p * y;
        // … then Newton steps on erf(x) − y, which converge quadratically to double precision.
        for (int i = 0; i < 3; i++)
        {
            double err = (Math.Abs(x) > 2 && Math.Abs(y) > 0.5 ? Math.CopySign(1 - Erfc(Math.Abs(x)), x) : Erf(x)) - y;
            double deriv = TwoOverSqrtPi * Math.Exp(-x * x);
            if (deriv == 0) break;
            x -= err / deriv;
        }
        return x;
    }

    private static readonly double[] Lanczos =
    [
        0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
        12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
    ];

    /// <summary>log|Γ(x)|.</summary>
    public static double Lgamma(double x)
    {
        if (double.IsNaN(x)) return x;
        if (double.IsInfinity(x)) return double.PositiveInfinity;
        if (x <= 0 && x == Math.Floor(x)) return double.PositiveInfinity;
        if (x == 1 || x == 2) return 0;
        if (x < 0.5)
        {
            // reflection: Γ(x)Γ(1−x) = π / sin(πx)
            double s = Math.Sin(Math.PI * (x - 2 * Math.Floor(x / 2)));
            return Math.Log(Math.PI / Math.Abs(s)) - Lgamma(1 - x);
        }
        if (x > 1e7) return (x - 0.5) * Math.Log(x) - x + 0.91893853320467274 + 1 / (12 * x);
        x -= 1;
        double a = Lanczos[0], t = x + 7.5;
        for (int i = 1; i < 9; i++) a += Lanczos[i] / (x + i);
        return 0.91893853320467274 + (x + 0.5) * Math.Log(t) - t + Math.Log(a);
    }

    /// <summary>ψ(x) = d/dx log Γ(x), with PyTorch's conventions: ψ(±0) = ∓inf, NaN at negative integers.</summary>
    public static double Digamma(double x)
    {
        if (double.IsNaN(x)) return x;
        if (x == 0) return Math.CopySign(double.PositiveInfinity, -x);
        if (x < 0)
        {
            if (x == Math.Floor(x)) return double.NaN;
            // ψ(1−x) − ψ(x) = π cot(πx)
            double r = x - Math.Floor(x);
            return Digamma(1 - x) - Math.PI / Math.Tan(Math.PI * r);
        }
        if (double.IsPositiveInfinity(x)) return x;
        double result = 0;
        while (x < 10) { result -= 1 / x; x += 1; }
        double f = 1 / (x * x);
        double series = f * (1.0 / 12 - f * (1.0 / 120 - f * (1.0 / 252 - f * (1.0 / 240 - f * (1.0 / 132 - f * (691.0 / 32760 - f / 12))))));
        return result + Math.Log(x) - 0.5 / x - series;
    }

    private static readonly double[] Bernoulli2k = [1.0 / 6, -1.0 / 30, 1.0 / 42, -1.0 / 30, 5.0 / 66, -691.0 / 2730, 7.0 / 6, -3617.0 / 510];

    /// <summary>ψ⁽ⁿ⁾(x) for n ≥ 1: (−1)ⁿ⁺¹ n! ζ(n+1, x), the Hurwitz zeta by Euler–Maclaurin summation.</summary>
    public static double Polygamma(int n, double x)
    {
        if (n == 0) return Digamma(x);
        if (double.IsNaN(x)) return x;
        if (x <= 0 && x == Math.Floor(x)) return n % 2 == 1 ? double.PositiveInfinity : double.NaN;
        double fact = 1;
        for (int i = 2; i <= n; i++) fact *= i;
        double sign = n % 2 == 1 ? 1 : -1;
        return sign * fact * HurwitzZeta(n + 1, x);
    }

    private static double HurwitzZeta(double s, double q)
    {
        if (q < 0)
        {
            // shift q up to positive values term by term (s is an integer ≥ 2 here)
            double acc = 0;
            while (q < 0) { acc += Math.Pow(q, -s); q += 1; }
            return acc + HurwitzZeta(s, q);
        }
        const int N = 12;
        double sum = 0;
        for (int k = 0; k < N; k++) sum += Math.Pow(q + k, -s);
        double a = q + N;
        sum += Math.Pow(a, 1 - s) / (s - 1) + 0.5 * Math.Pow(a, -s);
        // Σ B₂ⱼ/(2j)! · s(s+1)…(s+2j−2) · a^{−s−2j+1}
        double fac = s * Math.Pow(a, -s - 1), factorial = 2;
        for (int j = 0; j < Bernoulli2k.Length; j++)
        {
            sum += Bernoulli2k[j] / factorial * fac;
            fac *= (s + 2 * j + 1) * (s + 2 * j + 2) / (a * a);
            factorial *= (2 * j + 3) * (2 * j + 4);
        }
        return sum;
    }
}
