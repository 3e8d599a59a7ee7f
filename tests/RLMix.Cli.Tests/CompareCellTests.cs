using System.Text.Json.Nodes;

namespace RLMix.Cli.Tests;

/// <summary><c>rlmix compare</c> reuses or resumes a cell only when it was run with the settings the config now gives.</summary>
public sealed class CompareCellTests : IDisposable
{
    readonly string dir = Directory.CreateTempSubdirectory("rlmix-cmpcell-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    void WriteConfig(int epochs, params string[] entries)
    {
        var config = JsonNode.Parse("""{ "name": "t", "dataset": "synthetic", "seeds": [0], "base": { "data": { "limit_train": 100, "limit_test": 50, "batch_size": 50 } } }""")!.AsObject();
        config["epochs"] = epochs;
        config["entries"] = new JsonArray(entries.Select(e => JsonNode.Parse(e)).ToArray());
        File.WriteAllText(Path.Combine(dir, "c.json"), config.ToJsonString());
    }

    RlmixProcess.Result Compare(params string[] extra) => RlmixProcess.Run(dir, ["compare", "--config", "c.json", "--out", "cmp", .. extra]);

    JsonObject Metrics(string entry) => JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "cmp", entry, "seed0", "metrics.json")))!.AsObject();

    [Fact]
    public void EditedEpochs_IsExit2NamingTheCell_AndRerunChangedRedoesIt()
    {
        WriteConfig(1, """{ "name": "vanilla", "method": "vanilla" }""");
        Assert.Equal(0, Compare().ExitCode);
        string results = File.ReadAllText(Path.Combine(dir, "cmp", "results.md"));

        WriteConfig(2, """{ "name": "vanilla", "method": "vanilla" }""");
        var refused = Compare();

        Assert.True(refused.ExitCode == 2, refused.Output);
        Assert.Contains("vanilla/seed0: epochs: the cell has 1, the config now gives 2", refused.Output);
        Assert.Equal(results, File.ReadAllText(Path.Combine(dir, "cmp", "results.md")));
        Assert.Equal(1, (int)Metrics("vanilla")["epochs"]!);

        var rerun = Compare("--rerun-changed");

        Assert.True(rerun.ExitCode == 0, rerun.Output);
        Assert.Equal(2, (int)Metrics("vanilla")["epochs"]!);
        Assert.Equal(2, Metrics("vanilla")["history"]!.AsArray().Count);
    }

    [Fact]
    public void EditedOptions_OfOneEntry_RefuseOnlyThatCell_AndRerunChangedKeepsTheOthers()
    {
        const string vanilla = """{ "name": "vanilla", "method": "vanilla" }""";
        WriteConfig(1, vanilla, """{ "name": "mix", "method": "mixup", "options": { "alpha": 1.0 } }""");
        Assert.Equal(0, Compare().ExitCode);
        string vanillaMetrics = File.ReadAllText(Path.Combine(dir, "cmp", "vanilla", "seed0", "metrics.json"));

        WriteConfig(1, vanilla, """{ "name": "mix", "method": "mixup", "options": { "alpha": 0.2 } }""");
        var refused = Compare();

        Assert.True(refused.ExitCode == 2, refused.Output);
        Assert.Contains("mix/seed0: mixup.alpha: the cell has 1, the config now gives 0.2", refused.Output);
        Assert.Contains("1 cell(s)", refused.Output);

        var rerun = Compare("--rerun-changed");

        Assert.True(rerun.ExitCode == 0, rerun.Output);
        Assert.Contains("vanilla seed 0: finished earlier, skipped", rerun.Output);
        Assert.Equal(vanillaMetrics, File.ReadAllText(Path.Combine(dir, "cmp", "vanilla", "seed0", "metrics.json")));
        var mix = JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "cmp", "mix", "seed0", "identity.json")))!;
        Assert.Equal(0.2, (double)mix["mixup"]!["alpha"]!);
    }

    [Fact]
    public void InterruptedCellOfAnotherMethod_IsNotResumedByThisOne()
    {
        var train = RlmixProcess.Run(dir, "train", "--method", "mixup", "--dataset", "synthetic", "--limit-train", "100", "--limit-test", "50",
            "--batch-size", "50", "--epochs", "1", "--out", "cmp/a/seed0");
        Assert.True(train.ExitCode == 0, train.Output);
        File.Delete(Path.Combine(dir, "cmp", "a", "seed0", "metrics.json")); // as if killed before the end
        WriteConfig(1, """{ "name": "a", "method": "vanilla" }""");

        var r = Compare();

        Assert.True(r.ExitCode == 2, r.Output);
        Assert.Contains("a/seed0: method: the cell has mixup, the config now gives vanilla", r.Output);
        Assert.False(File.Exists(Path.Combine(dir, "cmp", "a", "seed0", "metrics.json")));
    }

    [Theory]
    [InlineData("'a b'", "a b", "a_b", "a/b")]
    [InlineData("'..'", "..")]
    [InlineData("'RMix' and 'rmix'", "RMix", "rmix")]
    public void EntryNamesThatAreNotDistinctSafeDirectories_AreExit2AndNothingIsWritten(string named, params string[] names)
    {
        WriteConfig(1, names.Select(n => new JsonObject { ["name"] = n, ["method"] = "vanilla" }.ToJsonString()).ToArray());

        var r = Compare();

        Assert.True(r.ExitCode == 2, r.Output);
        Assert.Contains(named, r.Output);
        Assert.False(Directory.Exists(Path.Combine(dir, "cmp")));
        Assert.Equal(["c.json"], Directory.GetFileSystemEntries(dir).Select(Path.GetFileName));
    }
}
