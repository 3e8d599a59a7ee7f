namespace RLMix.Cli.Tests;

public sealed class BenchUsageTests : IDisposable
{
    readonly string dir = Directory.CreateTempSubdirectory("rlmix-cli-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    [Theory]
    [InlineData("--precision must be above 0", "--precision", "0")]
    [InlineData("--precision must be above 0", "--precision", "-0.05")]
    [InlineData("--max-rounds (10) must be at least --steps (45)", "--max-rounds", "10")]
    [InlineData("--max-rounds (5) must be at least --steps (6)", "--steps", "6", "--max-rounds", "5")]
    [InlineData("--max-minutes must be above 0", "--max-minutes", "0")]
    public void Bench_RefusesABadPrecisionRuleWithExit2BeforeTimingAnything(string message, params string[] args)
    {
        var r = RlmixProcess.Run(dir, ["bench", "--methods", "vanilla", .. args, "--out", "b.json"]);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains(message, r.Output);
        Assert.DoesNotContain("   at ", r.Output);
        Assert.DoesNotContain("pre-training", r.Output);   // refused before the data and the model
        Assert.False(File.Exists(Path.Combine(dir, "b.json")));
    }

    [Fact]
    public void BenchHelp_DocumentsThePrecisionRuleAndItsCaps()
    {
        var r = RlmixProcess.Run(dir, "bench", "--help");
        Assert.Equal(0, r.ExitCode);
        foreach (var option in new[] { "--precision", "--max-rounds", "--max-minutes", "--steps" }) Assert.Contains(option, r.Output);
        Assert.Contains("0.06", r.Output);
    }
}
