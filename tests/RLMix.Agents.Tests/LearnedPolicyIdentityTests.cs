using RLMix.Agents.Learning;
using RLMix.Configuration;
using RLMix.Training;

namespace RLMix.Agents.Tests;

/// <summary>A run with a <c>learned:DIR</c> policy is identified by the agent file's content, not only its path.</summary>
public sealed class LearnedPolicyIdentityTests
{
    static RunConfig Config(string policy) => new()
    {
        Method = "rlmix",
        Methods = MethodSettings.Defaults.With("rlmix", "policy", policy),
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
}
