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
        var term = RlmixProcess.RunHeldThenTerminated(dir, "epoch-end:1", args);
        string text = term.Output;
        Assert.True(term.ExitCode == 143, text);
        Assert.Contains("--resume", text);
        Assert.True(File.Exists(Path.Combine(dir, "run", "checkpoint.bin")));
        Assert.False(File.Exists(Path.Combine(dir, "run", "metrics.json")));

        var resumed = RlmixProcess.Run(dir, [.. args, "--resume"]);
        Assert.True(resumed.ExitCode == 0, resumed.Output);
        Assert.Contains("Resumed from", resumed.Output);
        Assert.True(File.Exists(Path.Combine(dir, "run", "metrics.json")));
    }
}
