using RLMix.Training;
using RLMix.IO;

namespace RLMix.Experiments;

/// <summary>
/// One comparison cell as seen from outside the process that runs it (<c>rlmix compare --list-cells</c>,
/// <c>--collect</c>): its state, the process recorded as holding its directory lock, and the Slurm log of its task.
/// </summary>
/// <param name="Holder">The lock's holder record: a process writing the cell now, or one killed while it did.</param>
/// <param name="TaskLog">The cell's Slurm task log (<see cref="SlurmArray.TaskLog"/>) when it exists.</param>
public sealed partial record CellOverview(ComparisonCell Cell, CellStatus Status, LockHolder? Holder, string? TaskLog)
{
    /// <summary>Every cell of <paramref name="config"/> under <paramref name="outDir"/>, in run order (nothing is written or locked).</summary>
    /// <exception cref="Errors.DataException">A cell's recorded identity or metrics.json is damaged; the message names the file.</exception>
    public static IReadOnlyList<CellOverview> All(ExperimentConfig config, string outDir, MethodCatalog methods) =>
        ComparisonCell.All(config, outDir, methods).Select(c =>
        {
            string log = SlurmArray.TaskLog(outDir, c.Index);
            return new CellOverview(c, c.Status(), DirectoryLock.RecordedHolder(c.Directory), File.Exists(log) ? log : null);
        }).ToList();

    /// <summary><c>done</c>, <c>partial</c> (a checkpoint to resume from), <c>new</c> or <c>changed</c> (run with other settings).</summary>
    public string State => Status.State switch
    {
        CellState.Finished => "done",
        CellState.Interrupted => "partial",
        CellState.Changed => "changed",
        _ => "new",
    };

    /// <summary>What else is known: the change, the lock holder, the last error in the task log; empty when nothing.</summary>
    public string Note
    {
        get
        {
            var notes = new List<string>();
            if (Status.Change is { } change) notes.Add(change);
            if (Holder is { } h && Status.State != CellState.Finished)
                notes.Add($"locked by {h} (running, or killed without releasing the lock)");
            if (TaskLog is { } log && Status.State != CellState.Finished)
                notes.Add(LastProblem(log) is { } line ? $"{log}: {line}" : $"log {log}");
            return string.Join("; ", notes);
        }
    }

    /// <summary>The last line of a task log that reports an error, a cancellation or a time limit; null when none.</summary>
    static string? LastProblem(string log)
    {
        try
        {
            return File.ReadLines(log).Select(l => AnsiCodes().Replace(l, "").Trim())
                .LastOrDefault(l => l.Contains(" ERR ", StringComparison.Ordinal) || l.StartsWith("error:", StringComparison.Ordinal)
                    || l.Contains("CANCELLED", StringComparison.Ordinal) || l.Contains("DUE TO TIME LIMIT", StringComparison.Ordinal)
                    || l.Contains("PREEMPT", StringComparison.Ordinal)) is { } line
                ? Errors.Echo.Of(line, 200) : null;
        }
        catch (IOException)
        {
            return null;
        }
    }

    [System.Text.RegularExpressions.GeneratedRegex("\x1b\\[[0-9;]*m")]
    private static partial System.Text.RegularExpressions.Regex AnsiCodes();
}
