using RLMix.Training;
using System.Diagnostics;
using System.Text;
using Microsoft.Extensions.Logging;
using RLMix.Errors;
using RLMix.Experiments;
using RLMix.IO;

namespace RLMix.Cli.Commands;

/// <summary>
/// The cluster side of <c>rlmix compare</c>: <c>--list-cells</c>, <c>--slurm [--submit]</c> (a job array of the
/// unfinished cells, <see cref="SlurmArray"/>) and the commands that resubmit the cells <c>--collect</c> misses.
/// </summary>
internal static class CompareSlurm
{
    /// <summary>Prints every cell: index, entry, seed, state, directory and what else is known.</summary>
    public static void ListCells(ExperimentConfig experiment, string dir, MethodCatalog methods)
    {
        var cells = CellOverview.All(experiment, dir, methods);
        var rows = cells.Select(c => new[] { c.Cell.Index.ToString(System.Globalization.CultureInfo.InvariantCulture), c.Cell.Entry.Name, c.Cell.Seed.ToString(System.Globalization.CultureInfo.InvariantCulture), c.State, c.Cell.Directory, c.Note }).ToList();
        string[] header = ["index", "entry", "seed", "state", "directory", "note"];
        var widths = header.Select((h, i) => rows.Select(r => r[i].Length).Append(h.Length).Max()).ToArray();
        string Line(string[] r) => string.Join("  ", r.Select((x, i) => i == r.Length - 1 ? x : x.PadRight(widths[i]))).TrimEnd();
        System.Console.WriteLine(Line(header));
        foreach (var r in rows) System.Console.WriteLine(Line(r));
        var counts = cells.GroupBy(c => c.State).Select(g => $"{g.Count()} {g.Key}");
        System.Console.WriteLine($"{cells.Count} cells: {string.Join(", ", counts)}.");
    }

    /// <summary>
    /// Writes DIR/slurm/compare.sbatch and the config copy it runs for the unfinished cells, and with
    /// <paramref name="submit"/> submits it with sbatch. Returns the exit code.
    /// </summary>
    public static int Write(Cli.Context ctx, string configPath, ExperimentConfig experiment, MethodCatalog methods, string dir, bool submit, IReadOnlyList<string> sbatchOptions,
        bool rerunChanged, IReadOnlyList<string> globalOptions)
    {
        SlurmArray.CheckOptions(sbatchOptions);
        string? sbatch = null;
        if (submit && (sbatch = FindOnPath("sbatch")) is null)
            throw new UsageException("--submit needs Slurm's sbatch on the PATH, and it is not there. Run this on a Slurm login node, "
                + $"or leave out --submit and submit {SlurmArray.ScriptPath(dir)} there with: sbatch {SlurmArray.ScriptPath(dir)}");
        var cells = CellOverview.All(experiment, dir, methods);
        var changed = cells.Where(c => c.Status.State == CellState.Changed).ToList();
        if (!rerunChanged) Comparison.RefuseChanged(changed.Select(c => c.Status.Change!).ToList(), dir);
        var todo = cells.Where(c => c.Status.State != CellState.Finished).Select(c => c.Cell.Index).ToList();
        if (todo.Count == 0)
        {
            ctx.Logger.LogInformation("All {Cells} cells of '{Name}' in {Dir} are finished; nothing to submit. Write the results with: {Collect}",
                cells.Count, experiment.Name, dir, CollectCommand(configPath, dir));
            return 0;
        }
        WarnAboutGpus(ctx.Logger, cells[0].Cell.Config.Device, sbatchOptions);

        // The tasks run a copy of the config, so that what was submitted is what runs; absolute paths, so they run anywhere.
        string[] command = [.. SelfCommand(), .. globalOptions, "compare", "--config", Path.GetFullPath(SlurmArray.ConfigPath(dir)), "--out", Path.GetFullPath(dir),
            .. rerunChanged ? new[] { "--rerun-changed" } : []];
        string script = SlurmArray.Script(experiment.Name, todo, dir, Environment.CurrentDirectory, command, sbatchOptions);
        OutputDirectory.Create(dir);
        using (var directoryLock = DirectoryLock.Acquire(dir, "comparison directory"))
        {
            Directory.CreateDirectory(Path.Combine(dir, SlurmArray.Folder));
            AtomicFile.WriteAllText(SlurmArray.ConfigPath(dir), File.ReadAllText(configPath));
            AtomicFile.WriteAllText(SlurmArray.ScriptPath(dir), script);
        }
        string scriptPath = SlurmArray.ScriptPath(dir);
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(scriptPath, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        ctx.Logger.LogInformation("Wrote {Script}: a job array of {Todo} of {Cells} cells ({Array}), logs in {Logs}. {Dir} must be on a file system every node shares.",
            scriptPath, todo.Count, cells.Count, SlurmArray.Ranges(todo), Path.Combine(dir, SlurmArray.Folder, "cell-K.out"), dir);
        if (sbatch is null)
        {
            ctx.Logger.LogInformation("Submit it with: sbatch {Script}", scriptPath);
        }
        else
        {
            string job = Submit(sbatch, scriptPath);
            // On stdout alone as well, for scripts: JOBID=123
            System.Console.WriteLine($"JOBID={job}");
            ctx.Logger.LogInformation("Submitted job array {Job}. Watch it with: squeue -j {Job}", job, job);
        }
        ctx.Logger.LogInformation("When the tasks are done, write the results with: {Collect}", CollectCommand(configPath, dir));
        return 0;
    }

    /// <summary>What <c>--collect</c> prints after the cells it misses: commands that run just those.</summary>
    public static string HowToRun(string configPath, string dir, IReadOnlyList<int> cells)
    {
        var s = new StringBuilder();
        string script = SlurmArray.ScriptPath(dir);
        // The written script runs its config copy; its indices are this config's only while the two are the same.
        if (File.Exists(script) && File.Exists(SlurmArray.ConfigPath(dir)) && File.ReadAllText(SlurmArray.ConfigPath(dir)) == File.ReadAllText(configPath))
            s.AppendLine($"Resubmit just these: sbatch --array={SlurmArray.Ranges(cells)} {script}");
        s.AppendLine($"Or write and submit a new array of the unfinished cells: rlmix compare --config {configPath} --out {dir} --slurm --submit [--sbatch-option=...]");
        s.Append($"Or run them here: rlmix compare --config {configPath} --out {dir}");
        return s.ToString();
    }

    static string CollectCommand(string configPath, string dir) => $"rlmix compare --config {configPath} --out {dir} --collect";

    /// <summary>The command line that starts this very build of rlmix: the apphost, or dotnet with rlmix.dll.</summary>
    static string[] SelfCommand()
    {
        string process = Environment.ProcessPath ?? throw new InvalidOperationException("the path of the running rlmix is unknown");
        return Path.GetFileNameWithoutExtension(process) == "dotnet" ? [process, typeof(CompareSlurm).Assembly.Location] : [process];
    }

    static string Submit(string sbatch, string script)
    {
        var psi = new ProcessStartInfo(sbatch) { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add("--parsable");
        psi.ArgumentList.Add(script);
        using var p = Process.Start(psi) ?? throw new UsageException($"Could not start {sbatch}.");
        var stderr = p.StandardError.ReadToEndAsync();
        string stdout = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0)
            throw new UsageException($"sbatch refused {script} (exit {p.ExitCode}): {Echo.Of(stderr.Result.Trim(), 2000)} "
                + "Fix the --sbatch-option values (or the cluster's limits) and run the same command again.");
        // --parsable prints "jobid" or "jobid;cluster".
        return stdout.Trim().Split(';')[0];
    }

    static void WarnAboutGpus(ILogger logger, string device, IReadOnlyList<string> options)
    {
        bool asksGpu = options.Any(o => o.StartsWith("--gres=gpu", StringComparison.Ordinal) || o.StartsWith("--gpus", StringComparison.Ordinal) || o.StartsWith("-G", StringComparison.Ordinal));
        bool cuda = device.StartsWith("cuda", StringComparison.Ordinal);
        if (asksGpu && !cuda)
            logger.LogWarning("The tasks ask Slurm for a GPU, but the cells run on '{Device}': set \"device\": \"cuda\" under \"base\" in the comparison config.", device);
        if (cuda && !asksGpu)
            logger.LogWarning("The cells run on '{Device}', but no --sbatch-option asks Slurm for a GPU (e.g. --sbatch-option=--gres=gpu:1).", device);
    }

    static string? FindOnPath(string program)
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            string path = Path.Combine(dir, program);
            if (File.Exists(path) && (OperatingSystem.IsWindows() || (File.GetUnixFileMode(path) & (UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute)) != 0))
                return path;
        }
        return null;
    }
}
