using RLMix.Experiments.Benchmarks;

namespace RLMix.Experiments.Tests.Benchmarks;

public sealed class WarmupCriterionTests
{
    static readonly WarmupCriterion Criterion = new(Window: 3, Tolerance: 0.05, MaxRounds: 12);

    [Fact]
    public void NotStable_BeforeTwoWindows() => Assert.False(Criterion.IsStable([100, 100, 100, 100, 100]));

    [Fact]
    public void NotStable_WhileTheStepTimeStillFalls() =>
        // medians 120 (200, 120, 100) and 100 (101, 99, 100): 16.7% apart
        Assert.False(Criterion.IsStable([200, 120, 100, 101, 99, 100]));

    [Fact]
    public void Stable_WhenTheLastTwoWindowsAgree() =>
        // last window (100, 102, 98): median 100; the one before (100, 101, 99): median 100
        Assert.True(Criterion.IsStable([200, 120, 100, 101, 99, 100, 102, 98]));

    [Fact]
    public void Tolerance_IsInclusive()
    {
        Assert.True(Criterion.IsStable([100, 100, 100, 105, 105, 105]));  // exactly 5%
        Assert.False(Criterion.IsStable([100, 100, 100, 106, 106, 106])); // 6%
    }

    [Fact]
    public void NotStable_UnderASteadyDrift() => Assert.False(Criterion.IsStable([130, 120, 110, 100, 90, 80]));
}
