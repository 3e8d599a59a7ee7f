using System.Globalization;
using System.Text;
using RLMix.Errors;

namespace RLMix.Experiments;

/// <summary>
/// A comparison as a Slurm job array (<c>rlmix compare --slurm</c>): one array task per unfinished cell, each
/// running <c>rlmix compare --cell $SLURM_ARRAY_TASK_ID</c>. Slurm's <c>--signal=B:TERM@120</c> warns the task's
/// script two minutes before its time limit; the script passes the SIGTERM to rlmix, which finishes its batch and
/// writes a checkpoint (exit 143), then requeues the task, which resumes from that checkpoint. The comparison
/// directory must be on a file system that every node mounts (cells, checkpoints, locks and logs live there).
/// </summary>
public static class SlurmArray
{
    /// <summary>The folder under the comparison directory that holds the script, its config copy and the task logs.</summary>
    public const string Folder = "slurm";

    /// <summary>The job-array script's file name.</summary>
    public const string ScriptName = "compare.sbatch";

    /// <summary>The copy of the comparison config the tasks run, so that what was submitted is what runs.</summary>
    public const string ConfigName = "compare.json";

    /// <summary>Seconds before the time limit at which Slurm sends SIGTERM to a task's script.</summary>
    public const int WarnSeconds = 120;

    /// <summary>The script's path in comparison directory <paramref name="outDir"/>.</summary>
    public static string ScriptPath(string outDir) => Path.Combine(outDir, Folder, ScriptName);

    /// <summary>The config copy's path in comparison directory <paramref name="outDir"/>.</summary>
    public static string ConfigPath(string outDir) => Path.Combine(outDir, Folder, ConfigName);

    /// <summary>The Slurm output (stdout and stderr, appended over requeues) of cell <paramref name="index"/>'s task.</summary>
    public static string TaskLog(string outDir, int index) => Path.Combine(outDir, Folder, $"cell-{index.ToString(CultureInfo.InvariantCulture)}.out");

    /// <summary>Indices as Slurm's <c>--array</c> takes them: sorted, runs of consecutive ones as ranges, e.g. <c>0-3</c> or <c>1,3,5-7</c>.</summary>
    public static string Ranges(IEnumerable<int> indices)
    {
        var sorted = indices.Distinct().Order().ToList();
        var parts = new List<string>();
        for (int i = 0; i < sorted.Count;)
        {
            int j = i;
            while (j + 1 < sorted.Count && sorted[j + 1] == sorted[j] + 1) j++;
            parts.Add(j == i ? Inv(sorted[i]) : $"{Inv(sorted[i])}-{Inv(sorted[j])}");
            i = j + 1;
        }
        return string.Join(",", parts);
    }

    /// <summary>
    /// Checks options meant for the <c>#SBATCH</c> lines (<c>--sbatch-option</c>): each one option, starting with '-',
    /// on one line; <c>--array</c> is not one of them (rlmix chooses the tasks: the unfinished cells).
    /// </summary>
    /// <exception cref="UsageException">An option breaks a rule; the message names it.</exception>
    public static void CheckOptions(IEnumerable<string> options)
    {
        foreach (var option in options)
        {
            string shown = Echo.Of(option);
            if (option.Any(char.IsControl))
                throw new UsageException($"--sbatch-option {shown} contains a line break or control character; give one option per --sbatch-option.");
            if (!option.StartsWith('-') || option.Trim().Length < 2)
                throw new UsageException($"--sbatch-option {shown} is not an sbatch option; write it as on the sbatch command line, e.g. --sbatch-option=--partition=gpu or --sbatch-option=--time=24:00:00.");
            string name = option.Split('=', ' ')[0];
            if (name is "--array" or "-a")
                throw new UsageException($"--sbatch-option {shown}: rlmix sets --array itself (the unfinished cells, see --list-cells); to run some cells only, submit the script with sbatch --array=LIST.");
        }
    }

    /// <summary>
    /// The job-array script. <paramref name="command"/> is the task's command line without <c>--cell</c> (absolute
    /// program path first, so every task runs the same build); <paramref name="cells"/> are the array's indices.
    /// </summary>
    /// <param name="workDir">The tasks' working directory (where relative paths in the config resolve, as for a local run).</param>
    /// <exception cref="UsageException">A path has characters an <c>#SBATCH</c> line cannot hold (spaces, quotes, line breaks).</exception>
    public static string Script(string name, IReadOnlyList<int> cells, string outDir, string workDir, IReadOnlyList<string> command, IReadOnlyList<string> sbatchOptions)
    {
        CheckOptions(sbatchOptions);
        if (cells.Count == 0) throw new ArgumentException("no cells", nameof(cells));
        outDir = Path.GetFullPath(outDir);
        workDir = Path.GetFullPath(workDir);
        foreach (var (path, what) in new[] { (outDir, "--out"), (workDir, "the working directory") })
            if (path.Any(ch => char.IsWhiteSpace(ch) || char.IsControl(ch) || ch is '"' or '\'' or '%' or '\\'))
                throw new UsageException($"{what} '{Echo.Of(path)}' contains a space, quote, '%' or '\\', which an #SBATCH line cannot hold; choose a directory path without them.");
        string jobName = "rlmix-" + new string(name.Select(ch => char.IsAsciiLetterOrDigit(ch) || ch is '.' or '_' or '-' ? ch : '_').ToArray());

        var s = new StringBuilder();
        s.AppendLine("#!/bin/bash");
        s.AppendLine($"# Written by `rlmix compare --slurm` for the comparison '{Comment(name)}': one array task per unfinished cell (rlmix compare --list-cells).");
        s.AppendLine($"# The comparison directory must be on a file system every node shares. Submit: sbatch {ScriptPath(outDir)}");
        s.AppendLine($"#SBATCH --job-name={jobName}");
        s.AppendLine($"#SBATCH --array={Ranges(cells)}");
        // %a: one log per cell, appended over requeues, beside the cells it describes.
        s.AppendLine($"#SBATCH --output={Path.Combine(outDir, Folder, "cell-%a.out")}");
        s.AppendLine("#SBATCH --open-mode=append");
        s.AppendLine($"#SBATCH --chdir={workDir}");
        s.AppendLine($"#SBATCH --signal=B:TERM@{Inv(WarnSeconds)}");
        s.AppendLine("#SBATCH --requeue");
        foreach (var option in sbatchOptions) s.AppendLine($"#SBATCH {option.Trim()}");
        s.AppendLine();
        s.AppendLine("set -u");
        s.AppendLine("# One BLAS/OpenMP thread per CPU Slurm gave the task.");
        s.AppendLine("if [ -n \"${SLURM_CPUS_PER_TASK:-}\" ]; then export OMP_NUM_THREADS=\"$SLURM_CPUS_PER_TASK\"; fi");
        s.AppendLine("task=\"${SLURM_ARRAY_JOB_ID}_${SLURM_ARRAY_TASK_ID}\"");
        s.AppendLine("rlmix_pid=");
        s.AppendLine("# SIGTERM (time limit near, preemption, scancel --batch --signal=TERM): rlmix finishes its batch and writes a");
        s.AppendLine("# checkpoint (exit 143); then the task is requeued and resumes from it. Other exits end the task as they are.");
        s.AppendLine("on_term() {");
        s.AppendLine("  status=143");
        // A TERM that arrives between starting rlmix and `rlmix_pid=$!` runs this trap before the assignment;
        // $! already names rlmix then, so rlmix is never left running on its own.
        s.AppendLine("  pid=\"${rlmix_pid:-${!:-}}\"");
        s.AppendLine("  if [ -n \"$pid\" ]; then kill -TERM \"$pid\" 2>/dev/null; wait \"$pid\"; status=$?; fi");
        s.AppendLine("  if [ \"$status\" -eq 143 ]; then");
        s.AppendLine("    echo \"rlmix: cell $SLURM_ARRAY_TASK_ID stopped at a checkpoint; requeueing task $task to resume it\"");
        s.AppendLine("    scontrol requeue \"$task\"");
        s.AppendLine("  fi");
        s.AppendLine("  exit \"$status\"");
        s.AppendLine("}");
        s.AppendLine("trap on_term TERM");
        s.AppendLine("echo \"rlmix: cell $SLURM_ARRAY_TASK_ID, task $task on $(hostname), restart ${SLURM_RESTART_COUNT:-0}, $(date -u +%FT%TZ)\"");
        s.AppendLine(string.Join(" ", command.Select(Quote)) + " --cell \"$SLURM_ARRAY_TASK_ID\" &");
        s.AppendLine("rlmix_pid=$!");
        s.AppendLine("wait \"$rlmix_pid\"");
        s.AppendLine("exit $?");
        return s.ToString();
    }

    /// <summary>One word for bash: single-quoted, with embedded quotes closed and escaped.</summary>
    public static string Quote(string word) => "'" + word.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    static string Comment(string text) => new(text.Select(ch => char.IsControl(ch) ? ' ' : ch).ToArray());

    static string Inv(int x) => x.ToString(CultureInfo.InvariantCulture);
}
