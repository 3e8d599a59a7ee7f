namespace RLMix.Experiments.Benchmarks;

/// <summary>A ratio a group reports: entry <paramref name="Entry"/> over entry <paramref name="To"/>, per round (<see cref="RoundTimes.Ratios"/>).</summary>
/// <param name="Name">Name in the report.</param>
/// <param name="Entry">Index of the numerator entry.</param>
/// <param name="To">Index of the denominator entry.</param>
public sealed record TrackedRatio(string Name, int Entry, int To);

/// <summary>
/// What <see cref="AlternatingRounds"/> needs to apply a <see cref="PrecisionRule"/> to a group: the ratios the group
/// reports and how their intervals are computed (the report's resamples and seed, so the check judges exactly the
/// intervals that are reported).
/// </summary>
/// <param name="Rule">Target width and caps.</param>
/// <param name="Ratios">The ratios the group reports.</param>
/// <param name="Resamples">Bootstrap resamples per interval.</param>
/// <param name="Seed">Bootstrap seed.</param>
public sealed record PrecisionCheck(PrecisionRule Rule, IReadOnlyList<TrackedRatio> Ratios, int Resamples, int Seed)
{
    /// <summary>The ratios still wider than the target after the rounds in <paramref name="times"/>, widest first.</summary>
    public IReadOnlyList<(string Name, double Width)> Wide(RoundTimes times) =>
        Rule.Wide(Ratios.Select(r => (r.Name, times.Ratios(r.Entry, r.To))), Resamples, Seed);
}
