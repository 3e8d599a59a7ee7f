using RLMix.Training;

namespace RLMix.Core.Tests.Training;

// Expected values from PyTorch's OneCycleLR formulas (cos annealing, three_phase=False):
// initial = max/div, min = initial/final_div, phase 1 ends at pct*total - 1, phase 2 at total - 1,
// anneal(start, end, pct) = end + (start - end)/2 * (cos(pi*pct) + 1); momentum max -> base -> max.
public sealed class OneCycleScheduleTests
{
    const double Tol = 1e-12;

    [Fact]
    public void RMixSettings_StartPeakAndEnd()
    {
        // max 0.3, div 100, final div 1e4, pct 0.3, 1000 steps: initial 0.003, min 3e-7, peak at step 299.
        var s = new OneCycleSchedule(0.3, 1000, pctStart: 0.3, divFactor: 100, finalDivFactor: 1e4);
        Assert.Equal(0.003, s.LearningRate(0), Tol);
        Assert.Equal(0.3, s.LearningRate(299), Tol);
        Assert.Equal(3e-7, s.LearningRate(999), Tol);
        Assert.Equal(0.95, s.Momentum(0)!.Value, Tol);
        Assert.Equal(0.85, s.Momentum(299)!.Value, Tol);
        Assert.Equal(0.95, s.Momentum(999)!.Value, Tol);
    }

    [Fact]
    public void TenSteps_IntermediateValuesInBothPhases()
    {
        // total 10, pct 0.3: phase 1 is steps 0..2, phase 2 is 2..9.
        var s = new OneCycleSchedule(0.3, 10, pctStart: 0.3, divFactor: 100, finalDivFactor: 1e4);
        // step 1: pct 1/2, cos = 0 -> 0.3 + (0.003 - 0.3)/2 = 0.1515; momentum 0.85 + 0.1/2 = 0.9
        Assert.Equal(0.1515, s.LearningRate(1), Tol);
        Assert.Equal(0.9, s.Momentum(1)!.Value, Tol);
        // step 4: pct (4 - 2)/(9 - 2) = 2/7, cos(2 pi/7) = 0.6234898018587336
        // lr = 3e-7 + (0.3 - 3e-7)/2 * 1.6234898018587336; momentum = 0.95 - 0.05 * 1.6234898018587336
        Assert.Equal(0.24352352675533975, s.LearningRate(4), Tol);
        Assert.Equal(0.8688255099070633, s.Momentum(4)!.Value, Tol);
        Assert.Equal(3e-7, s.LearningRate(9), Tol);
    }

    [Fact]
    public void PyTorchDefaults_DivFactor25()
    {
        var s = new OneCycleSchedule(1.0, 100);
        Assert.Equal(0.04, s.LearningRate(0), Tol);
        Assert.Equal(1.0, s.LearningRate(29), Tol);
        Assert.Equal(0.04 / 1e4, s.LearningRate(99), Tol);
    }

    [Fact]
    public void WithoutMomentumCycling_MomentumIsNull()
    {
        var s = new OneCycleSchedule(0.1, 10, cycleMomentum: false);
        Assert.Null(s.Momentum(3));
    }

    [Fact]
    public void StepBeyondTotal_Throws()
    {
        var s = new OneCycleSchedule(0.1, 10);
        _ = s.LearningRate(10); // PyTorch still computes the position after the last step
        Assert.Throws<ArgumentOutOfRangeException>(() => s.LearningRate(11));
        Assert.Throws<ArgumentOutOfRangeException>(() => s.LearningRate(-1));
    }

    [Fact]
    public void SingleStepRun_UsesTheFinalLr()
    {
        // total 1: phase 1 ends at -0.7, so step 0 is in phase 2 with pct (0 + 0.7)/(0 + 0.7) = 1.
        var s = new OneCycleSchedule(0.3, 1, pctStart: 0.3, divFactor: 100, finalDivFactor: 1e4);
        Assert.Equal(3e-7, s.LearningRate(0), Tol);
    }
}
