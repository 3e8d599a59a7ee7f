using System.Diagnostics;
using System.Text;

namespace RLMix.Cli.Tests;

public sealed class InterruptTests : IDisposable
{
    readonly string dir = Directory.CreateTempSubdirectory("rlmix-sig-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    [Fact]
    public void Sigterm_WritesACheckpointExits143_AndResumeFinishesTheRun()
    {
        // Small (1,100 images trained in all, against 10,000 before), but the signal sent at the end
        // of epoch 1 still lands with five of six epochs of work left.
        string[] args = ["train", "--method", "vanilla", "--dataset", "synthetic", "--limit-train", "100", "--limit-test", "20", "--batch-size", "10", "--epochs", "6", "--out", "run"];
        // The run holds after epoch 1's checkpoint (RLMIX_HOLD_AT) until the signal, so that it cannot finish first.
        var output = new StringBuilder();
        using var epochDone = new ManualResetEventSlim();
        var psi = RlmixProcess.StartInfo(dir, args);
        psi.Environment["RLMIX_HOLD_AT"] = "epoch-end:1";
        using var p = new Process { StartInfo = psi };
        p.OutputDataReceived += (_, e) => { lock (output) output.AppendLine(e.Data); };
        p.ErrorDataReceived += (_, e) =>
        {
            lock (output) output.AppendLine(e.Data);
            if (e.Data?.Contains("RLMIX_HOLD_AT: holding at epoch-end") == true) epochDone.Set();
        };
        p.Start();
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        Assert.True(epochDone.Wait(TimeSpan.FromMinutes(5)), "epoch 1 did not finish: " + output);

        RlmixProcess.Terminate(p);
        Assert.True(p.WaitForExit(TimeSpan.FromMinutes(5)));
        p.WaitForExit(); // drain the output
        string text;
        lock (output) text = output.ToString();
        Assert.Equal(143, p.ExitCode);
        Assert.Contains("--resume", text);
        Assert.True(File.Exists(Path.Combine(dir, "run", "checkpoint.bin")));
        Assert.False(File.Exists(Path.Combine(dir, "run", "metrics.json")));

        var resumed = RlmixProcess.Run(dir, [.. args, "--resume"]);
        Assert.True(resumed.ExitCode == 0, resumed.Output);
        Assert.Contains("Resumed from", resumed.Output);
        Assert.True(File.Exists(Path.Combine(dir, "run", "metrics.json")));
    }
}
