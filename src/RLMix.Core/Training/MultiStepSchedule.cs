namespace RLMix.Training;

/// <summary>
/// PyTorch's <c>MultiStepLR</c> stepped once per epoch, expressed per optimizer step: during 0-based
/// epoch e the LR is <c>baseLr * gamma^(number of milestones &lt;= e)</c>, so it changes only at epoch boundaries.
/// Milestones are epoch counts (e.g. 100 and 200 for 300-epoch runs).
/// </summary>
public sealed class MultiStepSchedule : ILearningRateSchedule
{
    readonly int[] milestones;

    /// <summary>Creates the schedule.</summary>
    public MultiStepSchedule(double baseLr, IEnumerable<int> milestones, double gamma, int stepsPerEpoch)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(baseLr, 0);
        ArgumentOutOfRangeException.ThrowIfLessThan(stepsPerEpoch, 1);
        BaseLr = baseLr;
        Gamma = gamma;
        StepsPerEpoch = stepsPerEpoch;
        this.milestones = milestones.Order().ToArray();
    }

    /// <summary>Learning rate before the first milestone.</summary>
    public double BaseLr { get; }

    /// <summary>Factor applied at each milestone.</summary>
    public double Gamma { get; }

    /// <summary>Optimizer steps per epoch.</summary>
    public int StepsPerEpoch { get; }

    /// <inheritdoc />
    public double LearningRate(long step)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(step);
        var epoch = step / StepsPerEpoch;
        var passed = milestones.Count(m => m <= epoch);
        return BaseLr * Math.Pow(Gamma, passed);
    }

    /// <inheritdoc />
    public double? Momentum(long step) => null;
}
