using RLMix.Experiments;

namespace RLMix.Experiments.Tests;

public sealed class WelchTests
{
    [Fact]
    public void Test_MatchesAnIndependentComputation()
    {
        // Expected values from a Simpson integration of the t density (df = 4.4118), done outside .NET:
        // t = -1.7320508, p = 0.151581, t_0.975 = 2.6771748, CI = -2.5 -+ 2.6771748 * 1.4433757.
        var w = Welch.Test([1, 2, 3, 4], [2, 4, 6, 8]);
        Assert.Equal(-2.5, w.Difference, 12);
        Assert.Equal(4.4117647, w.DegreesOfFreedom, 6);
        Assert.Equal(0.151581, w.PValue, 5);
        Assert.Equal(-6.364169, w.Low, 5);
        Assert.Equal(1.364169, w.High, 5);
    }

    [Fact]
    public void Test_WithOneValuePerSampleGivesNoInterval()
    {
        var w = Welch.Test([3.0], [1.0]);
        Assert.Equal(2.0, w.Difference);
        Assert.True(double.IsNaN(w.Low) && double.IsNaN(w.PValue));
    }
}
