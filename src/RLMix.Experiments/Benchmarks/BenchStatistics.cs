namespace RLMix.Experiments.Benchmarks;

/// <summary>
/// A ratio between two timed entries, summarized over alternating rounds: the median of the per-round
/// ratios, its bootstrap 95% interval, and the spread of the per-round ratios.
/// </summary>
/// <param name="Median">Median over rounds of the per-round ratio.</param>
/// <param name="Low">Lower end of the percentile-bootstrap 95% interval of <paramref name="Median"/>.</param>
/// <param name="High">Upper end of that interval.</param>
/// <param name="Q25">First quartile of the per-round ratios (spread).</param>
/// <param name="Q75">Third quartile of the per-round ratios (spread).</param>
/// <param name="Rounds">Number of rounds.</param>
/// <param name="OutlierFraction">
/// Share of the rounds whose ratio lies outside Tukey's fences, [Q25 - 1.5 IQR, Q75 + 1.5 IQR]: a robustness
/// indicator (episodes of slow rounds show here). Those rounds are not removed: the median and interval use every round.
/// </param>
public sealed record RatioSummary(double Median, double Low, double High, double Q25, double Q75, int Rounds, double OutlierFraction)
{
    /// <summary>Width of the interval relative to the median, (High - Low) / Median.</summary>
    public double RelativeWidth => (High - Low) / Median;
}

/// <summary>The statistics of <c>rlmix bench</c>, as pure functions (tested against hand-computed values).</summary>
public static class BenchStatistics
{
    /// <summary>Resamples of the bootstrap. The default value is 2,000.</summary>
    public const int DefaultResamples = 2000;

    /// <summary>Median (the mean of the two middle values for an even count).</summary>
    public static double Median(IReadOnlyList<double> values) => Quantile(values, 0.5);

    /// <summary>The <paramref name="q"/>-quantile with linear interpolation between order statistics (position q(n-1); R's type 7, numpy's default).</summary>
    public static double Quantile(IReadOnlyList<double> values, double q)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Count == 0) throw new ArgumentException("No values.", nameof(values));
        if (q is < 0 or > 1) throw new ArgumentOutOfRangeException(nameof(q), "q must be in [0, 1].");
        var sorted = values.Order().ToArray();
        return QuantileOfSorted(sorted, q);
    }

    static double QuantileOfSorted(double[] sorted, double q)
    {
        var position = q * (sorted.Length - 1);
        var below = (int)Math.Floor(position);
        var above = Math.Min(below + 1, sorted.Length - 1);
        return sorted[below] + (position - below) * (sorted[above] - sorted[below]);
    }

    /// <summary>Ratio of two entries timed in the same rounds: <c>times[r] / reference[r]</c> for every round r.</summary>
    public static double[] PerRoundRatios(IReadOnlyList<double> times, IReadOnlyList<double> reference)
    {
        ArgumentNullException.ThrowIfNull(times);
        ArgumentNullException.ThrowIfNull(reference);
        if (times.Count != reference.Count) throw new ArgumentException($"{times.Count} rounds against {reference.Count} reference rounds.");
        return times.Select((t, r) => t / reference[r]).ToArray();
    }

    /// <summary>
    /// Ratio of an entry to the reference blocks that flank it in each round:
    /// <c>times[r] / ((before[r] + after[r]) / 2)</c>. If the reference's time drifts linearly over the three
    /// blocks, the mean of the flanking blocks is the reference's time at the entry's block, so the drift cancels.
    /// </summary>
    public static double[] FlankedRatios(IReadOnlyList<double> times, IReadOnlyList<double> before, IReadOnlyList<double> after)
    {
        ArgumentNullException.ThrowIfNull(times);
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(after);
        if (before.Count != times.Count || after.Count != times.Count)
            throw new ArgumentException($"{times.Count} rounds against {before.Count} and {after.Count} flanking reference blocks.");
        return times.Select((t, r) => t / ((before[r] + after[r]) / 2)).ToArray();
    }

    /// <summary>
    /// Percentile-bootstrap interval of the median: <paramref name="resamples"/> resamples of the values
    /// with replacement (indices drawn from <c>new Random(seed)</c>, so the interval is deterministic),
    /// the median of each, and the (1 - level)/2 and (1 + level)/2 quantiles of those medians.
    /// <para>
    /// A resample's median depends only on how often each value was drawn, so it is read off the cumulative
    /// counts of the draws over the values in sorted order: O(n) per resample instead of sorting it (the precision
    /// rule recomputes these intervals as rounds accumulate). The medians are the same numbers a sort gives.
    /// </para>
    /// </summary>
    public static (double Low, double High) BootstrapMedianInterval(IReadOnlyList<double> values, int resamples, int seed, double level = 0.95)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Count == 0) throw new ArgumentException("No values.", nameof(values));
        ArgumentOutOfRangeException.ThrowIfLessThan(resamples, 1);
        var random = new Random(seed);
        var n = values.Count;
        var order = Enumerable.Range(0, n).OrderBy(i => values[i]).ToArray();
        var sorted = order.Select(i => values[i]).ToArray();
        var rank = new int[n];
        for (var r = 0; r < n; r++) rank[order[r]] = r;
        // The median as QuantileOfSorted takes it: order statistics `below` and `above`, interpolated at `position`.
        var position = 0.5 * (n - 1);
        var below = (int)Math.Floor(position);
        var above = Math.Min(below + 1, n - 1);
        var counts = new int[n];
        var medians = new double[resamples];
        for (var b = 0; b < resamples; b++)
        {
            Array.Clear(counts);
            for (var i = 0; i < n; i++) counts[rank[random.Next(n)]]++;
            double atBelow = 0, atAbove = 0;
            for (int r = 0, drawn = 0; r < n; r++)
            {
                var before = drawn;
                drawn += counts[r];
                if (before <= below && below < drawn) atBelow = sorted[r];
                if (above < drawn) { atAbove = sorted[r]; break; }
            }
            medians[b] = atBelow + (position - below) * (atAbove - atBelow);
        }
        Array.Sort(medians);
        return (QuantileOfSorted(medians, (1 - level) / 2), QuantileOfSorted(medians, (1 + level) / 2));
    }

    /// <summary>Summarizes per-round ratios: their median, its bootstrap 95% interval, their quartiles and the share outside Tukey's fences.</summary>
    public static RatioSummary SummarizeRatios(IReadOnlyList<double> ratios, int resamples = DefaultResamples, int seed = 0)
    {
        var (low, high) = BootstrapMedianInterval(ratios, resamples, seed);
        double q25 = Quantile(ratios, 0.25), q75 = Quantile(ratios, 0.75);
        return new RatioSummary(Median(ratios), low, high, q25, q75, ratios.Count, OutlierFraction(ratios, q25, q75));
    }

    /// <summary>Share of <paramref name="values"/> outside Tukey's fences [q25 - 1.5 (q75 - q25), q75 + 1.5 (q75 - q25)].</summary>
    public static double OutlierFraction(IReadOnlyList<double> values, double q25, double q75)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Count == 0) throw new ArgumentException("No values.", nameof(values));
        double fence = 1.5 * (q75 - q25);
        return values.Count(v => v < q25 - fence || v > q75 + fence) / (double)values.Count;
    }
}
