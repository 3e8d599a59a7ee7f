using MathNet.Numerics.Distributions;

namespace RLMix.Experiments;

/// <summary>Welch's unequal-variance t-test for the difference of two means, with its confidence interval.</summary>
public static class Welch
{
    /// <summary>
    /// Compares sample <paramref name="a"/> with sample <paramref name="b"/>: difference of means a - b,
    /// the two-sided <paramref name="level"/> confidence interval and p-value, with Welch-Satterthwaite
    /// degrees of freedom. Needs at least two values in each sample; otherwise the interval and p are NaN.
    /// </summary>
    public static WelchResult Test(IReadOnlyList<double> a, IReadOnlyList<double> b, double level = 0.95)
    {
        double diff = a.Average() - b.Average();
        if (a.Count < 2 || b.Count < 2) return new WelchResult(diff, double.NaN, double.NaN, double.NaN, double.NaN);
        double va = Variance(a) / a.Count, vb = Variance(b) / b.Count;
        double se = Math.Sqrt(va + vb);
        if (se == 0) return new WelchResult(diff, diff, diff, double.PositiveInfinity, diff == 0 ? 1.0 : 0.0);
        double df = (va + vb) * (va + vb) / (va * va / (a.Count - 1) + vb * vb / (b.Count - 1));
        double t = diff / se;
        double p = 2 * (1 - StudentT.CDF(0, 1, df, Math.Abs(t)));
        double q = StudentT.InvCDF(0, 1, df, 1 - (1 - level) / 2);
        return new WelchResult(diff, diff - q * se, diff + q * se, df, p);
    }

    /// <summary>Sample variance (n - 1 in the denominator).</summary>
    public static double Variance(IReadOnlyList<double> xs)
    {
        double mean = xs.Average();
        return xs.Sum(x => (x - mean) * (x - mean)) / (xs.Count - 1);
    }
}

/// <summary>Difference of means with its confidence interval, degrees of freedom and two-sided p-value.</summary>
public sealed record WelchResult(double Difference, double Low, double High, double DegreesOfFreedom, double PValue);
