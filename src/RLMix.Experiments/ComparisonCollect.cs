using RLMix.Training;
using RLMix.Errors;
using RLMix.IO;

namespace RLMix.Experiments;

/// <summary>
/// <c>rlmix compare --collect</c>: writes results.md/csv/json and the plots from the cell directories of a comparison
/// whose cells ran elsewhere (a Slurm array), training nothing. Every cell must have finished under the settings the
/// config gives; otherwise nothing is written and the message names each missing or failed cell and how to run just those.
/// </summary>
public static class ComparisonCollect
{
    /// <summary>Collects the finished cells of <paramref name="config"/> in <paramref name="outDir"/> into the reports.</summary>
    /// <param name="howToRun">The commands that run the given unfinished cell indices, for the message.</param>
    /// <exception cref="UsageException">No such directory, cells run with other settings, or the directory is locked.</exception>
    /// <exception cref="DataException">Some cells have not finished (each named, with its state and Slurm log).</exception>
    public static ComparisonResult Collect(ExperimentConfig config, string outDir, MethodCatalog methods, Func<IReadOnlyList<int>, string> howToRun)
    {
        ComparisonCell.All(config, outDir, methods); // entry names are checked before any path is used
        if (!Directory.Exists(outDir))
            throw new UsageException($"--collect: the comparison directory '{outDir}' does not exist; run the cells first (rlmix compare --slurm --submit, or rlmix compare).");
        using var directoryLock = DirectoryLock.Acquire(outDir, "comparison directory");
        var cells = CellOverview.All(config, outDir, methods);
        Comparison.RefuseChanged(cells.Where(c => c.Status.State == CellState.Changed).Select(c => c.Status.Change!).ToList(), outDir);
        var unfinished = cells.Where(c => c.Status.State != CellState.Finished).ToList();
        if (unfinished.Count > 0)
            throw new DataException(
                $"{unfinished.Count} of {cells.Count} cells of '{config.Name}' in '{outDir}' have not finished, so no results were written:{Environment.NewLine}"
                + string.Concat(unfinished.Take(50).Select(c => $"  {c.Cell.Index} {c.Cell.Label}: {Describe(c)}{Environment.NewLine}"))
                + (unfinished.Count > 50 ? $"  ... and {unfinished.Count - 50} more (rlmix compare --list-cells){Environment.NewLine}" : "")
                + howToRun(unfinished.Select(c => c.Cell.Index).ToList()));
        return Comparison.WriteReports(config, outDir, cells.Select(c => new CellResult(c.Cell.Entry.Name, c.Cell.Seed, c.Cell.Directory, c.Status.Metrics!)).ToList());
    }

    static string Describe(CellOverview c)
    {
        string state = c.Status.State switch
        {
            CellState.Interrupted when c.Holder is null => "partial, stopped (failed, cancelled or out of time); it resumes from its checkpoint",
            CellState.Interrupted => "partial",
            _ when c.TaskLog is null && c.Holder is null => "missing (never started)",
            _ => "new, stopped before its first checkpoint",
        };
        return c.Note.Length == 0 ? state : $"{state}; {c.Note}";
    }
}
