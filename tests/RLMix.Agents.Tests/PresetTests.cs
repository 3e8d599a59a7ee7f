using RLMix.Agents.Learning;
using RLMix.Errors;

namespace RLMix.Agents.Tests;

/// <summary>The presets are what they say: <c>paper</c> is the official RL-Mix code's setup, setting by setting.</summary>
public sealed class PresetTests
{
    [Fact]
    public void PaperPreset_IsTheOfficialCodesSetup()
    {
        // minhlong94/Random-Mixup main.py: PPO("MultiInputPolicy", n_steps=1000, batch_size=250,
        // learning_rate=exp_schedule(lr0)) with policy_network.py's extractor; the rest SB3 1.1's defaults.
        var expected = new PpoOptions
        {
            Network = "paper", HiddenSize = 64, ScaleSaliency = false, PerImageCredit = false,
            NSteps = 1000, BatchSize = 250, NEpochs = 10, LearningRate = 3e-4, LearningRateDecayPower = 0.9,
            Gamma = 0.99, GaeLambda = 0.95, ClipRange = 0.2, ClipRangeVf = null, NormalizeAdvantage = true,
            EntCoef = 0, VfCoef = 0.5, MaxGradNorm = 0.5, TargetKl = null, AdamEps = 1e-5,
        };
        Assert.Equal(expected, PpoOptions.Paper);
        var rl = new RLMixOptions { Preset = "paper" };
        Assert.Equal(expected, rl.Ppo());
        Assert.True(rl.Env().TerminalAtEpochEnd);                      // done=True at every epoch end
        Assert.Equal(8, rl.Env().ObservationGrid);
        Assert.Equal([2, 4], rl.Env().RMix.Patches);                       // q acts on the drawn mixing grid
        Assert.Equal(Math.Pow(0.5, 0.9) * 3e-4, PpoOptions.Paper.LearningRateAt(0.5), 12);
    }

    [Fact]
    public void DefaultPreset_IsPerImage_WithEpochEndsTruncated()
    {
        var rl = new RLMixOptions();
        Assert.Equal("per-image", rl.Preset);
        Assert.Equal(PpoOptions.Default, rl.Ppo());
        Assert.Equal("per-image", rl.Ppo().Network);
        Assert.False(rl.Env().TerminalAtEpochEnd);
        Assert.Null(PpoOptions.Default.LearningRateDecayPower);
    }

    [Fact]
    public void OldPresetName_Sb3_IsRefusedNamingItsNewName()
    {
        var e = Assert.Throws<UsageException>(() => new RLMixOptions { Preset = "sb3" }.Ppo());
        Assert.Contains("per-image", e.Message);
    }
}
