using RLMix.Configuration;
using RLMix.Training;

namespace RLMix.Experiments;

/// <summary>
/// One entry x seed of a comparison: its place in the run order, its directory <c>OUT/ENTRY/seedS</c>, the
/// run configuration the comparison config gives it and that configuration's <see cref="RunIdentity"/>.
/// A cell's directory is reused (finished) or continued (checkpoint) only under an equal identity.
/// </summary>
/// <param name="Index">0-based position in the run order (seed-major: every entry gets its first seed before any gets its second).</param>
/// <param name="Methods">The catalogue the cell's method and its recorded identity are resolved against.</param>
public sealed record ComparisonCell(int Index, ExperimentEntry Entry, long Seed, string Directory, RunConfig Config, RunIdentity Identity, MethodCatalog Methods)
{
    /// <summary>The label used in messages, e.g. <c>rmix/seed0</c>.</summary>
    public string Label => $"{Entry.Name}/seed{Seed}";

    /// <summary>Every cell of <paramref name="config"/> under <paramref name="outDir"/>, in run order, methods from <paramref name="methods"/>.</summary>
    /// <exception cref="Errors.UsageException">An entry name is not a safe directory name, or an entry's options are invalid.</exception>
    public static IReadOnlyList<ComparisonCell> All(ExperimentConfig config, string outDir, MethodCatalog methods)
    {
        config.CheckEntryNames("the comparison config");
        var cells = new List<ComparisonCell>();
        foreach (var seed in config.Seeds)
            foreach (var entry in config.Entries)
            {
                var run = config.CellConfig(entry, seed, methods);
                cells.Add(new ComparisonCell(cells.Count, entry, seed, Path.Combine(outDir, entry.Name, $"seed{seed}"), run, RunIdentity.Of(run, methods), methods));
            }
        return cells;
    }

    /// <summary>
    /// Runs this cell alone, as a Slurm array task does (<c>rlmix compare --cell K</c>): a finished cell is skipped, an
    /// interrupted one resumes from its checkpoint, a changed one is refused unless <paramref name="rerunChanged"/>.
    /// Only the cell's directory is locked (by the run), so the cells of one comparison can run at the same time in
    /// several processes or on several nodes of a shared file system; a second writer of the same cell is refused.
    /// </summary>
    /// <param name="starting">Called once the cell will be trained (its directory exists), e.g. to open its log.</param>
    /// <returns>The cell's metrics, and whether it had finished earlier (then nothing was run).</returns>
    /// <exception cref="Errors.UsageException">The cell was run with other settings, or another process writes it.</exception>
    /// <exception cref="RunInterruptedException"><paramref name="cancel"/> fired; a checkpoint was written.</exception>
    public (RunMetrics Metrics, bool Skipped) RunAlone(MethodCatalog methods, bool rerunChanged = false, Action? starting = null, ITrainingObserver? observer = null,
        CancellationToken cancel = default, Action<string>? info = null)
    {
        var status = Status();
        if (status is { State: CellState.Finished, Metrics: { } done }) return (done, true);
        IO.OutputDirectory.Create(Directory);
        if (status.State == CellState.Changed)
        {
            if (!rerunChanged) Comparison.RefuseChanged([status.Change!], Path.GetDirectoryName(Path.GetDirectoryName(Directory))!);
            info?.Invoke($"Rerunning {status.Change}.");
            using var cellLock = IO.DirectoryLock.Acquire(Directory, "cell directory");
            cellLock.DeleteContents();
        }
        starting?.Invoke();
        return (TrainingRun.Run(methods, Config, new RunOptions(Directory, Resume: true), observer, cancel), false);
    }

    /// <summary>What the cell's directory holds, judged against <see cref="Identity"/>.</summary>
    /// <exception cref="Errors.DataException">The recorded identity or a finished cell's metrics.json is damaged; the message names the file.</exception>
    public CellStatus Status()
    {
        string metricsPath = Path.Combine(Directory, "metrics.json");
        bool finished = File.Exists(metricsPath);
        bool started = finished || File.Exists(Path.Combine(Directory, CheckpointFile.FileName)) || File.Exists(Path.Combine(Directory, CheckpointFile.PreviousFileName));
        if (!started) return new CellStatus(CellState.New);
        var stored = RunIdentity.Read(Directory, Methods);
        if (stored == null)
            return new CellStatus(CellState.Changed, Change: $"{Label}: its directory records no configuration (no {RunIdentity.FileName} or config.json)");
        if (Identity.FirstDifference(stored) is { } d)
            return new CellStatus(CellState.Changed, Change: $"{Label}: {d.Describe("the cell has", "the config now gives")}");
        return finished ? new CellStatus(CellState.Finished, Comparison.ReadMetrics(metricsPath)) : new CellStatus(CellState.Interrupted);
    }
}

/// <summary>The state of a comparison cell's directory.</summary>
public enum CellState
{
    /// <summary>Nothing run yet.</summary>
    New,

    /// <summary>Started under the same identity and interrupted: it resumes from its checkpoint.</summary>
    Interrupted,

    /// <summary>Finished under the same identity: its metrics are reused.</summary>
    Finished,

    /// <summary>Run under another identity (or an unknown one): it must be rerun, never reused.</summary>
    Changed,
}

/// <summary>A cell's state, with its metrics when <see cref="CellState.Finished"/> and the first difference when <see cref="CellState.Changed"/>.</summary>
public sealed record CellStatus(CellState State, RunMetrics? Metrics = null, string? Change = null);
