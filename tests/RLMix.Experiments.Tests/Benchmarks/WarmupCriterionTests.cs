using RLMix.Experiments.Benchmarks;

namespace RLMix.Experiments.Tests.Benchmarks;

public sealed class WarmupCriterionTests
{
    static readonly WarmupCriterion Criterion = new(Window: 3, Z: 2, MinTolerance: 0.02, MaxRounds: 12);

    // Tolerance = 2 · 1.253314 · σ · √(2/3), σ = median |successive difference| / 0.953873.
    const double TolerancePerMedianDifference = 2 * 1.253314 * 0.816497 / 0.953873;

    [Fact]
    public void NotStable_BeforeTwoWindows() => Assert.False(Criterion.IsStable([100, 100, 100, 100, 100]));

    [Fact]
    public void Stable_WhenNoisyButLevel_WhereAFixed5PercentFails()
    {
        // Ratios around 1.8 with a round-to-round spread like the idle machine's. Windows' medians 1.8 and 1.7
        // (5.6% apart: the old fixed 5% rejected this). Successive differences 0.4 0.2 0.15 0.3 0.05: median 0.2.
        double[] ratios = [1.6, 2.0, 1.8, 1.95, 1.65, 1.7];
        Assert.Equal(0.2 * TolerancePerMedianDifference, Criterion.Tolerance(ratios, 1.8), 5);   // 0.4291
        Assert.Equal(0.4291, Criterion.Tolerance(ratios, 1.8), 4);
        Assert.True(Criterion.IsStable(ratios));
    }

    [Fact]
    public void NotStable_UnderALinearDrift()
    {
        // Successive differences all 10 -> tolerance 21.46; the windows' medians (120, 90) are 30 apart: a drift
        // of d per round moves the windows' medians 3d apart but each difference only d, so it is always caught.
        double[] times = [130, 120, 110, 100, 90, 80];
        Assert.Equal(21.456, Criterion.Tolerance(times, 120), 3);
        Assert.False(Criterion.IsStable(times));
    }

    [Fact]
    public void NotStable_AfterAStep_WhereTheNoiseIsNil() =>
        // Differences 0 0 1 0 0: median 0, so only the 2% floor (0.02) is left against a gap of 1.
        Assert.False(Criterion.IsStable([1, 1, 1, 2, 2, 2]));

    [Fact]
    public void Stable_WhenConstant() => Assert.True(Criterion.IsStable([5, 5, 5, 5, 5, 5]));

    [Fact]
    public void BecomesStable_OnceTheFallHasLeftTheWindows()
    {
        double[] ratios = [3.0, 2.4, 2.0, 1.8, 1.82, 1.79, 1.81, 1.8];
        // 6 rounds: medians 2.4 and 1.8, differences .6 .4 .2 .02 .03 (median .2): tolerance .43 < .6.
        Assert.False(Criterion.IsStable(ratios[..6]));
        // 7 rounds: medians 2.0 and 1.81, differences .4 .2 .02 .03 .02 (median .03): tolerance .064 < .19.
        Assert.Equal(0.03 * TolerancePerMedianDifference, Criterion.Tolerance(ratios[1..7], 2.0), 5);
        Assert.False(Criterion.IsStable(ratios[..7]));
        // 8 rounds: medians 1.82 and 1.80; the 2% floor alone (0.0364) covers the gap.
        Assert.True(Criterion.IsStable(ratios));
    }
}
