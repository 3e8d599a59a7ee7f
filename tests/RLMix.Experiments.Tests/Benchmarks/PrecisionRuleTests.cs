using RLMix.Experiments.Benchmarks;

namespace RLMix.Experiments.Tests.Benchmarks;

/// <summary>
/// The precision rule of <c>rlmix bench</c> on synthetic block times: two entries, a reference "v" (100 ms a block)
/// and "a", timed <c>a v</c> per round after an opening "v", so a's per-round ratio is its time / 100.
/// </summary>
public sealed class PrecisionRuleTests
{
    static readonly WarmupCriterion NoWarmup = new(MaxRounds: 0);
    static readonly TrackedRatio ARatio = new("a", 1, 0);

    [Fact]
    public void CheckInterval_IsCheckEvery_UntilATenthOfTheRoundsIsMore()
    {
        var rule = new PrecisionRule(CheckEvery: 5);
        Assert.Equal(5, rule.CheckInterval(45));
        Assert.Equal(5, rule.CheckInterval(59));
        Assert.Equal(6, rule.CheckInterval(60));
        Assert.Equal(20, rule.CheckInterval(200));
    }

    [Fact]
    public void Wide_ListsTheRatiosAboveTheTarget_WidestFirst_AndCountsANaNWidthAsWide()
    {
        var rule = new PrecisionRule(Target: 0.05);
        double[] constant = [2, 2, 2, 2, 2, 2];           // width 0
        double[] twoValues = [1, 3, 1, 3, 1, 3];          // resample medians 1, 2 or 3: interval [1, 3], width 1
        double[] zeros = [0, 0, 0, 0, 0, 0];              // 0 / 0: NaN
        var wide = rule.Wide([("constant", constant), ("two", twoValues), ("zeros", zeros)], resamples: 2000, seed: 0);
        Assert.Equal(["two", "zeros"], wide.Select(w => w.Name));
        Assert.Equal(1.0, wide[0].Width, 12);
    }

    [Fact]
    public void ANoisyPhase_IsSampledThrough_AndTheGroupStopsOnceTheQuietRoundsDominate()
    {
        // Rounds 0-9: a's ratio alternates 1 and 3 (a noisy phase, median between two clusters); then exactly 2.
        // Checks at 10, 15, 20 rounds (minimum 10, every 5). With 5 ones, 5 threes and q twos, a resample's median
        // leaves 2 only if at least half the draws are ones (or threes): at 15 rounds P = P(Bin(15, 1/3) >= 8) = 0.088
        // per side, so the 2.5% and 97.5% quantiles are 1 and 3 (width 1); at 20 rounds P(Bin(20, 1/4) >= 10) = 0.014
        // per side, below 2.5%, so both ends are 2 (width 0) and the group stops there.
        var progress = new List<string>();
        var run = Run(Ratios(r => r < 10 ? (r % 2 == 0 ? 1 : 3) : 2), minRounds: 10, new PrecisionRule(Target: 0.05, MaxRounds: 100, MaxMinutes: 1000), progress.Add);

        Assert.Equal(PrecisionRule.PrecisionReached, run.Sampling.Stop);
        Assert.Equal(20, run.Sampling.Rounds);
        Assert.Equal(20, run.Times.Rounds);
        Assert.Equal(10, run.Sampling.MinRounds);
        Assert.Empty(run.Sampling.StillWide);
        // The check judged exactly what is reported: the final interval is within the target, the one at 15 rounds was not.
        var ratios = run.Times.Ratios(1, 0);
        Assert.Equal(0.0, BenchStatistics.SummarizeRatios(ratios).RelativeWidth);
        Assert.Equal(1.0, BenchStatistics.SummarizeRatios(ratios[..15]).RelativeWidth, 12);   // [1, 3] around 2
        Assert.Equal(0.088, BenchStatisticsTests.BinomialTail(15, 1 / 3.0, 8), 3);
        Assert.Equal(0.014, BenchStatisticsTests.BinomialTail(20, 1 / 4.0, 10), 3);
        Assert.Contains(progress, line => line.Contains("after 10 rounds, wider than", StringComparison.Ordinal));
        Assert.Contains(progress, line => line.Contains("after 15 rounds, wider than", StringComparison.Ordinal));
    }

    [Fact]
    public void ANoiseThatNeverSettles_StopsAtTheRoundCap_AndSaysSo()
    {
        var run = Run(Ratios(r => r % 2 == 0 ? 1 : 3), minRounds: 10, new PrecisionRule(Target: 0.05, MaxRounds: 37, MaxMinutes: 1000), _ => { });
        Assert.Equal(PrecisionRule.MaxRoundsReached, run.Sampling.Stop);
        Assert.Equal(37, run.Sampling.Rounds);
        Assert.Equal(37, run.Times.Rounds);
        Assert.Equal(["a"], run.Sampling.StillWide);
    }

    [Fact]
    public void ANoiseThatNeverSettles_StopsAtTheTimeCap_CountingOnlyTheTimedBlocks()
    {
        // A round is a (100 or 300 ms) + v (100 ms): 200 and 400 ms alternately, 600 ms per two rounds; the opening
        // v block belongs to the warm-up. 0.125 minutes = 7,500 ms: 25 rounds take 7,400 ms, 26 take 7,800.
        var run = Run(Ratios(r => r % 2 == 0 ? 1 : 3), minRounds: 10, new PrecisionRule(Target: 0.05, MaxRounds: 1000, MaxMinutes: 0.125), _ => { });
        Assert.Equal(PrecisionRule.MaxTimeReached, run.Sampling.Stop);
        Assert.Equal(26, run.Sampling.Rounds);
        Assert.Equal(7800 / 60000.0, run.Sampling.Minutes, 12);
        Assert.Equal(["a"], run.Sampling.StillWide);
    }

    [Fact]
    public void TheMinimumRounds_RunEvenWhenACapIsAlreadyPassed()
    {
        var run = Run(Ratios(r => r % 2 == 0 ? 1 : 3), minRounds: 10, new PrecisionRule(Target: 0.05, MaxRounds: 10, MaxMinutes: 0.001), _ => { });
        Assert.Equal(10, run.Sampling.Rounds);
        Assert.Equal(PrecisionRule.MaxRoundsReached, run.Sampling.Stop);   // the round cap is judged first
    }

    [Fact]
    public void WithoutARule_TheGroupRunsItsFixedRounds()
    {
        var (clock, entries) = Ratios(_ => 2);
        var run = AlternatingRounds.Run("t", entries, reference: 0, minRounds: 7, steps: 1, NoWarmup, _ => { }, clock);
        Assert.Equal(PrecisionRule.Fixed, run.Sampling.Stop);
        Assert.Equal(7, run.Sampling.Rounds);
        Assert.Equal(7, run.Times.Rounds);
    }

    [Fact]
    public void SamplingBeyondTheMinimum_KeepsTheSameAlternatingSchedule()
    {
        // Entries v, a, b: the order of a and b alternates every round, through the extra rounds as in the minimum.
        var order = new List<string>();
        var entries = new[] { "v", "a", "b" }.Select(n => new TimedEntry(n, (_, _) => order.Add(n))).ToArray();
        int k = 0;
        var run = AlternatingRounds.Run("t", entries, 0, minRounds: 2, steps: 1, NoWarmup, _ => { }, run => { run(); return ++k % 2 == 0 ? 100 : 150 + k; },
            new PrecisionCheck(new PrecisionRule(Target: 1e-6, MaxRounds: 4, MaxMinutes: 1000, CheckEvery: 1), [new("a", 1, 0), new("b", 2, 0)], 200, 0));
        Assert.Equal(4, run.Sampling.Rounds);
        Assert.Equal("v a v b v b v a v a v b v b v a v", string.Join(' ', order));
    }

    /// <summary>
    /// Runs entries v and a under <paramref name="rule"/>; <paramref name="scripted"/> gives the clock and the entries.
    /// </summary>
    static GroupRun Run((Func<Action, double> Clock, TimedEntry[] Entries) scripted, int minRounds, PrecisionRule rule, Action<string> progress) =>
        AlternatingRounds.Run("t", scripted.Entries, reference: 0, minRounds, steps: 1, NoWarmup, progress, scripted.Clock,
            new PrecisionCheck(rule with { CheckEvery = 5 }, [ARatio], BenchStatistics.DefaultResamples, 0));

    /// <summary>A clock under which v takes 100 ms a block and a takes 100 · <paramref name="ratio"/>(round) ms in its round.</summary>
    static (Func<Action, double> Clock, TimedEntry[] Entries) Ratios(Func<int, double> ratio)
    {
        string current = "";
        var entries = new[] { new TimedEntry("v", (_, _) => current = "v"), new TimedEntry("a", (_, _) => current = "a") };
        int aRound = 0;
        return (run => { run(); return current == "v" ? 100 : 100 * ratio(aRound++); }, entries);
    }
}
