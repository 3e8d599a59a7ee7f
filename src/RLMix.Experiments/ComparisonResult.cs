namespace RLMix.Experiments;

/// <summary>The aggregated results of a comparison: one row per entry, over seeds.</summary>
public sealed record ComparisonResult(ExperimentConfig Config, IReadOnlyList<EntrySummary> Rows, IReadOnlyList<CellResult> Cells)
{
    /// <summary>Aggregates cells per entry and compares each entry's top-1 error with the baseline's.</summary>
    public static ComparisonResult From(ExperimentConfig config, IReadOnlyList<CellResult> cells)
    {
        var byEntry = config.Entries.ToDictionary(e => e.Name, e => cells.Where(c => c.Entry == e.Name).ToList());
        var baseline = byEntry[config.BaselineName].Select(c => c.Metrics.Top1Error).ToList();
        var baselineBySeed = BySeed(byEntry[config.BaselineName]);
        double? vanillaSeconds = byEntry.Where(kv => config.Entries.First(e => e.Name == kv.Key).Method == "vanilla")
            .Select(kv => (double?)kv.Value.Average(c => c.Metrics.SecondsPerEpoch)).FirstOrDefault();
        var rows = config.Entries.Select(e =>
        {
            var cs = byEntry[e.Name];
            var errors = cs.Select(c => c.Metrics.Top1Error).ToList();
            var seconds = Stat.Of(cs.Select(c => c.Metrics.SecondsPerEpoch));
            return new EntrySummary(e.Name, e.Method, cs.Count,
                Stat.Of(errors), Stat.Of(cs.Select(c => c.Metrics.Ece)), Stat.Of(cs.Select(c => c.Metrics.FgsmError)), seconds,
                vanillaSeconds is > 0 ? seconds.Mean / vanillaSeconds.Value : double.NaN,
                e.Name == config.BaselineName ? null : Welch.Test(errors, baseline),
                e.Name == config.BaselineName ? null : PairedT.Test(BySeed(cs), baselineBySeed));
        }).ToList();
        return new ComparisonResult(config, rows, cells);
    }

    static Dictionary<long, double> BySeed(IEnumerable<CellResult> cells) => cells.ToDictionary(c => c.Seed, c => c.Metrics.Top1Error);
}

/// <summary>One entry over its seeds.</summary>
/// <param name="VsBaseline">Top-1 error of this entry minus the baseline's, with a 95% CI and Welch's p-value; null for the baseline.</param>
/// <param name="Paired">The same difference paired by seed (seeds in both), with a paired-t 95% CI and p-value and the seeds needed to detect 0.5 points; null for the baseline.</param>
public sealed record EntrySummary(string Entry, string Method, int Seeds, Stat Top1Error, Stat Ece, Stat FgsmError,
    Stat SecondsPerEpoch, double TimeRatioToVanilla, WelchResult? VsBaseline, PairedResult? Paired);

/// <summary>Mean and sample standard deviation (NaN with one value).</summary>
public sealed record Stat(double Mean, double Std)
{
    /// <summary>Mean and standard deviation of <paramref name="values"/>.</summary>
    public static Stat Of(IEnumerable<double> values)
    {
        var xs = values.ToList();
        return new Stat(xs.Average(), xs.Count > 1 ? Math.Sqrt(Welch.Variance(xs)) : double.NaN);
    }
}
