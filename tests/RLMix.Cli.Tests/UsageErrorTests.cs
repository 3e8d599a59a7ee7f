namespace RLMix.Cli.Tests;

public sealed class UsageErrorTests : IDisposable
{
    readonly string dir = Directory.CreateTempSubdirectory("rlmix-cli-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    [Theory]
    [InlineData("Unknown method 'nosuch'", "train", "--method", "nosuch")]
    [InlineData("Unknown dataset 'mnist3'", "train", "--dataset", "mnist3")]
    [InlineData("Unknown model 'resnet9000'", "train", "--model", "resnet9000")]
    [InlineData("--epochs must be a positive", "train", "--epochs", "-1")]
    [InlineData("--batch-size must be a positive", "train", "--batch-size", "0")]
    [InlineData("Unknown device 'tpu'", "train", "--device", "tpu")]
    [InlineData("error:", "train", "--epochs", "many")]
    [InlineData("error:", "train", "--no-such-option")]
    public void Train_RefusesBadOptionsWithExit2AndNoOutput(string message, params string[] args)
    {
        var r = RlmixProcess.Run(dir, [.. args, "--out", "run"]);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains(message, r.Output);
        Assert.DoesNotContain("   at ", r.Output); // no stack trace without --verbose
        Assert.False(Directory.Exists(Path.Combine(dir, "run")));
    }

    [Theory]
    [InlineData("""{ "epochz": 2 }""", "unknown key 'epochz'")]
    [InlineData("""{ "epochs": "two" }""", "key 'epochs' has the wrong type")]
    [InlineData("""{ "data": { "dataset": 5 } }""", "key 'data.dataset' has the wrong type")]
    public void Train_RefusesABadConfigFileNamingTheKey(string json, string message)
    {
        File.WriteAllText(Path.Combine(dir, "c.json"), json);
        var r = RlmixProcess.Run(dir, "train", "--config", "c.json", "--out", "run");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains(message, r.Output);
        Assert.False(Directory.Exists(Path.Combine(dir, "run")));
    }

    [Fact]
    public void Train_MissingDataIsExit3NamingThePathAndTheFix()
    {
        var r = RlmixProcess.Run(dir, "train", "--dataset", "fashion-mnist", "--data-dir", "nowhere", "--out", "run");
        Assert.Equal(3, r.ExitCode);
        Assert.Contains("nowhere", r.Output);
        Assert.Contains("dataset-fashion-mnist", r.Output);
        Assert.False(Directory.Exists(Path.Combine(dir, "run")));
    }
}
