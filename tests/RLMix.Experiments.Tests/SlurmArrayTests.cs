using System.Diagnostics;
using RLMix.Errors;

namespace RLMix.Experiments.Tests;

/// <summary>The job-array script of <c>rlmix compare --slurm</c>: its array, its options, and what it does on SIGTERM (run by bash, with a stand-in for rlmix and scontrol).</summary>
public sealed class SlurmArrayTests : IDisposable
{
    readonly string dir = Directory.CreateTempSubdirectory("rlmix-sbatch-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    [Theory]
    [InlineData(new[] { 0, 1, 2, 3 }, "0-3")]
    [InlineData(new[] { 7, 3, 1, 5, 6 }, "1,3,5-7")]
    [InlineData(new[] { 2 }, "2")]
    [InlineData(new[] { 4, 4, 5 }, "4-5")]
    public void Ranges_AreSortedWithConsecutiveRunsJoined(int[] cells, string expected) => Assert.Equal(expected, SlurmArray.Ranges(cells));

    [Theory]
    [InlineData("--array=1-3", "rlmix sets --array itself")]
    [InlineData("-a 1", "rlmix sets --array itself")]
    [InlineData("partition=gpu", "is not an sbatch option")]
    [InlineData("--time=1:00:00\n#SBATCH --array=9", "line break")]
    public void BadSbatchOptions_AreUsageErrorsNamingThem(string option, string expected)
    {
        var e = Assert.Throws<UsageException>(() => SlurmArray.CheckOptions(["--partition=gpu", option]));
        Assert.Contains(expected, e.Message);
        Assert.StartsWith("--sbatch-option", e.Message);
    }

    [Fact]
    public void Script_HasTheArrayTheSignalTheRequeueAndTheUsersOptions()
    {
        string script = SlurmArray.Script("my comparison", [1, 3, 4], Path.Combine(dir, "out"), dir, ["/opt/rlmix", "compare"], ["--partition=gpu", "--time=2:00:00"]);

        var directives = script.Split('\n').Where(l => l.StartsWith("#SBATCH ", StringComparison.Ordinal)).ToList();
        Assert.Equal([
            "#SBATCH --job-name=rlmix-my_comparison", "#SBATCH --array=1,3-4", $"#SBATCH --output={dir}/out/slurm/cell-%a.out", "#SBATCH --open-mode=append",
            $"#SBATCH --chdir={dir}", "#SBATCH --signal=B:TERM@120", "#SBATCH --requeue", "#SBATCH --partition=gpu", "#SBATCH --time=2:00:00"], directives);
        Assert.Contains("'/opt/rlmix' 'compare' --cell \"$SLURM_ARRAY_TASK_ID\" &", script);
    }

    [Fact]
    public void OutDirWithASpace_IsAUsageError() =>
        Assert.Contains("#SBATCH line", Assert.Throws<UsageException>(() => SlurmArray.Script("c", [0], Path.Combine(dir, "my runs"), dir, ["/opt/rlmix"], [])).Message);

    [Fact]
    public void Quote_KeepsEveryCharacterForBash()
    {
        string word = "it's a $HOME `x` \"y\" \\ z";
        var (code, output) = Bash($"printf '%s' {SlurmArray.Quote(word)}", new());
        Assert.Equal(0, code);
        Assert.Equal(word, output);
    }

    // The stand-in for rlmix sets its handler, prints its cell (the test signals on that line), then runs until SIGTERM, which it answers like rlmix: a checkpoint, exit 143.
    const string Checkpointing = "trap 'echo checkpoint written; exit 143' TERM; echo \"cell $2\"; while true; do sleep 0.05; done";

    [Fact]
    public void Sigterm_ReachesRlmix_AndACheckpointedTaskIsRequeued()
    {
        var (code, output, requeued) = RunScript(Checkpointing, terminate: true);

        Assert.Equal(143, code);
        Assert.Contains("cell 3", output);
        Assert.Contains("checkpoint written", output);
        Assert.Equal("requeue 7_3", requeued);
    }

    [Theory]
    [InlineData("exit 0", 0)]
    [InlineData("echo 'error: bad config' >&2; exit 2", 2)]
    public void ATaskThatEndsByItself_KeepsItsExitCode_AndIsNotRequeued(string body, int expected)
    {
        var (code, _, requeued) = RunScript(body, terminate: false);

        Assert.Equal(expected, code);
        Assert.Equal("", requeued);
    }

    [Fact]
    public void Sigterm_ToATaskThatDoesNotCheckpoint_IsNotRequeued()
    {
        var (code, _, requeued) = RunScript("trap 'exit 1' TERM; echo \"cell $2\"; while true; do sleep 0.05; done", terminate: true);

        Assert.Equal(1, code);
        Assert.Equal("", requeued);
    }

    [Fact]
    public void Sigterm_BeforeTheScriptHasStoredRlmixsPid_StillReachesRlmix()
    {
        // The interleaving where TERM lands between starting rlmix and `rlmix_pid=$!`, made certain: the script
        // signals itself there (once the stand-in has set its own trap), so its trap runs before the assignment.
        string ready = Path.Combine(dir, "ready");
        var (code, _, requeued) = RunScript($"trap 'exit 1' TERM; touch '{ready}'; echo \"cell $2\"; while true; do sleep 0.05; done", terminate: false,
            edit: script => script.Replace("rlmix_pid=$!\n", $"while [ ! -e '{ready}' ]; do sleep 0.01; done; kill -TERM $$\nrlmix_pid=$!\n", StringComparison.Ordinal));

        Assert.Equal(1, code);
        Assert.Equal("", requeued);
    }

    /// <summary>Runs the script as Slurm would run array task 7_3, with fake rlmix and scontrol; <paramref name="terminate"/> sends SIGTERM to the script (what --signal=B:TERM does) once rlmix has started.</summary>
    (int Code, string Output, string Requeued) RunScript(string rlmixBody, bool terminate, Func<string, string>? edit = null)
    {
        string bin = Directory.CreateDirectory(Path.Combine(dir, "bin")).FullName;
        string record = Path.Combine(dir, "scontrol.txt");
        File.WriteAllText(Path.Combine(bin, "scontrol"), $"#!/bin/sh\necho \"$@\" > '{record}'\n");
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(Path.Combine(bin, "scontrol"), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        string script = Path.Combine(dir, "compare.sbatch");
        string text = SlurmArray.Script("t", [3], Path.Combine(dir, "out"), dir, ["bash", "-c", rlmixBody, "rlmix"], []);
        Assert.Contains("rlmix_pid=$!\n", text);
        File.WriteAllText(script, edit is null ? text : edit(text));

        var psi = new ProcessStartInfo("bash", [script]) { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.Environment["PATH"] = bin + ":" + Environment.GetEnvironmentVariable("PATH");
        psi.Environment["SLURM_ARRAY_JOB_ID"] = "7";
        psi.Environment["SLURM_ARRAY_TASK_ID"] = "3";
        using var p = Process.Start(psi)!;
        var stderr = p.StandardError.ReadToEndAsync();
        var output = new System.Text.StringBuilder();
        var reading = Task.Run(() =>
        {
            string? line;
            while ((line = p.StandardOutput.ReadLine()) != null)
            {
                lock (output) output.AppendLine(line);
                if (terminate && line == "cell 3")
                    using (var kill = Process.Start("kill", ["-TERM", p.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])) kill.WaitForExit();
            }
        });
        // Output stays open while anything the script started still runs: a stand-in left running would hang the test.
        Assert.True(reading.Wait(TimeSpan.FromMinutes(2)), $"the script's output did not end (a process it started is still running):\n{output}");
        Assert.True(p.WaitForExit(TimeSpan.FromMinutes(1)));
        return (p.ExitCode, output + stderr.Result, File.Exists(record) ? File.ReadAllText(record).Trim() : "");
    }

    static (int Code, string Output) Bash(string command, Dictionary<string, string> env)
    {
        var psi = new ProcessStartInfo("bash", ["-c", command]) { RedirectStandardOutput = true };
        foreach (var (k, v) in env) psi.Environment[k] = v;
        using var p = Process.Start(psi)!;
        string output = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        return (p.ExitCode, output);
    }
}
