using System.Reflection;
using System.Text.Json;

namespace RLMix.Cli.Tests;

/// <summary>The RL-Mix commands end to end: real classifier, saliency, R-Mix, PPO; tiny synthetic data.</summary>
public sealed class AgentCommandTests : IDisposable
{
    readonly string dir = Directory.CreateTempSubdirectory("rlmix-agent-").FullName;

    static string PluginPath => typeof(AgentCommandTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "RewardPluginPath").Value!;

    static readonly string[] Data = ["--dataset", "synthetic", "--limit-train", "100", "--batch-size", "50", "--max-batches", "2"];

    public void Dispose() => Directory.Delete(dir, recursive: true);

    [Fact]
    public void CheckEnv_RunsTheEnvCheckerOnTheConfiguredMixupEnv()
    {
        var r = RlmixProcess.Run(dir, ["agent", "check-env", .. Data, "--reward", "grad-cosine-image"]);
        Assert.True(r.ExitCode == 0, r.Output);
        Assert.Contains("reward grad-cosine-image", r.Output);
        Assert.Contains("ok: reset: observation in space", r.Output);
        Assert.Contains("MixupEnv passed the env checker (2 steps)", r.Output);   // --max-batches 2: the episode ran to its end
    }

    [Fact]
    public void AgentTrain_ThenEvalAgainstRandom_ThenTrainAClassifierWithIt()
    {
        var train = RlmixProcess.Run(dir, ["agent", "train", .. Data, "--episodes", "2", "--out", "agent"]);
        Assert.True(train.ExitCode == 0, train.Output);
        foreach (var f in new[] { "agent.rlmix", "agent.json", "progress.csv", "checkpoint.bin" })
            Assert.True(File.Exists(Path.Combine(dir, "agent", f)), f);
        var before = DateTimeOffset.UtcNow.ToUnixTimeSeconds() - 3600;   // the run started well within the hour
        using (var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "agent", "agent.json"))))
        {
            Assert.Equal(2, summary.RootElement.GetProperty("episodes").GetArrayLength());
            Assert.Equal("grad-cosine", summary.RootElement.GetProperty("reward").GetString());
            Assert.Equal("RLMix.Envs.Rewards.GradCosineReward", summary.RootElement.GetProperty("reward_type").GetString());
        }
        // progress.csv as SB3 writes it: a header of keys, then one row per PPO update.
        var progress = File.ReadAllLines(Path.Combine(dir, "agent", "progress.csv"));
        var columns = progress[0].Split(',');
        foreach (var key in new[] { "train/approx_kl", "time/fps", "time/time_elapsed", "time/total_timesteps", "time/iterations" }) Assert.Contains(key, columns);
        Assert.All(progress.Skip(1), row => Assert.Equal(columns.Length, row.Split(',').Length));
        // TensorBoard: one event file whose every event has a Unix-second wall time.
        var events = RLMix.Core.Tests.TensorBoard.EventFileReader.Read(Assert.Single(Directory.GetFiles(Path.Combine(dir, "agent", "tb"))));
        Assert.Equal(progress.Length, events.Count);   // file_version + one event per update
        Assert.All(events, e => Assert.InRange(e.WallTime, before, DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 1));

        var eval = RlmixProcess.Run(dir, ["agent", "eval", .. Data, "--episodes", "1", "--policy", "learned:agent", "--policy", "random", "--out", "eval.json"]);
        Assert.True(eval.ExitCode == 0, eval.Output);
        using (var results = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "eval.json"))))
            Assert.Equal(["learned:agent", "random"], results.RootElement.EnumerateArray().Select(r => r.GetProperty("policy").GetString()));

        var classifier = RlmixProcess.Run(dir, ["train", "--method", "rlmix", "--agent", "agent", "--dataset", "synthetic", "--limit-train", "100", "--limit-test", "50", "--batch-size", "50", "--epochs", "1", "--out", "run"]);
        Assert.True(classifier.ExitCode == 0, classifier.Output);
        Assert.True(File.Exists(Path.Combine(dir, "run", "metrics.json")));
    }

    [Fact]
    public void RewardPlugin_IsLoadedThroughTheCli()
    {
        var r = RlmixProcess.Run(dir, ["agent", "eval", .. Data, "--episodes", "1", "--policy", "fixed:0.55", "--reward-plugin", PluginPath, "--reward-type", "RLMix.RewardPlugin.Sample.MeanQReward", "--out", "eval.json"]);
        Assert.True(r.ExitCode == 0, r.Output);
        // MeanQReward rewards the mean chosen q: a fixed q of 0.55 earns exactly 0.55 per step.
        using var results = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "eval.json")));
        Assert.Equal(0.55, results.RootElement[0].GetProperty("mean_reward").GetDouble(), 5);
    }

    [Theory]
    [InlineData("RLMix.RewardPlugin.Sample.NanReward", "NanReward")]
    [InlineData("No.Such.Reward", "No.Such.Reward")]
    [InlineData(null, "--reward-type")]
    public void BadRewardPlugin_IsExit2NamingIt(string? type, string named)
    {
        string[] args = ["agent", "eval", .. Data, "--episodes", "1", "--policy", "random", "--reward-plugin", PluginPath];
        var r = RlmixProcess.Run(dir, type is null ? args : [.. args, "--reward-type", type]);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains(named, r.Output);
    }

    [Fact]
    public void MissingPluginFile_IsExit2()
    {
        var r = RlmixProcess.Run(dir, ["agent", "eval", .. Data, "--episodes", "1", "--policy", "random", "--reward-plugin", "nowhere/Rewards.dll"]);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("nowhere/Rewards.dll", r.Output);
    }
}
