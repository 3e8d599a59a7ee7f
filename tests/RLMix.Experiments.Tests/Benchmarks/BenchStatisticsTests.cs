using RLMix.Experiments.Benchmarks;

namespace RLMix.Experiments.Tests.Benchmarks;

public sealed class BenchStatisticsTests
{
    [Fact]
    public void Quantile_InterpolatesLinearlyBetweenOrderStatistics()
    {
        double[] values = [3, 1, 2, 4];
        Assert.Equal(2.5, BenchStatistics.Median(values), 12);
        Assert.Equal(1.75, BenchStatistics.Quantile(values, 0.25), 12); // position 0.75 between 1 and 2
        Assert.Equal(3.25, BenchStatistics.Quantile(values, 0.75), 12); // position 2.25 between 3 and 4
        Assert.Equal(2.0, BenchStatistics.Median([5, 2, 1]), 12);
    }

    [Fact]
    public void RatioToVanilla_IsTheMedianOfPerRoundRatios_NotTheRatioOfMedians()
    {
        // Round 2 ran while the machine was twice as slow: both entries doubled.
        double[] vanilla = [100, 200, 100];
        double[] method = [150, 300, 210];
        Assert.Equal([1.5, 1.5, 2.1], BenchStatistics.PerRoundRatios(method, vanilla).Select(r => Math.Round(r, 12)));
        var summary = BenchStatistics.SummarizeRatios(BenchStatistics.PerRoundRatios(method, vanilla));
        Assert.Equal(1.5, summary.Median, 12);
        Assert.Equal(3, summary.Rounds);
        Assert.Equal(2.1, BenchStatistics.Median(method) / BenchStatistics.Median(vanilla), 12); // what the old bench reported
    }

    [Fact]
    public void FlankedRatios_DivideByTheMeanOfTheTwoReferenceBlocks()
    {
        // Round 0: 150 between 100 and 110 -> 150 / 105; round 1: 300 between 180 and 220 -> 300 / 200.
        var ratios = BenchStatistics.FlankedRatios([150, 300], [100, 180], [110, 220]);
        Assert.Equal(1.428571428571, ratios[0], 12);
        Assert.Equal(1.5, ratios[1], 12);
        Assert.Throws<ArgumentException>(() => BenchStatistics.FlankedRatios([1, 2], [1, 1], [1]));
    }

    [Fact]
    public void SummarizeRatios_TakesTheirMedianAndQuartiles()
    {
        var r = BenchStatistics.SummarizeRatios([1.9, 2.1, 1.7, 2.3, 2.0], resamples: 200);
        Assert.Equal(2.0, r.Median, 12);
        Assert.Equal(1.9, r.Q25, 12);
        Assert.Equal(2.1, r.Q75, 12);
        Assert.Equal(5, r.Rounds);
        Assert.InRange(r.Median, r.Low, r.High);
    }

    [Fact]
    public void PerRoundRatios_RejectsUnequalRoundCounts() =>
        Assert.Throws<ArgumentException>(() => BenchStatistics.PerRoundRatios([1, 2], [1]));

    [Fact]
    public void Bootstrap_OfEqualValues_IsThatValue()
    {
        var (low, high) = BenchStatistics.BootstrapMedianInterval([1.2, 1.2, 1.2, 1.2], 500, seed: 3);
        Assert.Equal(1.2, low, 12);
        Assert.Equal(1.2, high, 12);
    }

    [Fact]
    public void Bootstrap_MatchesTheExactBootstrapDistributionOfTheMedian()
    {
        // 11 distinct values x_1 < ... < x_11. The median of a resample of 11 is <= x_k exactly when at least 6
        // of the 11 draws are <= x_k: P = P(Binomial(11, k/11) >= 6). Its exact 2.5% and 97.5% quantiles are
        // x_3 and x_9 (CDF 0.0072 at k = 2, 0.0512 at 3; 0.9488 at 8, 0.9928 at 9), far enough from the levels
        // that 2,000 resamples land on them.
        var values = new[] { 7, 2, 10, 5, 1, 11, 4, 8, 3, 9, 6 }.Select(k => 1 + k / 100.0).ToArray();
        int ExactQuantileIndex(double level)
        {
            for (int k = 1; k <= 11; k++)
                if (BinomialTail(11, k / 11.0, 6) >= level) return k;
            return 11;
        }
        Assert.Equal(3, ExactQuantileIndex(0.025));
        Assert.Equal(9, ExactQuantileIndex(0.975));

        var (low, high) = BenchStatistics.BootstrapMedianInterval(values, BenchStatistics.DefaultResamples, seed: 0);
        Assert.Equal(1.03, low, 12);
        Assert.Equal(1.09, high, 12);
    }

    [Theory]
    [InlineData(1, 0)]
    [InlineData(2, 1)]
    [InlineData(45, 2)]
    [InlineData(46, 3)]
    [InlineData(400, 4)]
    public void Bootstrap_GivesExactlyTheIntervalOfSortingEveryResample(int n, int seed)
    {
        // Values with ties (rounded to 0.05), as ratios of timings can have: the counting shortcut must give the same
        // medians, bit for bit, as sorting each resample (the implementation before it, kept here as the slow reference).
        var random = new Random(100 + seed);
        var values = Enumerable.Range(0, n).Select(_ => Math.Round(0.7 + random.NextDouble(), 1) / 2).ToArray();
        foreach (var level in new[] { 0.95, 0.5 })
            Assert.Equal(SortingBootstrap(values, 500, seed, level), BenchStatistics.BootstrapMedianInterval(values, 500, seed, level));
    }

    static (double Low, double High) SortingBootstrap(double[] values, int resamples, int seed, double level)
    {
        var random = new Random(seed);
        var n = values.Length;
        var sample = new double[n];
        var medians = new double[resamples];
        for (var b = 0; b < resamples; b++)
        {
            for (var i = 0; i < n; i++) sample[i] = values[random.Next(n)];
            medians[b] = BenchStatistics.Median(sample);
        }
        return (BenchStatistics.Quantile(medians, (1 - level) / 2), BenchStatistics.Quantile(medians, (1 + level) / 2));
    }

    [Fact]
    public void Bootstrap_IsDeterministicInItsSeed()
    {
        double[] values = [1.9, 2.1, 1.7, 2.4, 2.0, 1.8, 2.2];
        Assert.Equal(BenchStatistics.BootstrapMedianInterval(values, 300, seed: 5), BenchStatistics.BootstrapMedianInterval(values, 300, seed: 5));
    }

    [Fact]
    public void RelativeWidth_IsTheIntervalOverTheMedian()
    {
        var r = new RatioSummary(2.0, 1.9, 2.3, 1.95, 2.1, 30, 0);
        Assert.Equal(0.2, r.RelativeWidth, 12);
    }

    [Fact]
    public void OutlierFraction_CountsTheRoundsOutsideTukeysFences_AndSummarizeKeepsThem()
    {
        // Twelve rounds near 0.75 and a slow episode of four (as the saliency pass's): sorted 0.70 0.72 0.73 0.74 0.74 0.75
        // 0.75 0.76 0.76 0.77 0.78 0.80 | 1.00 1.05 1.10 1.20. Q25 at position 3.75: 0.74; Q75 at 11.25: 0.80 + 0.25 x 0.20 = 0.85;
        // fences 0.74 - 0.165 = 0.575 and 0.85 + 0.165 = 1.015: 1.05, 1.10 and 1.20 are outside, 3 of 16.
        double[] ratios = [0.75, 0.70, 1.05, 0.74, 0.76, 1.20, 0.72, 0.77, 0.75, 1.00, 0.80, 0.73, 0.76, 1.10, 0.74, 0.78];
        var r = BenchStatistics.SummarizeRatios(ratios, 200, 0);
        Assert.Equal(0.74, r.Q25, 12);
        Assert.Equal(0.85, r.Q75, 12);
        Assert.Equal(3 / 16.0, r.OutlierFraction, 12);
        Assert.Equal(16, r.Rounds);
        Assert.Equal((0.76 + 0.76) / 2, r.Median, 12);   // every round counts: the 8th and 9th of 16
        Assert.Equal(0.0, BenchStatistics.OutlierFraction([1, 2, 3, 4], 1.75, 3.25));
    }

    internal static double BinomialTail(int n, double p, int atLeast)
    {
        double sum = 0;
        for (int j = atLeast; j <= n; j++)
        {
            double choose = 1;
            for (int i = 0; i < j; i++) choose = choose * (n - i) / (i + 1);
            sum += choose * Math.Pow(p, j) * Math.Pow(1 - p, n - j);
        }
        return sum;
    }
}
