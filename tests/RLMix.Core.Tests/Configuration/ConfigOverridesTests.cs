using System.Text.Json.Nodes;
using RLMix.Configuration;
using RLMix.Errors;

namespace RLMix.Core.Tests.Configuration;

public sealed class ConfigOverridesTests
{
    static JsonNode Apply(string json, params string[] sets) => JsonNode.Parse(ConfigOverrides.Apply(json, sets, "c.json"))!;

    [Fact]
    public void Values_AreJsonWhenTheyParse_StringsOtherwise()
    {
        var c = Apply("{}", "epochs=3", "trainer.max_lr=0.05", "data.dataset=synthetic", "rlmix.policy=fixed:0.5", "seeds=[0, 1]", "rmix.flag=true");
        Assert.Equal(3, (int)c["epochs"]!);
        Assert.Equal(0.05, (double)c["trainer"]!["max_lr"]!);
        Assert.Equal("synthetic", (string)c["data"]!["dataset"]!);
        Assert.Equal("fixed:0.5", (string)c["rlmix"]!["policy"]!);
        Assert.Equal([0, 1], c["seeds"]!.AsArray().Select(n => (int)n!));
        Assert.True((bool)c["rmix"]!["flag"]!);
    }

    [Fact]
    public void LaterSets_Win_AndKeepTheRestOfTheFile()
    {
        var c = Apply("""{ "epochs": 5, "trainer": { "max_lr": 0.2, "pct_start": 0.3 } } // comment""", "trainer.max_lr=0.1", "epochs=1", "epochs=2");
        Assert.Equal(2, (int)c["epochs"]!);
        Assert.Equal(0.1, (double)c["trainer"]!["max_lr"]!);
        Assert.Equal(0.3, (double)c["trainer"]!["pct_start"]!);
    }

    [Fact]
    public void ArrayIndices_ReachEntries()
    {
        var c = Apply("""{ "entries": [ { "name": "a" }, { "name": "b", "options": { "alpha": 1 } } ] }""", "entries.1.options.alpha=0.5");
        Assert.Equal(0.5, (double)c["entries"]![1]!["options"]!["alpha"]!);
        Assert.Equal("a", (string)c["entries"]![0]!["name"]!);
    }

    [Theory]
    [InlineData("""{ "epochs": 2 }""", "epochs.x=1", "'epochs' is a value")]
    [InlineData("""{ "entries": [ {} ] }""", "entries.3.name=x", "index from 0 to 0")]
    [InlineData("{}", "=1", "key.path=value")]
    [InlineData("{}", "a..b=1", "key.path=value")]
    [InlineData("[1]", "a=1", "must be a JSON object")]
    public void BadSettings_AreUsageErrorsNamingThePath(string json, string set, string message)
    {
        var e = Assert.Throws<UsageException>(() => ConfigOverrides.Apply(json, [set], "c.json"));
        Assert.Contains(message, e.Message);
    }

    [Fact]
    public void NoSets_LeavesTheTextAsItIs()
    {
        const string json = "{ /* kept */ \"epochs\": 2 }";
        Assert.Same(json, ConfigOverrides.Apply(json, [], "c.json"));
    }
}
