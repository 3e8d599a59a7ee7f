using RLMix.Training;

namespace RLMix.Core.Tests.Training;

public sealed class MultiStepScheduleTests
{
    [Fact]
    public void LrChangesAtEpochBoundaries_ByGammaPerMilestone()
    {
        // 3 steps per epoch, milestones at epochs 2 and 4: epochs 0-1 -> 0.2, 2-3 -> 0.02, 4+ -> 0.002.
        var s = new MultiStepSchedule(0.2, [4, 2], 0.1, stepsPerEpoch: 3);
        Assert.Equal(0.2, s.LearningRate(0), 12);
        Assert.Equal(0.2, s.LearningRate(5), 12);
        Assert.Equal(0.02, s.LearningRate(6), 12);
        Assert.Equal(0.02, s.LearningRate(11), 12);
        Assert.Equal(0.002, s.LearningRate(12), 12);
        Assert.Equal(0.002, s.LearningRate(1000), 12);
        Assert.Null(s.Momentum(0));
    }
}
