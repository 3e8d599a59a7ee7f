using MathNet.Numerics.Distributions;
using RLMix.Experiments;

namespace RLMix.Experiments.Tests;

public sealed class PairedTTests
{
    static Dictionary<long, double> Errors(params (long Seed, double Error)[] cells) => cells.ToDictionary(c => c.Seed, c => c.Error);

    [Fact]
    public void Test_MatchesAHandComputation_OverTheCommonSeeds()
    {
        // entry:    seed 0: 10.0, seed 1: 11.0, seed 2: 12.5
        // baseline: seed 0:  9.0, seed 1: 10.5, seed 2: 11.0, seed 3: 9.9 (seed 3 is not paired)
        // d = 1.0, 0.5, 1.5; mean 1.0; deviations 0, -0.5, 0.5 -> sum of squares 0.5 / (3 - 1) = 0.25 -> sd 0.5
        // se = 0.5 / sqrt 3 = 0.2886751; t = 1 / se = sqrt 12 = 3.4641016; df = 2.
        // df = 2 has closed forms: CDF(t) = 1/2 + t / (2 sqrt(2 + t^2)), so p = 1 - t / sqrt(2 + t^2) = 1 - sqrt(12/14) = 0.0741799;
        // quantile t_u = (2u - 1) / sqrt(2 u (1 - u)), so t_0.975 = 0.95 / sqrt(0.04875) = 4.3026527,
        // CI = 1 -+ 4.3026527 * 0.2886751 = [-0.2420690, 2.2420690].
        var r = PairedT.Test(Errors((0, 10.0), (1, 11.0), (2, 12.5)), Errors((0, 9.0), (1, 10.5), (2, 11.0), (3, 9.9)));
        Assert.Equal(3, r.Pairs);
        Assert.Equal([0L, 1, 2], r.Differences.Select(d => d.Seed));
        Assert.Equal([1.0, 0.5, 1.5], r.Differences.Select(d => d.Difference));
        Assert.Equal(1.0, r.Mean, 12);
        Assert.Equal(0.5, r.Sd, 12);
        Assert.Equal(2, r.DegreesOfFreedom);
        Assert.Equal(1 - Math.Sqrt(12.0 / 14.0), r.PValue, 9);
        double half = 0.95 / Math.Sqrt(2 * 0.975 * 0.025) * 0.5 / Math.Sqrt(3);
        Assert.Equal(1 - half, r.Low, 9);
        Assert.Equal(1 + half, r.High, 9);
        Assert.Equal(-0.2420690, r.Low, 6);
        Assert.Equal(10, r.SeedsToDetect);   // sd / delta = 1: see SeedsToDetect_MatchesTheTables
    }

    [Fact]
    public void Test_MatchesMathNetsStudentT_OnAnExampleWithoutClosedForm()
    {
        var entry = Errors((0, 12.31), (1, 11.87), (2, 12.95), (3, 12.02), (4, 11.50), (5, 12.77), (6, 12.10));
        var baseline = Errors((0, 12.40), (1, 12.20), (2, 12.61), (3, 12.33), (4, 11.96), (5, 12.80), (6, 12.52));
        double[] d = [-0.09, -0.33, 0.34, -0.31, -0.46, -0.03, -0.42];
        double mean = d.Sum() / 7, ss = 0;
        foreach (var x in d) ss += (x - mean) * (x - mean);
        double sd = Math.Sqrt(ss / 6), se = sd / Math.Sqrt(7);
        var r = PairedT.Test(entry, baseline);
        Assert.Equal(mean, r.Mean, 12);
        Assert.Equal(sd, r.Sd, 12);
        Assert.Equal(2 * StudentT.CDF(0, 1, 6, -Math.Abs(mean / se)), r.PValue, 12);
        Assert.Equal(mean - StudentT.InvCDF(0, 1, 6, 0.975) * se, r.Low, 12);
        Assert.Equal(mean + StudentT.InvCDF(0, 1, 6, 0.975) * se, r.High, 12);
        Assert.True(r.PValue > 0.05 && r.Low < 0 && r.High > 0);   // this spread does not separate the two
    }

    [Fact]
    public void SeedsToDetect_MatchesTheTables()
    {
        // sd = delta: n = 10 is the first n with n >= (t(0.975; n-1) + t(0.8; n-1))^2. From t tables:
        // n = 9:  (2.306 + 0.889)^2 = 10.21 > 9;   n = 10: (2.262 + 0.883)^2 = 9.89 <= 10.
        Assert.Equal(10, PairedT.SeedsToDetect(0.5, 0.5));
        // No spread: the smallest n with a t-test (2).
        Assert.Equal(2, PairedT.SeedsToDetect(0, 0.5));
        // A large spread: close to the normal approximation ((1.959964 + 0.841621) * 10)^2 = 784.9, a little above it.
        Assert.InRange(PairedT.SeedsToDetect(5, 0.5), 785, 790);
        // Monotone in the spread.
        Assert.True(PairedT.SeedsToDetect(0.3, 0.5) < PairedT.SeedsToDetect(0.6, 0.5));
    }

    [Fact]
    public void Test_OneCommonSeed_HasNoIntervalNoPAndNoPlan()
    {
        var r = PairedT.Test(Errors((0, 10.0), (1, 11.0)), Errors((1, 10.25), (2, 9.0)));
        Assert.Equal(1, r.Pairs);
        Assert.Equal(0.75, r.Mean, 12);
        Assert.True(double.IsNaN(r.Low) && double.IsNaN(r.High) && double.IsNaN(r.PValue) && double.IsNaN(r.Sd));
        Assert.Null(r.SeedsToDetect);
    }

    [Fact]
    public void Test_NoCommonSeed_HasNoMean()
    {
        var r = PairedT.Test(Errors((0, 10.0)), Errors((1, 10.0)));
        Assert.Equal(0, r.Pairs);
        Assert.Empty(r.Differences);
        Assert.True(double.IsNaN(r.Mean));
    }

    [Theory]
    [InlineData(0.5, 0.0)]   // every seed 0.5 worse: a certain difference
    [InlineData(0.0, 1.0)]   // every seed equal: no difference at all
    public void Test_ZeroSpread_IsADegenerateIntervalAtTheMean(double difference, double p)
    {
        var r = PairedT.Test(Errors((0, 10 + difference), (1, 11 + difference), (2, 12 + difference)), Errors((0, 10), (1, 11), (2, 12)));
        Assert.Equal(0, r.Sd);
        Assert.Equal(difference, r.Low, 12);
        Assert.Equal(difference, r.High, 12);
        Assert.Equal(p, r.PValue);
        Assert.Equal(2, r.SeedsToDetect);
    }
}
