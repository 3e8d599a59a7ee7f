using System.Globalization;

namespace RLMix.Experiments.Benchmarks;

/// <summary>
/// When the warm-up of <c>rlmix bench</c> stops: after a round in which, for every timed entry, the median
/// of its last <see cref="Window"/> warm-up values differs from the median of the <see cref="Window"/>
/// before them by no more than the rounds' own noise can explain, i.e. no drift (JIT, allocator and
/// oneDNN primitive caches settling) is left that the measurement could see; or after
/// <see cref="MaxRounds"/> rounds, whichever comes first. The values are what the report uses: each
/// entry's per-round ratios to the reference where there is one, else its per-step times.
/// <para>
/// The noise is estimated from the successive differences of the last 2 x <see cref="Window"/> values
/// (σ = median |x[k+1] - x[k]| / (√2 · 0.6745), robust to an outlying round): a slow drift adds little to
/// one round's difference but <see cref="Window"/> times as much to the gap between the windows, so it
/// is still caught. A fixed tolerance cannot do this: 5% between medians of 3 raw times was never met on
/// the idle 2-core machine (round-to-round spread about 10-15%), and no fixed value fits both a 80 ms
/// step and a 0.1 ms mixer.
/// </para>
/// </summary>
/// <param name="Window">Rounds in each of the two compared windows. The default value is 3.</param>
/// <param name="Z">Largest gap between the windows' medians, in standard errors of that gap (σ · 1.2533 · √(2 / Window), the median's standard error for normal noise). The default value is 2.</param>
/// <param name="MinTolerance">Gap (relative to the earlier window's median) that always counts as stable, for nearly noiseless values. The default value is 0.02.</param>
/// <param name="MaxRounds">Cap on warm-up rounds (the run then goes on and records that it was not stable). The default value is 12.</param>
public sealed record WarmupCriterion(int Window = 3, double Z = 2, double MinTolerance = 0.02, int MaxRounds = 12)
{
    // Median |difference| of two independent normal values with standard deviation σ is 0.6745 · √2 · σ.
    const double MedianAbsDifferencePerSigma = 0.674489750196 * 1.41421356237;
    // Asymptotic standard error of the median of n normal values: √(π/2) · σ / √n.
    const double MedianStandardErrorFactor = 1.25331413732;

    /// <summary>Whether one entry's warm-up values (in round order) are stable by this criterion.</summary>
    public bool IsStable(IReadOnlyList<double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Count < 2 * Window) return false;
        var recent = values.Skip(values.Count - 2 * Window).ToList();
        var before = BenchStatistics.Median(recent.Take(Window).ToList());
        var last = BenchStatistics.Median(recent.Skip(Window).ToList());
        return Math.Abs(last - before) <= Tolerance(recent, before);
    }

    /// <summary>The largest gap between the windows' medians still counted as stable, for the last 2 x <see cref="Window"/> values <paramref name="recent"/>.</summary>
    public double Tolerance(IReadOnlyList<double> recent, double reference)
    {
        ArgumentNullException.ThrowIfNull(recent);
        var sigma = recent.Count < 2 ? 0 : BenchStatistics.Median(recent.Zip(recent.Skip(1), (a, b) => Math.Abs(b - a)).ToList()) / MedianAbsDifferencePerSigma;
        var standardError = MedianStandardErrorFactor * sigma * Math.Sqrt(2.0 / Window);
        return Math.Max(MinTolerance * Math.Abs(reference), Z * standardError);
    }

    /// <summary>The criterion in words, for the report; <paramref name="series"/> names what is judged.</summary>
    public string Describe(string series) =>
        $"{series}: median of the last {Window} warm-up rounds within {Z.ToString("0.##", CultureInfo.InvariantCulture)} standard errors "
        + $"(from the round-to-round differences; at least {(MinTolerance * 100).ToString("0.##", CultureInfo.InvariantCulture)}%) of the median of the {Window} before, "
        + $"for every entry; at most {MaxRounds} rounds";
}
