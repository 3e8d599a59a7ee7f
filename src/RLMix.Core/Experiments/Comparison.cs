using System.Text.Json;
using RLMix.Configuration;
using RLMix.Training;

namespace RLMix.Experiments;

/// <summary>
/// Runs every entry x seed of an <see cref="ExperimentConfig"/> in <c>OUT/ENTRY/seedS</c>, skipping
/// cells whose metrics.json is already there and resuming interrupted ones from their checkpoint,
/// then writes results.md, results.csv, results.json and the plots.
/// </summary>
public static class Comparison
{
    /// <summary>Progress of a comparison: cell <paramref name="index"/> of <paramref name="total"/> starts (or is skipped).</summary>
    public delegate ITrainingObserver CellStarting(int index, int total, string entry, long seed, bool skipped);

    /// <summary>Runs the comparison and writes its reports into <paramref name="outDir"/>.</summary>
    public static ComparisonResult Run(ExperimentConfig config, string outDir, CellStarting? onCell = null, CancellationToken cancel = default)
    {
        Directory.CreateDirectory(outDir);
        // Seed-major: every entry gets its first seed before any gets its second, so an interrupted
        // comparison already compares every entry.
        var cells = config.Seeds.SelectMany(s => config.Entries.Select(e => (Entry: e, Seed: s))).ToList();
        var results = new List<CellResult>();
        for (int i = 0; i < cells.Count; i++)
        {
            var (entry, seed) = cells[i];
            string dir = Path.Combine(outDir, Sanitize(entry.Name), $"seed{seed}");
            string metricsPath = Path.Combine(dir, "metrics.json");
            RunMetrics metrics;
            if (File.Exists(metricsPath))
            {
                onCell?.Invoke(i, cells.Count, entry.Name, seed, skipped: true);
                metrics = ReadMetrics(metricsPath);
            }
            else
            {
                var observer = onCell?.Invoke(i, cells.Count, entry.Name, seed, skipped: false);
                metrics = TrainingRun.Run(config.CellConfig(entry, seed), new RunOptions(dir, Resume: true), observer, cancel);
            }
            results.Add(new CellResult(entry.Name, seed, dir, metrics));
        }

        var summary = ComparisonResult.From(config, results);
        ComparisonReport.Write(summary, outDir);
        ComparisonPlots.Write(summary, outDir);
        return summary;
    }

    /// <summary>Reads a finished cell's metrics.json.</summary>
    public static RunMetrics ReadMetrics(string path) =>
        JsonSerializer.Deserialize<RunMetrics>(File.ReadAllText(path), ConfigFile.JsonOptions)
        ?? throw new Errors.UsageException($"{path} is empty; delete it to rerun the cell.");

    static string Sanitize(string name) => string.Concat(name.Select(ch => char.IsLetterOrDigit(ch) || ch is '-' or '_' or '.' ? ch : '_'));
}
