using RLMix.Agents.Learning;
using RLMix.Errors;

namespace RLMix.Agents.Tests;

/// <summary>An agent's sizes are checked before its network and buffer exist (an edited policy.json once asked libtorch for 512 GB).</summary>
public sealed class AgentSizesTests
{
    static readonly AgentSpec Good = new("dict", 100, 64 + 10, 8, 10);

    [Fact]
    public void Validate_TheShippedPresets_Pass()
    {
        AgentSizes.Validate(Good, PpoOptions.Default, "agent");
        AgentSizes.Validate(Good, PpoOptions.Paper, "agent");
    }

    [Theory]
    [InlineData(100_000_000, 74, 8, 10, "batch size B = 100000000")]
    [InlineData(100, 74, 100_000, 10, "grid G = 100000")]
    [InlineData(100, 10, 8, 10, "features per image F = 10")]        // fewer than the 8x8 saliency cells
    [InlineData(100, 74, 8, 0, "action choices K = 0")]
    [InlineData(60_000, 74, 8, 10, "[n_steps, B, F]")]               // each size allowed, the rollout buffer is 4.4e9 values
    public void Validate_ASizeOutOfRange_NamesIt(int batch, int features, int grid, int choices, string message)
    {
        var e = Assert.Throws<UsageException>(() => AgentSizes.Validate(new AgentSpec("dict", batch, features, grid, choices), PpoOptions.Paper, "'x/policy.json'"));
        Assert.StartsWith("'x/policy.json': ", e.Message);
        Assert.Contains(message, e.Message);
    }

    [Fact]
    public void Validate_ThePaperNetworksActionHead_IsBoundedByBTimesKTimesHidden()
    {
        var wide = PpoOptions.Paper with { HiddenSize = 4096 };
        var e = Assert.Throws<UsageException>(() => AgentSizes.Validate(new AgentSpec("dict", 1000, 74, 8, 1024), wide with { NSteps = 1 }, "agent"));
        Assert.Contains("[B*K, hidden_size]", e.Message);
    }

    [Fact]
    public void Create_WithAnOversizedSpec_FailsBeforeAllocating()
    {
        var e = Assert.Throws<UsageException>(() => PpoAgent.Create(new AgentSpec("flat", 65_536, 1 << 20, 8, 10), PpoOptions.Default));
        Assert.Contains("[n_steps, B, F]", e.Message);
    }

    [Fact]
    public void Validate_AMissingSection_IsAUsageError()
    {
        Assert.Throws<UsageException>(() => AgentSizes.Validate(null!, PpoOptions.Default, "agent"));
    }
}
