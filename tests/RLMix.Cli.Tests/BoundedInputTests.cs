namespace RLMix.Cli.Tests;

/// <summary>
/// Inputs that once allocated without bound or ended as exit 1 with libtorch's C++ frames: each is
/// now exit 2 with a message naming the value, through the real binary.
/// </summary>
public sealed class BoundedInputTests : IDisposable
{
    readonly string dir = Directory.CreateTempSubdirectory("rlmix-bounded-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    static void AssertCleanUsageError(RlmixProcess.Result r, string named)
    {
        Assert.True(r.ExitCode == 2, r.Output);
        Assert.Contains(named, r.Output);
        Assert.DoesNotContain("frame #", r.Output);        // libtorch's C++ stack
        Assert.DoesNotContain("   at ", r.Output);          // .NET stack trace
        Assert.DoesNotContain("Unexpected error", r.Output);
    }

    [Theory]
    [InlineData("""{ "epochs": 2, "epochs": 3 }""", "duplicate key 'epochs'")]
    [InlineData("""{ "data": { "pad_to": 100000 } }""", "data.pad_to = 100000")]
    [InlineData("""{ "data": { "batch_size": 10, "pad_to": 4096 } }""", "pad_to = 4096")]   // a valid side, but a batch of 10 x 3 x 4096 x 4096 is 5e8 values
    public void Train_ConfigAskingForTooMuch_IsExit2BeforeTheRunDirectoryExists(string json, string named)
    {
        File.WriteAllText(Path.Combine(dir, "c.json"), json);
        var r = RlmixProcess.Run(dir, "train", "--config", "c.json", "--dataset", "synthetic", "--limit-train", "100", "--limit-test", "20", "--out", "run");
        AssertCleanUsageError(r, named);
        Assert.False(Directory.Exists(Path.Combine(dir, "run")));
    }

    [Fact]
    public void Train_AHugeMethodName_GivesAShortErrorLine()
    {
        File.WriteAllText(Path.Combine(dir, "c.json"), $$"""{ "method": "{{new string('m', 5_000_000)}}" }""");
        var r = RlmixProcess.Run(dir, "train", "--config", "c.json", "--out", "run");
        AssertCleanUsageError(r, "Unknown method 'mmmm");
        Assert.True(r.Output.Length < 2000, $"{r.Output.Length} characters of output");
    }

    [Theory]
    [InlineData(""" "num_classes": 1000000000 """, "'num_classes' = 1000000000")]
    [InlineData(""" "num_classes": 2147483648 """, "'num_classes' = 2147483648")]
    public void Mix_HugeNumClassesOnTwoImages_IsExit2(string numClasses, string named)
    {
        File.WriteAllText(Path.Combine(dir, "in.json"), $$"""
            { "images": { "shape": [2, 1, 2, 2], "data": [0, 0, 0, 0, 0, 0, 0, 0] }, "labels": { "shape": [2], "data": [0, 1] },
              {{numClasses}}, "permutation": { "shape": [2], "data": [1, 0] }, "lambda": 0.5 }
            """);
        AssertCleanUsageError(RlmixProcess.Run(dir, "mix", "--method", "mixup", "--input", "in.json", "--output", "out.json"), named);
        Assert.False(File.Exists(Path.Combine(dir, "out.json")));
    }

    [Fact]
    public void Mix_ZeroHeightAndWidth_IsExit2()
    {
        File.WriteAllText(Path.Combine(dir, "in.json"), """
            { "images": { "shape": [2, 1, 0, 0], "data": [] }, "labels": { "shape": [2], "data": [0, 1] }, "num_classes": 2,
              "permutation": { "shape": [2], "data": [1, 0] }, "saliency": { "shape": [2, 0, 0], "data": [] },
              "q": { "shape": [2], "data": [0.5, 0.5] }, "lambda": 0.5, "p": 1 }
            """);
        AssertCleanUsageError(RlmixProcess.Run(dir, "mix", "--method", "rmix", "--input", "in.json", "--output", "out.json"), "[2, 1, 0, 0]");
    }

    [Theory]
    [InlineData("no/such/dir/out.json")]
    [InlineData(".")]
    public void Mix_AnOutputThatCannotBeWritten_IsExit2NamingIt(string output)
    {
        File.WriteAllText(Path.Combine(dir, "in.json"), """
            { "images": { "shape": [2, 1, 1, 2], "data": [1, 2, 3, 4] }, "labels": { "shape": [2], "data": [0, 1] }, "num_classes": 2,
              "permutation": { "shape": [2], "data": [1, 0] }, "lambda": 0.5 }
            """);
        AssertCleanUsageError(RlmixProcess.Run(dir, "mix", "--method", "mixup", "--input", "in.json", "--output", output), $"--output '{output}'");
    }

    [Fact]
    public void Train_Overwrite_LeavesOnlyTheNewRunsLinesInLogTxt()
    {
        string[] args = ["train", "--dataset", "synthetic", "--limit-train", "40", "--limit-test", "20", "--batch-size", "20", "--epochs", "1", "--out", "run"];
        Assert.Equal(0, RlmixProcess.Run(dir, args).ExitCode);
        var second = RlmixProcess.Run(dir, [.. args, "--overwrite"]);
        Assert.True(second.ExitCode == 0, second.Output);
        // Redirected output: plain lines (no ANSI colour codes), progress for the final test + FGSM pass, no resume talk.
        Assert.DoesNotContain('\u001b', second.Output);
        Assert.Contains("Final evaluation: batch 1/1", second.Output);
        Assert.DoesNotContain("--resume: no checkpoint", second.Output);
        Assert.Single(Directory.GetFiles(Path.Combine(dir, "run", "tb")));   // --overwrite leaves the new run's event file only
        var log = File.ReadAllLines(Path.Combine(dir, "run", "log.txt"));
        Assert.Single(log, l => l.Contains("rlmix train:"));
    }

    [Fact]
    public void AgentTrain_Overwrite_RemovesTheOldRunsTensorBoardFilesAndLogLines()
    {
        string[] args = ["agent", "train", "--dataset", "synthetic", "--limit-train", "40", "--batch-size", "20", "--max-batches", "1", "--episodes", "1", "--out", "agent"];
        Assert.Equal(0, RlmixProcess.Run(dir, args).ExitCode);
        string old = Path.Combine(dir, "agent", "tb", "events.out.tfevents.0.old-run");
        File.WriteAllText(old, "an earlier run's events");

        var second = RlmixProcess.Run(dir, [.. args, "--overwrite"]);
        Assert.True(second.ExitCode == 0, second.Output);
        Assert.False(File.Exists(old));
        Assert.Single(Directory.GetFiles(Path.Combine(dir, "agent", "tb")));   // the new run's event file only
        Assert.Single(File.ReadAllLines(Path.Combine(dir, "agent", "log.txt")), l => l.Contains("rlmix agent train:"));
    }
}
