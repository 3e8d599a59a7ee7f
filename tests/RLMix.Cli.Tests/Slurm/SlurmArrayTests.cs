using System.Diagnostics;
using System.Reflection;
using System.Text.Json.Nodes;

namespace RLMix.Cli.Tests.Slurm;

/// <summary>
/// <c>rlmix compare --slurm --submit</c> on a real single-node Slurm cluster (no mocks): the job array's results equal
/// a local <c>rlmix compare</c> of the same config, and a task stopped mid-run by SIGTERM checkpoints, is requeued
/// and resumes from its checkpoint, with the final table still the same. Mini data, 2 entries x 2 seeds, 1 epoch
/// of 4 batches.
/// </summary>
public sealed class SlurmArrayTests : IDisposable
{
    readonly string dir = Directory.CreateTempSubdirectory("rlmix-slurm-").FullName;
    LocalSlurm? cluster;

    public SlurmArrayTests()
    {
        // munged runs as the munge user and must reach its socket below this directory.
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(dir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
    }

    public void Dispose()
    {
        cluster?.Dispose();
        Directory.Delete(dir, recursive: true);
    }

    static string PluginPath => typeof(SlurmArrayTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "RewardPluginPath").Value!;

    [SlurmFact]
    public void JobArray_EqualsTheLocalRun_AndATaskStoppedBySigtermResumesFromItsCheckpointAfterRequeue()
    {
        if (LocalSlurm.MissingReason() is { } missing) Assert.Fail(missing);
        cluster = LocalSlurm.Start(Path.Combine(dir, "cluster"));
        // The second entry is R-Mix with random q (RL-Mix's random policy) rewarded by the sample plug-in's gated
        // reward: a run of it can be held at its second batch (RLMIX_SAMPLE_GATE), so the signal lands mid-epoch.
        File.WriteAllText(Path.Combine(dir, "c.json"), new JsonObject
        {
            ["name"] = "slurm-mini", ["dataset"] = "fashion-mnist-mini", ["model"] = "small-cnn", ["epochs"] = 1, ["seeds"] = new JsonArray(0, 1),
            ["base"] = JsonNode.Parse("""{ "data": { "limit_train": 200, "limit_test": 100, "batch_size": 50 } }"""),
            ["entries"] = new JsonArray(
                JsonNode.Parse("""{ "name": "vanilla", "method": "vanilla" }"""),
                new JsonObject { ["name"] = "gated", ["method"] = "rlmix", ["policy"] = "random",
                    ["options"] = new JsonObject { ["reward_plugin"] = PluginPath, ["reward_type"] = "RLMix.RewardPlugin.Sample.GatedReward" } }),
        }.ToJsonString());

        // The local run and the array at the same time: the machine has few cores and both take a while.
        // The local run uses the tasks' one thread: libtorch's float reductions (channels-last convolutions
        // in particular) depend on the thread count, so equal numbers need equal threads.
        var local = Task.Run(() => Rlmix(new() { ["OMP_NUM_THREADS"] = "1" }, "compare", "--config", "c.json", "--out", "local"));
        var submitted = Rlmix(null, "compare", "--config", "c.json", "--out", "array", "--slurm", "--submit", "--sbatch-option=--cpus-per-task=1");
        Assert.True(submitted.ExitCode == 0, submitted.Output);
        Assert.Contains("#SBATCH --array=0-3", File.ReadAllText(Path.Combine(dir, "array", "slurm", "compare.sbatch")));
        cluster.WaitForJob(JobId(submitted.Output), TimeSpan.FromMinutes(4));
        Assert.True(local.Result.ExitCode == 0, local.Result.Output);
        var collected = Rlmix(null, "compare", "--config", "c.json", "--out", "array", "--collect");
        Assert.True(collected.ExitCode == 0, collected.Output + Logs("array"));
        string expected = Deterministic(Path.Combine(dir, "local", "results.md"));
        Assert.Equal(expected, Deterministic(Path.Combine(dir, "array", "results.md")));

        // Cell 3 (gated, seed 1) is lost: --collect names it, and --slurm submits an array of just that cell.
        Directory.Delete(Path.Combine(dir, "array", "gated", "seed1"), recursive: true);
        var incomplete = Rlmix(null, "compare", "--config", "c.json", "--out", "array", "--collect");
        Assert.True(incomplete.ExitCode == 3, incomplete.Output);
        Assert.Contains("3 gated/seed1", incomplete.Output);
        Assert.Contains("sbatch --array=3 ", incomplete.Output);

        string log = Path.Combine(dir, "array", "slurm", "cell-3.out");
        long before = new FileInfo(log).Length;
        string gate = Path.Combine(dir, "gate");
        var resubmitted = Rlmix(new() { ["RLMIX_SAMPLE_GATE"] = gate }, "compare", "--config", "c.json", "--out", "array", "--slurm", "--submit", "--sbatch-option=--cpus-per-task=1");
        Assert.True(resubmitted.ExitCode == 0, resubmitted.Output);
        Assert.Contains("#SBATCH --array=3\n", File.ReadAllText(Path.Combine(dir, "array", "slurm", "compare.sbatch")));
        string job = JobId(resubmitted.Output);

        // Held at its second batch: SIGTERM to the task's script, as Slurm sends it before a time limit.
        WaitForLog(log, before, "waiting at the gate");
        cluster.Command("scancel", "--batch", "--signal=TERM", $"{job}_3");
        WaitForLog(log, before, "Stopping after the current batch");
        File.WriteAllText(gate, "");
        WaitForLog(log, before, "requeueing task");
        // Slurm holds the requeued task for the cluster's cred_expire (10 s), then starts it again. Not earlier by
        // scontrol update StartTime=now: slurmd refuses a job within a second of having killed it ("Job credential revoked").
        cluster.WaitForJob(job, TimeSpan.FromMinutes(3));

        string task = ReadFrom(log, before);
        // On failure: the whole task log and what Slurm says of the job (finished jobs stay visible, MinJobAge).
        string why = $"\n--- {log} since the resubmission:\n{task}\n--- scontrol show job {job}:\n{cluster.Command("scontrol", "show", "job", job).Output}{LogTails()}";
        foreach (var text in new[] { "Interrupted at epoch 1, batch 2", "restart 1", "Resumed from", "Cell 3 gated/seed1 finished." })
            Assert.True(task.Contains(text, StringComparison.Ordinal), $"'{text}' is not in the task's log:{why}");
        Assert.Contains("at epoch 1, batch 2.", task[task.IndexOf("Resumed from", StringComparison.Ordinal)..]);
        var final = Rlmix(null, "compare", "--config", "c.json", "--out", "array", "--collect");
        Assert.True(final.ExitCode == 0, final.Output + task);
        Assert.Equal(expected, Deterministic(Path.Combine(dir, "array", "results.md")));
    }

    /// <summary>results.md without its two timing columns (s/epoch, time / vanilla): the only values that differ between equal runs.</summary>
    static string Deterministic(string resultsMd)
    {
        var lines = File.ReadAllLines(resultsMd);
        int header = Array.FindIndex(lines, l => l.StartsWith("| entry | method |", StringComparison.Ordinal));
        Assert.True(header >= 0, "no main table in " + resultsMd);
        var columns = lines[header].Split('|');
        int perEpoch = Array.FindIndex(columns, c => c.Trim() == "s/epoch");
        int ratio = Array.FindIndex(columns, c => c.Trim() == "time / vanilla");
        Assert.True(perEpoch > 0 && ratio > 0, lines[header]);
        for (int i = header + 2; i < lines.Length && lines[i].StartsWith('|'); i++)
        {
            var cells = lines[i].Split('|');
            cells[perEpoch] = cells[ratio] = " (time) ";
            lines[i] = string.Join('|', cells);
        }
        return string.Join('\n', lines);
    }

    RlmixProcess.Result Rlmix(Dictionary<string, string>? env, params string[] args)
    {
        var psi = RlmixProcess.StartInfo(dir, args);
        psi.Environment["SLURM_CONF"] = cluster!.Conf;
        foreach (var (k, v) in env ?? []) psi.Environment[k] = v;
        using var p = Process.Start(psi)!;
        var stderr = p.StandardError.ReadToEndAsync();
        string stdout = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        return new RlmixProcess.Result(p.ExitCode, stdout + stderr.Result);
    }

    static string JobId(string output)
    {
        var line = output.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.StartsWith("JOBID=", StringComparison.Ordinal));
        Assert.True(line != null, "no JOBID= line: " + output);
        return line!["JOBID=".Length..];
    }

    static string ReadFrom(string path, long offset)
    {
        using var f = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        f.Seek(offset, SeekOrigin.Begin);
        return new StreamReader(f).ReadToEnd();
    }

    static void WaitForLog(string path, long offset, string text)
    {
        var clock = Stopwatch.StartNew();
        while (!(File.Exists(path) && ReadFrom(path, offset).Contains(text, StringComparison.Ordinal)))
        {
            if (clock.Elapsed > TimeSpan.FromMinutes(3))
                Assert.Fail($"'{text}' did not appear in {path} within 3 minutes:\n" + (File.Exists(path) ? ReadFrom(path, offset) : "(no file)"));
            Thread.Sleep(100);
        }
    }

    /// <summary>The end of the daemons' logs, for a failure message.</summary>
    string LogTails() => string.Concat(new[] { "slurmctld.log", "slurmd.log" }.Select(name => Path.Combine(dir, "cluster", "log", name))
        .Where(File.Exists).Select(f => $"\n--- {f} (end):\n{string.Join('\n', File.ReadLines(f).TakeLast(25))}"));

    string Logs(string comparison) => string.Concat(Directory.GetFiles(Path.Combine(dir, comparison, "slurm"), "*.out").Select(f => $"\n--- {f}\n{File.ReadAllText(f)}"));
}
