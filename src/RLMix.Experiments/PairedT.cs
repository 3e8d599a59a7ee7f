using MathNet.Numerics.Distributions;

namespace RLMix.Experiments;

/// <summary>
/// The paired t-test of an entry against the baseline over the seeds both ran: a seed fixes the
/// initialization and the data order for every entry, so the per-seed difference removes that shared
/// variation (Welch's test, on the two samples, keeps it).
/// </summary>
public static class PairedT
{
    /// <summary>The difference in top-1 error (points) whose detection <see cref="PairedResult.SeedsToDetect"/> plans for.</summary>
    public const double DetectDifference = 0.5;

    /// <summary>
    /// Differences <c>entry[s] - baseline[s]</c> for every seed s in both, their mean, the two-sided
    /// <paramref name="level"/> confidence interval and p-value with n - 1 degrees of freedom, and the
    /// seeds needed to detect <paramref name="detect"/> at the differences' standard deviation.
    /// Fewer than two pairs: no interval, p-value or standard deviation (NaN); no pair: mean NaN.
    /// </summary>
    public static PairedResult Test(IReadOnlyDictionary<long, double> entry, IReadOnlyDictionary<long, double> baseline,
        double level = 0.95, double detect = DetectDifference)
    {
        var differences = entry.Keys.Where(baseline.ContainsKey).Order()
            .Select(s => new SeedDifference(s, entry[s] - baseline[s])).ToList();
        int n = differences.Count;
        if (n == 0) return new PairedResult(differences, 0, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN, null, detect);
        double mean = differences.Average(d => d.Difference);
        if (n < 2) return new PairedResult(differences, n, mean, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN, null, detect);

        double sd = Math.Sqrt(Welch.Variance(differences.Select(d => d.Difference).ToList()));
        double df = n - 1;
        int seeds = SeedsToDetect(sd, detect, 1 - level);
        double se = sd / Math.Sqrt(n);
        if (se == 0) return new PairedResult(differences, n, mean, 0, mean, mean, df, mean == 0 ? 1.0 : 0.0, seeds, detect);
        double p = 2 * (1 - StudentT.CDF(0, 1, df, Math.Abs(mean / se)));
        double q = StudentT.InvCDF(0, 1, df, 1 - (1 - level) / 2);
        return new PairedResult(differences, n, mean, sd, mean - q * se, mean + q * se, df, p, seeds, detect);
    }

    /// <summary>
    /// The smallest number of seeds n &gt;= 2 with n &gt;= ((t(1 - alpha/2; n - 1) + t(power; n - 1)) sd / delta)^2:
    /// the paired t-test's sample size for a true mean difference <paramref name="delta"/> when the
    /// differences' standard deviation is <paramref name="sd"/> (two-sided level <paramref name="alpha"/>;
    /// the t-quantile form of n = ((z(1 - alpha/2) + z(power)) sd / delta)^2, iterated because the
    /// quantiles depend on n).
    /// </summary>
    public static int SeedsToDetect(double sd, double delta, double alpha = 0.05, double power = 0.8)
    {
        if (!(sd >= 0) || !(delta > 0)) throw new ArgumentOutOfRangeException(nameof(sd), "sd must be >= 0 and delta > 0.");
        double ratio = sd / delta;
        // The t-quantiles exceed the normal ones, so the normal-approximation n is a lower bound to start from.
        double z = Normal.InvCDF(0, 1, 1 - alpha / 2) + Normal.InvCDF(0, 1, power);
        int n = Math.Max(2, (int)Math.Min(int.MaxValue / 2, Math.Ceiling(z * z * ratio * ratio)));
        while (true)
        {
            double t = StudentT.InvCDF(0, 1, n - 1, 1 - alpha / 2) + StudentT.InvCDF(0, 1, n - 1, power);
            if (n >= t * t * ratio * ratio || n >= int.MaxValue / 2) return n;
            n++;
        }
    }
}

/// <summary>One seed's difference, entry minus baseline.</summary>
public sealed record SeedDifference(long Seed, double Difference);

/// <summary>The paired comparison of an entry with the baseline over their common seeds.</summary>
/// <param name="Differences">Per seed present in both: entry minus baseline.</param>
/// <param name="Pairs">The number of common seeds n.</param>
/// <param name="Mean">Mean difference (NaN without a common seed).</param>
/// <param name="Sd">Standard deviation of the differences (n - 1; NaN with fewer than 2 pairs).</param>
/// <param name="Low">Lower end of the confidence interval (NaN with fewer than 2 pairs).</param>
/// <param name="High">Upper end of the confidence interval.</param>
/// <param name="DegreesOfFreedom">n - 1.</param>
/// <param name="PValue">Two-sided p-value of mean difference 0.</param>
/// <param name="SeedsToDetect">Seeds a paired t-test needs to detect <paramref name="DetectDifference"/> at the measured <paramref name="Sd"/> (alpha 0.05 two-sided, power 0.8); null with fewer than 2 pairs.</param>
/// <param name="DetectDifference">The difference <paramref name="SeedsToDetect"/> is planned for, in points of top-1 error.</param>
public sealed record PairedResult(IReadOnlyList<SeedDifference> Differences, int Pairs, double Mean, double Sd, double Low, double High,
    double DegreesOfFreedom, double PValue, int? SeedsToDetect, double DetectDifference);
