using RLMix.Agents.Learning;
using RLMix.Configuration;
using RLMix.Training;

namespace RLMix.Agents.Tests;

/// <summary>A run that reads a file (a <c>learned:DIR</c> agent, a reward plug-in) is identified by the file's content, not only its path.</summary>
public sealed class RunInputIdentityTests
{
    static RunConfig Config(string policy, string key = "policy") => new()
    {
        Method = "rlmix",
        Methods = MethodSettings.Defaults.With("rlmix", key, policy),
    };

    [Fact]
    public void ReplacingTheAgentFile_ChangesTheRunIdentity_SoAFinishedCellIsNotReused()
    {
        var dir = PpoLearningTests.TempDir();
        try
        {
            using (var env = new SyntheticMixupEnv("label", batchSize: 4))
            using (var agent = PpoAgent.Create(env, PpoOptions.Default, seed: 1)) agent.Save(dir);
            var first = RunIdentity.Of(Config($"learned:{dir}"), TestMethods.Catalog);
            Assert.Equal(first.Hash, RunIdentity.Of(Config($"learned:{dir}"), TestMethods.Catalog).Hash);

            using (var env = new SyntheticMixupEnv("label", batchSize: 4))
            using (var agent = PpoAgent.Create(env, PpoOptions.Default, seed: 2)) agent.Save(dir);
            var second = RunIdentity.Of(Config($"learned:{dir}"), TestMethods.Catalog);

            Assert.NotEqual(first.Hash, second.Hash);
            Assert.NotEqual(first.Settings["inputs"]!["agent_sha256"]!.GetValue<string>(), second.Settings["inputs"]!["agent_sha256"]!.GetValue<string>());
            Assert.False(RunIdentity.Of(Config("random"), TestMethods.Catalog).Settings.ContainsKey("inputs"));
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public void RebuildingTheRewardPlugin_ChangesTheRunIdentity_SoAFinishedCellIsNotReused()
    {
        var dir = PpoLearningTests.TempDir();
        try
        {
            var plugin = Path.Combine(dir, "reward.dll");
            File.WriteAllBytes(plugin, [1, 2, 3]);       // the identity hashes the bytes; loading is the options check's job
            var first = RunIdentity.Of(Config(plugin, "reward_plugin"), TestMethods.Catalog);
            Assert.Equal(first.Hash, RunIdentity.Of(Config(plugin, "reward_plugin"), TestMethods.Catalog).Hash);
            Assert.Equal("039058c6f2c0cb492c533b0a4d14ef77cc0f78abccced5287d84a1a2011cfb81", first.Settings["inputs"]!["reward_plugin_sha256"]!.GetValue<string>());

            File.WriteAllBytes(plugin, [1, 2, 4]);
            var second = RunIdentity.Of(Config(plugin, "reward_plugin"), TestMethods.Catalog);
            Assert.NotEqual(first.Hash, second.Hash);
            Assert.Equal(new RLMixOptions { RewardPlugin = plugin }.InputFingerprint()!.ToJsonString(), second.Settings["inputs"]!.ToJsonString());
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }
}
