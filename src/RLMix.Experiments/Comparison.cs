using System.Text.Json;
using RLMix.Configuration;
using RLMix.Errors;
using RLMix.IO;
using RLMix.Training;

namespace RLMix.Experiments;

/// <summary>
/// Runs every entry x seed of an <see cref="ExperimentConfig"/> in <c>OUT/ENTRY/seedS</c>, reusing cells
/// that finished under the same configuration and resuming interrupted ones from their checkpoint,
/// then writes results.md, results.csv, results.json and the plots. The comparison directory is locked
/// (<see cref="DirectoryLock"/>) for the whole run; each cell's run locks its own directory.
/// </summary>
public static class Comparison
{
    /// <summary>Progress of a comparison: cell <paramref name="index"/> of <paramref name="total"/> starts (or is skipped).</summary>
    public delegate ITrainingObserver CellStarting(int index, int total, string entry, long seed, bool skipped);

    /// <summary>Runs the comparison (methods from <paramref name="methods"/>) and writes its reports into <paramref name="outDir"/>.</summary>
    /// <param name="rerunChanged">Redo the cells whose directories were run with other settings (their directories are emptied first); without it such cells are an error.</param>
    /// <param name="info">Receives notes (cells being redone, a stale lock taken over).</param>
    /// <exception cref="UsageException">Some cells were run with other settings (each is named with its first difference), or the directory is locked by another writer.</exception>
    public static ComparisonResult Run(MethodCatalog methods, ExperimentConfig config, string outDir, CellStarting? onCell = null, CancellationToken cancel = default,
        bool rerunChanged = false, Action<string>? info = null)
    {
        var cells = ComparisonCell.All(config, outDir, methods);
        OutputDirectory.Create(outDir);
        using var directoryLock = DirectoryLock.Acquire(outDir, "comparison directory");
        if (directoryLock.StaleHolder is { } stale)
            info?.Invoke($"Took over the lock of {outDir} from a process that ended without releasing it ({stale}).");

        // Every cell is judged before any is trained, so a refused comparison has changed nothing.
        var statuses = cells.Select(c => c.Status()).ToList();
        var changed = cells.Where(c => statuses[c.Index].State == CellState.Changed).ToList();
        if (!rerunChanged) RefuseChanged(changed.Select(c => statuses[c.Index].Change!).ToList(), outDir);
        foreach (var cell in changed)
        {
            info?.Invoke($"Rerunning {statuses[cell.Index].Change}.");
            using var cellLock = DirectoryLock.Acquire(cell.Directory, "cell directory");
            cellLock.DeleteContents();
        }

        var results = new List<CellResult>();
        foreach (var cell in cells)
        {
            RunMetrics metrics;
            if (statuses[cell.Index] is { State: CellState.Finished, Metrics: { } done })
            {
                onCell?.Invoke(cell.Index, cells.Count, cell.Entry.Name, cell.Seed, skipped: true);
                metrics = done;
            }
            else
            {
                var observer = onCell?.Invoke(cell.Index, cells.Count, cell.Entry.Name, cell.Seed, skipped: false);
                // Only an interrupted cell resumes; a new one starts without "--resume: no checkpoint" noise.
                var resume = statuses[cell.Index].State == CellState.Interrupted;
                metrics = TrainingRun.Run(methods, cell.Config, new RunOptions(cell.Directory, Resume: resume), observer, cancel);
            }
            results.Add(new CellResult(cell.Entry.Name, cell.Seed, cell.Directory, metrics));
        }

        return WriteReports(config, outDir, results);
    }

    /// <summary>Writes results.md/csv/json and the plots of finished <paramref name="results"/> into <paramref name="outDir"/>.</summary>
    public static ComparisonResult WriteReports(ExperimentConfig config, string outDir, IReadOnlyList<CellResult> results)
    {
        var summary = ComparisonResult.From(config, results);
        ComparisonReport.Write(summary, outDir);
        ComparisonPlots.Write(summary, outDir);
        return summary;
    }

    /// <summary>
    /// Throws when some cells were run with other settings than the config now gives (each named with its first
    /// difference, at most 20), with the ways out: --rerun-changed, restoring the config, another --out.
    /// </summary>
    /// <param name="changed">The <see cref="CellStatus.Change"/> of each cell whose state is <see cref="CellState.Changed"/>.</param>
    /// <exception cref="UsageException"><paramref name="changed"/> is not empty.</exception>
    public static void RefuseChanged(IReadOnlyList<string> changed, string outDir)
    {
        if (changed.Count == 0) return;
        throw new UsageException(
            $"{changed.Count} cell(s) in '{outDir}' were run with other settings than the comparison config now gives:{Environment.NewLine}"
            + string.Concat(changed.Take(20).Select(c => $"  {c}{Environment.NewLine}"))
            + (changed.Count > 20 ? $"  ... and {changed.Count - 20} more{Environment.NewLine}" : "")
            + "Their results would be reported under the new settings. Pass --rerun-changed to redo exactly these cells (their directories are replaced), "
            + "restore the config, or choose another --out.");
    }

    /// <summary>Reads a finished cell's metrics.json.</summary>
    /// <exception cref="DataException">The file is empty, truncated or not metrics; the message names it.</exception>
    public static RunMetrics ReadMetrics(string path)
    {
        string fix = $"Delete the cell's directory {Path.GetDirectoryName(path)} to run the cell again.";
        try
        {
            return JsonSerializer.Deserialize<RunMetrics>(File.ReadAllText(path), ConfigFile.JsonOptions)
                ?? throw new DataException($"{path} is empty (null). {fix}");
        }
        catch (JsonException e)
        {
            throw new DataException($"{path} is truncated or corrupt ({ConfigFile.Describe(e)}). {fix}", e);
        }
    }
}
