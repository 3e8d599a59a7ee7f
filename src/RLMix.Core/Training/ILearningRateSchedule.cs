namespace RLMix.Training;

/// <summary>
/// A learning-rate (and optionally momentum) schedule as a pure function of the optimizer step,
/// so that resuming only needs the step counter.
/// </summary>
public interface ILearningRateSchedule
{
    /// <summary>The learning rate for the optimizer step with 0-based index <paramref name="step"/>.</summary>
    double LearningRate(long step);

    /// <summary>The SGD momentum for step <paramref name="step"/>, or null to leave the optimizer's momentum unchanged.</summary>
    double? Momentum(long step);
}
