namespace RLMix.Experiments.Benchmarks;

/// <summary>
/// When the warm-up of <c>rlmix bench</c> stops: after a round in which, for every timed entry, the
/// median of its last <see cref="Window"/> warm-up times differs from the median of the
/// <see cref="Window"/> before them by at most <see cref="Tolerance"/> (relative), i.e. the step time
/// no longer drifts (JIT, allocator caches, oneDNN primitive caches settle in the first steps); or
/// after <see cref="MaxRounds"/> rounds, whichever comes first.
/// </summary>
/// <param name="Window">Rounds in each of the two compared windows. The default value is 3.</param>
/// <param name="Tolerance">Largest relative change between the two windows' medians. The default value is 0.05.</param>
/// <param name="MaxRounds">Cap on warm-up rounds (the run then goes on and records that it was not stable). The default value is 12.</param>
public sealed record WarmupCriterion(int Window = 3, double Tolerance = 0.05, int MaxRounds = 12)
{
    /// <summary>Whether one entry's warm-up times (in round order) are stable by this criterion.</summary>
    public bool IsStable(IReadOnlyList<double> times)
    {
        ArgumentNullException.ThrowIfNull(times);
        if (times.Count < 2 * Window) return false;
        var last = times.Skip(times.Count - Window).ToList();
        var before = times.Skip(times.Count - 2 * Window).Take(Window).ToList();
        var reference = BenchStatistics.Median(before);
        return Math.Abs(BenchStatistics.Median(last) - reference) <= Tolerance * reference;
    }

    /// <summary>The criterion in words, for the report.</summary>
    public string Describe() =>
        $"median of the last {Window} warm-up rounds within {(Tolerance * 100).ToString("0.##", System.Globalization.CultureInfo.InvariantCulture)}% of the median of the {Window} before, for every entry; at most {MaxRounds} rounds";
}
