using RLMix.Agents.Learning;
using RLMix.Configuration;
using RLMix.Training;

namespace RLMix.Agents.Tests;

public sealed class RLMixOptionsTests
{
    static RLMixOptions Bind(string section) =>
        ConfigFile.Parse($$"""{ "rlmix": {{section}} }""", TestMethods.Catalog.Names).Methods.Get<RLMixOptions>("rlmix");

    [Fact]
    public void EverySb3Knob_IsAKeyOfTheRlmixSection_AndOverridesThePreset()
    {
        var o = Bind("""
            { "preset": "paper", "learning_rate": 0.001, "n_steps": 32, "batch_size": 16, "n_epochs": 4, "gamma": 0.9, "gae_lambda": 0.8,
              "clip_range": 0.1, "clip_range_vf": 0.3, "normalize_advantage": false, "ent_coef": 0.01, "vf_coef": 0.25, "max_grad_norm": 1.5, "target_kl": 0.02 }
            """).Ppo();
        var expected = PpoOptions.Paper with
        {
            LearningRate = 0.001, NSteps = 32, BatchSize = 16, NEpochs = 4, Gamma = 0.9, GaeLambda = 0.8, ClipRange = 0.1, ClipRangeVf = 0.3,
            NormalizeAdvantage = false, EntCoef = 0.01, VfCoef = 0.25, MaxGradNorm = 1.5, TargetKl = 0.02,
        };
        Assert.Equal(expected, o);
        Assert.Equal(0.9, o.LearningRateDecayPower);   // the preset's, not overridden
    }

    [Theory]
    [InlineData("per-image")]
    [InlineData("paper")]
    public void AbsentKeys_TakeThePresets(string preset)
    {
        var o = Bind($$"""{ "preset": "{{preset}}" }""").Ppo();
        Assert.Equal(preset == "paper" ? PpoOptions.Paper : PpoOptions.Default, o);
    }

    [Fact]
    public void ABadKnob_IsAUsageErrorNamingIt()
    {
        var e = Assert.Throws<RLMix.Errors.UsageException>(() => Bind("""{ "n_epochs": 0 }""").Ppo());
        Assert.Contains("NEpochs", e.Message);
        var unknown = Assert.Throws<RLMix.Errors.UsageException>(() => Bind("""{ "lr": 0.1 }"""));
        Assert.Contains("unknown key 'lr'", unknown.Message);
        Assert.Contains("learning_rate", unknown.Message);
    }

    [Fact]
    public void TheResolvedSection_RecordsOnlyWhatWasGiven_SoAPresetChangeIsNotFrozenIntoOldConfigs()
    {
        var settings = ConfigFile.Parse("""{ "method": "rlmix", "rlmix": { "ent_coef": 0.01 } }""", TestMethods.Catalog.Names).Methods;
        var node = TestMethods.Catalog.ResolvedOptions("rlmix", settings)!.AsObject();
        Assert.Equal(0.01, (double)node["ent_coef"]!);
        Assert.False(node.ContainsKey("learning_rate"));
        Assert.Equal("per-image", (string)node["preset"]!);
    }
}
