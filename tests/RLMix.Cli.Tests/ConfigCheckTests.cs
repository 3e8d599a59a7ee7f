using System.Text.Json.Nodes;

namespace RLMix.Cli.Tests;

/// <summary>Configs, overrides and options are checked in full before any data is loaded or any cell trains.</summary>
public sealed class ConfigCheckTests : IDisposable
{
    readonly string dir = Directory.CreateTempSubdirectory("rlmix-cfgcheck-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    static readonly string[] TinyRun = ["--dataset", "synthetic", "--limit-train", "100", "--limit-test", "50", "--batch-size", "50", "--epochs", "1"];
    static readonly string[] TinyAgent = ["--dataset", "synthetic", "--limit-train", "100", "--batch-size", "50", "--max-batches", "2"];

    void WriteComparison(params string[] entries)
    {
        var config = JsonNode.Parse("""{ "name": "t", "dataset": "synthetic", "epochs": 1, "seeds": [0], "base": { "data": { "limit_train": 100, "limit_test": 50, "batch_size": 50 } } }""")!.AsObject();
        config["entries"] = new JsonArray(entries.Select(e => JsonNode.Parse(e)).ToArray());
        File.WriteAllText(Path.Combine(dir, "c.json"), config.ToJsonString());
    }

    [Theory]
    [InlineData("""{ "name": "rmix", "method": "rmix", "options": { "alpah": 1 } }""", "unknown key 'alpah'", "Allowed keys: alpha")]
    [InlineData("""{ "name": "rl", "method": "rlmix", "policy": "learned:no-such-agent" }""", "no-such-agent", "rlmix.policy")]
    [InlineData("""{ "name": "rl", "method": "rlmix", "policy": "fixed:2" }""", "fixed:2", "rlmix.policy")]
    [InlineData("""{ "name": "rl", "method": "rlmix", "options": { "learning_rate": "fast" } }""", "learning_rate", "Allowed keys:")]
    public void Compare_ABadSecondEntry_IsExit2BeforeAnyCellTrains(string second, string named, string hint)
    {
        WriteComparison("""{ "name": "vanilla", "method": "vanilla" }""", second);
        var r = RlmixProcess.Run(dir, "compare", "--config", "c.json", "--out", "cmp");
        Assert.True(r.ExitCode == 2, r.Output);
        Assert.Contains(named, r.Output);
        Assert.Contains(hint, r.Output);
        Assert.DoesNotContain("Cell 1/", r.Output);
        Assert.False(Directory.Exists(Path.Combine(dir, "cmp")));   // not even the first cell's directory
    }

    [Fact]
    public void Compare_ATopLevelKeyThatBelongsInBase_ListsTheAllowedKeysAndPointsToBase()
    {
        File.WriteAllText(Path.Combine(dir, "c.json"), """{ "name": "t", "trainer": { "max_lr": 0.1 }, "entries": [ { "name": "v", "method": "vanilla" } ] }""");
        var r = RlmixProcess.Run(dir, "compare", "--config", "c.json", "--out", "cmp");
        Assert.True(r.ExitCode == 2, r.Output);
        Assert.Contains("unknown key 'trainer'", r.Output);
        Assert.Contains("Allowed keys: name, dataset, model, epochs, seeds, baseline, base, entries", r.Output);
        Assert.Contains("go under 'base'", r.Output);
    }

    [Fact]
    public void Compare_SetEditsTheConfigBeforeItIsChecked()
    {
        WriteComparison("""{ "name": "vanilla", "method": "vanilla" }""", """{ "name": "rmix", "method": "rmix" }""");
        var r = RlmixProcess.Run(dir, "compare", "--config", "c.json", "--out", "cmp", "--set", "entries.1.options.alpah=2");
        Assert.True(r.ExitCode == 2, r.Output);
        Assert.Contains("unknown key 'alpah'", r.Output);
        Assert.Contains("with --set", r.Output);
        Assert.False(Directory.Exists(Path.Combine(dir, "cmp")));
    }

    [Theory]
    [InlineData("rmix.alpah=1", "unknown key 'alpah'", "Allowed keys: alpha")]
    [InlineData("epochs=many", "key 'epochs' has the wrong type", "")]
    [InlineData("data.datset=x", "unknown key 'data.datset'", "Allowed keys there: dataset")]
    [InlineData("epochs.x=1", "key 'epochs' has the wrong type", "")]
    [InlineData("epochs", "key.path=value", "")]
    [InlineData("rlmix.n_epochs=0", "NEpochs", "")]
    public void Train_BadSet_IsExit2NamingTheKey(string set, string named, string allowed)
    {
        var r = RlmixProcess.Run(dir, ["train", "--method", "rmix", .. TinyRun, "--set", set, "--out", "run"]);
        Assert.True(r.ExitCode == 2, r.Output);
        Assert.Contains(named, r.Output);
        Assert.Contains(allowed, r.Output);
        Assert.False(Directory.Exists(Path.Combine(dir, "run")));
    }

    [Fact]
    public void Train_RerunFromTheWrittenConfigJson_GivesTheSameSettingsAndNumbers()
    {
        var first = RlmixProcess.Run(dir, ["train", "--method", "mixup", .. TinyRun, "--set", "mixup.alpha=0.4", "--out", "a"]);
        Assert.True(first.ExitCode == 0, first.Output);
        var written = JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "a", "config.json")))!;
        // The method's options as used, defaults included (not "methods": {}).
        Assert.Equal(0.4, (double)written["methods"]!["mixup"]!["alpha"]!);
        Assert.NotNull(written["methods"]!["mixup"]!["prob"]);

        var again = RlmixProcess.Run(dir, "train", "--config", Path.Combine("a", "config.json"), "--out", "b");
        Assert.True(again.ExitCode == 0, again.Output);
        Assert.Equal(File.ReadAllText(Path.Combine(dir, "a", "config.json")), File.ReadAllText(Path.Combine(dir, "b", "config.json")));
        Assert.Equal(File.ReadAllText(Path.Combine(dir, "a", "identity.json")), File.ReadAllText(Path.Combine(dir, "b", "identity.json")));
        var a = JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "a", "metrics.json")))!;
        var b = JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "b", "metrics.json")))!;
        foreach (var key in new[] { "top1_error", "ece", "fgsm_error" })
            Assert.Equal((double)a[key]!, (double)b[key]!);
        Assert.Equal((double)a["history"]![0]!["train_loss"]!, (double)b["history"]![0]!["train_loss"]!);
    }

    [Theory]
    [InlineData("--method", "cutmix")]
    [InlineData("--epochs", "9")]
    public void AgentEval_RefusesOptionsItWouldIgnore(string option, string value)
    {
        var r = RlmixProcess.Run(dir, ["agent", "eval", .. TinyAgent, "--policy", "random", option, value]);
        Assert.True(r.ExitCode == 2, r.Output);
        Assert.Contains(option, r.Output);
    }

    [Theory]
    [InlineData("""{ "method": "cutmix" }""", "method 'cutmix'")]
    [InlineData("""{ "epochs": 9 }""", "--episodes")]
    [InlineData("""{ "rmix": { "alpha": 2 } }""", "options for 'rmix'")]
    public void AgentEval_RefusesConfigKeysItWouldIgnore(string json, string named)
    {
        File.WriteAllText(Path.Combine(dir, "c.json"), json);
        var r = RlmixProcess.Run(dir, ["agent", "eval", .. TinyAgent, "--policy", "random", "--config", "c.json"]);
        Assert.True(r.ExitCode == 2, r.Output);
        Assert.Contains(named, r.Output);
    }

    [Fact]
    public void AgentTrain_RewardAndRewardPlugin_IsExit2()
    {
        var r = RlmixProcess.Run(dir, ["agent", "train", .. TinyAgent, "--reward", "negative-loss", "--reward-plugin", "x.dll", "--out", "agent"]);
        Assert.True(r.ExitCode == 2, r.Output);
        Assert.Contains("use one of them", r.Output);
        Assert.False(Directory.Exists(Path.Combine(dir, "agent")));
    }

    [Fact]
    public void AgentEval_ABadThirdPolicy_IsRefusedBeforeTheFirstRuns()
    {
        var r = RlmixProcess.Run(dir, ["agent", "eval", .. TinyAgent, "--policy", "random", "--policy", "fixed:0.33", "--policy", "learned:nowhere"]);
        Assert.True(r.ExitCode == 2, r.Output);
        Assert.Contains("nowhere", r.Output);
        Assert.DoesNotContain("Evaluating", r.Output);
    }

    [Fact]
    public void AgentTrain_PpoKnobsFromTheConfig_AreTheAgentsSettings()
    {
        File.WriteAllText(Path.Combine(dir, "c.json"), """{ "rlmix": { "learning_rate": 0.001, "ent_coef": 0.01, "n_epochs": 4 } }""");
        var r = RlmixProcess.Run(dir, ["agent", "train", .. TinyAgent, "--episodes", "1", "--config", "c.json", "--set", "rlmix.gae_lambda=0.9", "--out", "agent"]);
        Assert.True(r.ExitCode == 0, r.Output);
        var ppo = JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "agent", "agent.json")))!["ppo"]!;
        Assert.Equal(0.001, (double)ppo["learning_rate"]!);
        Assert.Equal(0.01, (double)ppo["ent_coef"]!);
        Assert.Equal(4, (int)ppo["n_epochs"]!);
        Assert.Equal(0.9, (double)ppo["gae_lambda"]!);
        Assert.Equal(0.99, (double)ppo["gamma"]!);   // not given: the preset's
    }
}
