using System.Diagnostics;
using System.Reflection;
using System.Text;
using RLMix.Training;

namespace RLMix.Cli.Tests;

/// <summary>One SIGTERM stops even a batch that never ends, and reward plug-in failures are reported by name, through the real binary.</summary>
public sealed class GracePeriodTests : IDisposable
{
    readonly string dir = Directory.CreateTempSubdirectory("rlmix-grace-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    static string PluginPath => typeof(GracePeriodTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "RewardPluginPath").Value!;

    string Config(string rewardType)
    {
        string path = Path.Combine(dir, "c.json");
        File.WriteAllText(path, $$"""
            { "method": "rlmix", "epochs": 1,
              "data": { "dataset": "synthetic", "limit_train": 100, "limit_test": 20, "batch_size": 10 },
              "rlmix": { "reward_plugin": "{{PluginPath}}", "reward_type": "{{rewardType}}", "n_steps": 4, "batch_size": 4 } }
            """);
        return path;
    }

    [Fact]
    public void Sigterm_DuringAHungBatch_ExitsAfterTheGracePeriod_WithTheMidEpochCheckpointIntact()
    {
        var psi = RlmixProcess.StartInfo(dir, "train", "--config", Config("RLMix.RewardPlugin.Sample.HangingReward"), "--out", "run",
            "--checkpoint-every", "1", "--grace-period", "1");
        psi.Environment["RLMIX_SAMPLE_HANG_AT"] = "3";   // batches 0 and 1 finish (each checkpointed), batch 2 hangs
        var output = new StringBuilder();
        var errors = new StringBuilder();
        using var hanging = new ManualResetEventSlim();
        using var p = new Process { StartInfo = psi };
        p.OutputDataReceived += (_, e) => { lock (output) output.AppendLine(e.Data); };
        p.ErrorDataReceived += (_, e) =>
        {
            lock (errors) errors.AppendLine(e.Data);
            if (e.Data == "hanging") hanging.Set();
        };
        p.Start();
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        Assert.True(hanging.Wait(TimeSpan.FromMinutes(5)), "the reward never hung: " + output);

        RlmixProcess.Terminate(p);   // one signal only
        bool exited = p.WaitForExit(TimeSpan.FromMinutes(2));
        if (!exited) p.Kill(entireProcessTree: true);
        Assert.True(exited, "rlmix did not exit after the grace period");
        p.WaitForExit();   // drain the output
        Assert.Equal(143, p.ExitCode);
        string stderr;
        lock (errors) stderr = errors.ToString();
        Assert.Contains("grace period", stderr);
        Assert.Contains("--resume", stderr);

        string run = Path.Combine(dir, "run");
        Assert.False(File.Exists(Path.Combine(run, CheckpointFile.FileName + ".tmp")));
        var latest = CheckpointFile.TryLoadLatest(run);
        Assert.NotNull(latest);
        Assert.False(latest.UsedPrevious, latest.Problem);
        using var position = latest.Sections.Open("run");
        Assert.Equal((1, 2), (position.ReadInt32(), position.ReadInt32()));   // epoch 1, after batch 2: mid-epoch
    }

    [Fact]
    public void APluginWhoseComputeThrows_IsExit2NamingTheTypeAndTheDll()
    {
        var r = RlmixProcess.Run(dir, "train", "--config", Config("RLMix.RewardPlugin.Sample.ThrowingReward"), "--out", "run");
        Assert.True(r.ExitCode == 2, r.Output);
        string text = System.Text.RegularExpressions.Regex.Replace(r.Output, @"\s*\n", " ");   // the console wraps long lines
        Assert.Contains("RLMix.RewardPlugin.Sample.ThrowingReward", text);
        Assert.Contains("RLMix.RewardPlugin.Sample.dll", text);
        Assert.Contains("sample failure in Compute", text);
        Assert.DoesNotContain("   at ", r.Output);
    }
}
