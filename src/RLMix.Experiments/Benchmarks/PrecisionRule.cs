using System.Globalization;

namespace RLMix.Experiments.Benchmarks;

/// <summary>
/// How long <c>rlmix bench</c> keeps timing a group of entries after its minimum rounds: until every ratio the
/// group reports has a 95% bootstrap interval no wider than <see cref="Target"/> of its median, or a cap.
/// Precision is judged at check points (the minimum, then every <see cref="CheckInterval"/> rounds, which grows
/// with the rounds so that the bootstrap's cost stays a small share of the run), on exactly the intervals the
/// report gives (same per-round ratios, resamples and seed); the caps are judged after every round.
/// <para>
/// Why 0.06 by default: a 95% interval of relative width w has a standard error of about w / 3.92, and three runs
/// that differ only by their sampling noise give medians within r of each other (max / min - 1) with 95%
/// probability when r is at least 3.31 standard errors (the studentized range of 3). For r = 5% that asks
/// w ≤ 3.92 · 0.05 / 3.31 = 5.9%. In round 4's idle runs (45 rounds) the ratios that disagreed by more than 5%
/// had intervals 7.7-17% wide in the runs that pulled them apart; the quieter runs' step-group intervals were 4.9-12% wide.
/// </para>
/// <para>
/// A rule that stops when a width is first small enough is optional stopping: the interval at the stop is a
/// little narrower than one of a fixed size would be, on average. Checking only every few rounds and starting
/// from a minimum of tens of rounds keeps that effect small; it is not corrected for.
/// </para>
/// </summary>
/// <param name="Target">Largest relative width (high - low) / median of a ratio's 95% interval at which sampling stops. The default value is 0.06.</param>
/// <param name="MaxRounds">Cap on a group's timed rounds, the minimum included. The default value is 400.</param>
/// <param name="MaxMinutes">Cap on the time of a group's timed blocks (as measured by the bench's clock), the minimum included. The default value is 8.</param>
/// <param name="CheckEvery">Smallest number of rounds between two precision checks. The default value is 5.</param>
public sealed record PrecisionRule(double Target = 0.06, int MaxRounds = 400, double MaxMinutes = 8, int CheckEvery = 5)
{
    /// <summary>Stop reason: every reported ratio's interval was within <see cref="Target"/> at a check.</summary>
    public const string PrecisionReached = "precision_reached";

    /// <summary>Stop reason: <see cref="MaxRounds"/> rounds were timed.</summary>
    public const string MaxRoundsReached = "max_rounds";

    /// <summary>Stop reason: the group's timed blocks took <see cref="MaxMinutes"/>.</summary>
    public const string MaxTimeReached = "max_time";

    /// <summary>Stop reason when no rule applies: the group ran its fixed number of rounds.</summary>
    public const string Fixed = "fixed";

    /// <summary>Rounds between the check after <paramref name="rounds"/> rounds and the next: <see cref="CheckEvery"/>, or a tenth of the rounds once that is more.</summary>
    public int CheckInterval(int rounds) => Math.Max(CheckEvery, rounds / 10);

    /// <summary>The ratios among <paramref name="ratios"/> (name, per-round values) whose interval is wider than <see cref="Target"/>, with their widths, widest first.</summary>
    public IReadOnlyList<(string Name, double Width)> Wide(IEnumerable<(string Name, double[] Ratios)> ratios, int resamples, int seed) =>
        ratios.Select(r => (r.Name, Width: BenchStatistics.SummarizeRatios(r.Ratios, resamples, seed).RelativeWidth))
            .Where(r => !(r.Width <= Target))   // a NaN width (median 0) is not precise
            .OrderByDescending(r => r.Width).ToList();

    /// <summary>The rule in words, for the report.</summary>
    public string Describe() =>
        $"after the minimum rounds, more rounds until every reported ratio's 95% interval is at most {Percent(Target)} of its median "
        + $"(checked every {CheckEvery} rounds or a tenth of the rounds, whichever is more), at most {MaxRounds} rounds or {MaxMinutes.ToString("0.##", CultureInfo.InvariantCulture)} minutes of timed blocks per group";

    /// <summary>A fraction as a percentage for the report and the progress lines (0.06: "6%").</summary>
    internal static string Percent(double x) => (x * 100).ToString("0.##", CultureInfo.InvariantCulture) + "%";
}
