namespace RLMix.Training;

/// <summary>The learning-rate schedule of a <see cref="Trainer"/>; written <c>onecycle</c> or <c>multistep</c>.</summary>
public enum LrSchedule
{
    /// <summary><see cref="OneCycleSchedule"/>.</summary>
    Onecycle,

    /// <summary><see cref="MultiStepSchedule"/>.</summary>
    Multistep,
}
