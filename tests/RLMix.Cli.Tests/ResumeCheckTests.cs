namespace RLMix.Cli.Tests;

/// <summary>One finished R-Mix run (with its checkpoint), shared by the cases that try to continue it under other settings.</summary>
public sealed class FinishedRmixRun : IDisposable
{
    public static readonly string[] Args =
        ["train", "--method", "rmix", "--dataset", "synthetic", "--limit-train", "100", "--limit-test", "50", "--batch-size", "50", "--epochs", "1"];

    public readonly string Dir = Directory.CreateTempSubdirectory("rlmix-resume-base-").FullName;

    public FinishedRmixRun()
    {
        var r = RlmixProcess.Run(Dir, [.. Args, "--out", "run"]);
        if (r.ExitCode != 0) throw new InvalidOperationException("the base run failed: " + r.Output);
    }

    public void Dispose() => Directory.Delete(Dir, recursive: true);
}

/// <summary><c>rlmix train --resume</c> continues a run only under the settings it was trained with.</summary>
public sealed class ResumeCheckTests(FinishedRmixRun baseRun) : IClassFixture<FinishedRmixRun>, IDisposable
{
    readonly string dir = Directory.CreateTempSubdirectory("rlmix-resume-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    string CopyOfBaseRun()
    {
        string run = Path.Combine(dir, "run");
        Directory.CreateDirectory(run);
        foreach (var f in Directory.GetFiles(Path.Combine(baseRun.Dir, "run")))
            File.Copy(f, Path.Combine(run, Path.GetFileName(f)));
        return run;
    }

    static string[] With(params string[] changes)
    {
        var args = FinishedRmixRun.Args.ToList();
        for (int i = 0; i < changes.Length; i += 2)
        {
            int at = args.IndexOf(changes[i]);
            if (at >= 0) args[at + 1] = changes[i + 1];
            else args.AddRange([changes[i], changes[i + 1]]);
        }
        return [.. args, "--out", "run", "--resume"];
    }

    [Theory]
    [InlineData("method: checkpoint has rmix, this run vanilla", "--method", "vanilla")]
    [InlineData("method: checkpoint has rmix, this run rlmix", "--method", "rlmix")]
    [InlineData("seed: checkpoint has 0, this run 1", "--seed", "1")]
    [InlineData("data.batch_size: checkpoint has 50, this run 25", "--batch-size", "25")]
    [InlineData("trainer.max_lr: checkpoint has 0.3, this run 0.1", "--config", "max-lr.json")]
    [InlineData("rmix.alpha: checkpoint has 1, this run 0.5", "--config", "alpha.json")]
    public void ResumeUnderOtherSettings_IsExit2NamingTheFirstDifference_AndLeavesTheRunAsItWas(string message, params string[] change)
    {
        string run = CopyOfBaseRun();
        File.WriteAllText(Path.Combine(dir, "max-lr.json"), """{ "trainer": { "max_lr": 0.1 } }""");
        File.WriteAllText(Path.Combine(dir, "alpha.json"), """{ "rmix": { "alpha": 0.5 } }""");
        var before = Directory.GetFiles(run).ToDictionary(f => Path.GetFileName(f), File.ReadAllBytes);

        var r = RlmixProcess.Run(dir, With(change));

        Assert.True(r.ExitCode == 2, r.Output);
        Assert.Contains(message, r.Output);
        Assert.DoesNotContain("   at ", r.Output);
        foreach (var (name, bytes) in before)
            Assert.True(bytes.AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(run, name))), $"{name} changed");
    }

    [Fact]
    public void FinishedRunWithoutCheckpoint_UnderAnotherMethod_IsRefusedNotRelabelled()
    {
        string run = CopyOfBaseRun();
        File.Delete(Path.Combine(run, "checkpoint.bin"));
        string metrics = File.ReadAllText(Path.Combine(run, "metrics.json"));

        var r = RlmixProcess.Run(dir, With("--method", "vanilla"));

        Assert.True(r.ExitCode == 2, r.Output);
        Assert.Contains("method: finished run has rmix, this run vanilla", r.Output);
        Assert.Equal(metrics, File.ReadAllText(Path.Combine(run, "metrics.json")));
    }

    [Fact]
    public void ResumeWithOnlyOutputSettingsChanged_IsAccepted()
    {
        CopyOfBaseRun();

        var r = RlmixProcess.Run(dir, [.. With(), "--verbose", "--on-nonfinite", "skip"]);

        Assert.True(r.ExitCode == 0, r.Output);
        Assert.Contains("Resumed from", r.Output);
    }
}
