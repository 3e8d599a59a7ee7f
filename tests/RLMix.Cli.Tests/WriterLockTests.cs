using System.Diagnostics;
using System.Text;

namespace RLMix.Cli.Tests;

/// <summary>One writer per directory: a second rlmix writing into a run or comparison directory in use is refused, naming the holder.</summary>
public sealed class WriterLockTests : IDisposable
{
    readonly string dir = Directory.CreateTempSubdirectory("rlmix-lock-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    /// <summary>Starts rlmix and waits until it holds the lock of <paramref name="locked"/>.</summary>
    Process StartHolding(string locked, params string[] args)
    {
        var output = new StringBuilder();
        var p = new Process { StartInfo = RlmixProcess.StartInfo(dir, args) };
        p.OutputDataReceived += (_, e) => { lock (output) output.AppendLine(e.Data); };
        p.ErrorDataReceived += (_, e) => { lock (output) output.AppendLine(e.Data); };
        p.Start();
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        var holder = Path.Combine(dir, locked, ".rlmix.lock.holder");
        var clock = Stopwatch.StartNew();
        while (!File.Exists(holder))
        {
            if (p.HasExited || clock.Elapsed > TimeSpan.FromMinutes(5))
                throw new InvalidOperationException("rlmix never took the lock: " + output);
            Thread.Sleep(100);
        }
        return p;
    }

    static void Kill9(Process p)
    {
        using (var kill = Process.Start("kill", ["-KILL", p.Id.ToString()])) kill.WaitForExit();
        p.WaitForExit();
    }

    [Fact]
    public void SecondTrain_AndAResumeWhileTheFirstRuns_AreRefused_AKilledHolderReleasesTheLock()
    {
        string[] args = ["train", "--method", "vanilla", "--dataset", "synthetic", "--limit-train", "2000", "--limit-test", "100", "--batch-size", "50", "--epochs", "20", "--out", "run"];
        using var first = StartHolding("run", args);
        try
        {
            var second = RlmixProcess.Run(dir, [.. args, "--seed", "1", "--overwrite"]);
            var resume = RlmixProcess.Run(dir, [.. args, "--resume"]);

            foreach (var r in new[] { second, resume })
            {
                Assert.True(r.ExitCode == 2, r.Output);
                Assert.Contains($"in use by another rlmix process (host {Environment.MachineName}, pid {first.Id}", r.Output);
            }
            Assert.False(first.HasExited);
        }
        finally { Kill9(first); }

        // The kernel released the killed holder's lock; a small run replaces it and reports the stale holder.
        var after = RlmixProcess.Run(dir, "train", "--method", "vanilla", "--dataset", "synthetic", "--limit-train", "100", "--limit-test", "50",
            "--batch-size", "50", "--epochs", "1", "--out", "run", "--overwrite");

        Assert.True(after.ExitCode == 0, after.Output);
        Assert.Contains($"ended without releasing it (host {Environment.MachineName}, pid {first.Id}", after.Output);
    }

    [Fact]
    public void SecondCompare_IntoTheSameDirectory_IsRefusedNamingTheHolder()
    {
        File.WriteAllText(Path.Combine(dir, "c.json"), """
            { "name": "t", "dataset": "synthetic", "epochs": 3, "seeds": [0, 1],
              "base": { "data": { "limit_train": 2000, "limit_test": 100, "batch_size": 50 } },
              "entries": [ { "name": "v", "method": "vanilla" } ] }
            """);
        using var first = StartHolding("cmp", "compare", "--config", "c.json", "--out", "cmp");
        try
        {
            var second = RlmixProcess.Run(dir, "compare", "--config", "c.json", "--out", "cmp");

            Assert.True(second.ExitCode == 2, second.Output);
            Assert.Contains($"comparison directory 'cmp' is in use by another rlmix process (host {Environment.MachineName}, pid {first.Id}", second.Output);
        }
        finally { Kill9(first); }
    }
}
