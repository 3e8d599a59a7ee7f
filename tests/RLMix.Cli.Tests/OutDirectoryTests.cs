namespace RLMix.Cli.Tests;

/// <summary>Unusable <c>--out</c> paths are usage errors naming the path, before anything is written.</summary>
public sealed class OutDirectoryTests : IDisposable
{
    readonly string dir = Directory.CreateTempSubdirectory("rlmix-outdir-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    static readonly string[] Train = ["train", "--dataset", "synthetic", "--limit-train", "100", "--limit-test", "50", "--batch-size", "50", "--epochs", "1"];

    [Theory]
    [InlineData("", "--out is empty")]
    [InlineData("file", "--out 'file' is an existing file")]
    [InlineData("file/run", "'file' is a file")]
    [InlineData("dangling", "is a symbolic link to 'nowhere', which does not exist")]
    [InlineData("300", "is 300 bytes long; file systems allow at most 255")]
    public void Train_UnusableOut_IsExit2NamingIt(string @out, string message)
    {
        File.WriteAllText(Path.Combine(dir, "file"), "x");
        File.CreateSymbolicLink(Path.Combine(dir, "dangling"), "nowhere");
        if (@out == "300") @out = new string('x', 300);

        var r = RlmixProcess.Run(dir, [.. Train, "--out", @out]);

        Assert.True(r.ExitCode == 2, r.Output);
        Assert.Contains(message, r.Output);
        Assert.DoesNotContain("Unexpected error", r.Output);
        Assert.Equal("x", File.ReadAllText(Path.Combine(dir, "file")));
    }

    [Theory]
    [InlineData("", "--out is empty")]
    [InlineData("file", "--out 'file' is an existing file")]
    public void Compare_UnusableOut_IsExit2NamingIt(string @out, string message)
    {
        File.WriteAllText(Path.Combine(dir, "file"), "x");
        File.WriteAllText(Path.Combine(dir, "c.json"), """{ "name": "t", "dataset": "synthetic", "epochs": 1, "entries": [ { "name": "v", "method": "vanilla" } ] }""");

        var r = RlmixProcess.Run(dir, "compare", "--config", "c.json", "--out", @out);

        Assert.True(r.ExitCode == 2, r.Output);
        Assert.Contains(message, r.Output);
    }

    [Fact]
    public void Overwrite_OfADirectoryThatDoesNotExistYet_Trains()
    {
        var r = RlmixProcess.Run(dir, [.. Train, "--overwrite", "--out", "new/run"]);

        Assert.True(r.ExitCode == 0, r.Output);
        Assert.True(File.Exists(Path.Combine(dir, "new", "run", "metrics.json")));
    }
}
