namespace RLMix.Training;

/// <summary>What a run does at a NaN or infinite training loss; written <c>stop</c> or <c>skip</c>.</summary>
public enum NonFinitePolicy
{
    /// <summary>Stop with an error naming the epoch and batch (the last checkpoint is kept).</summary>
    Stop,

    /// <summary>Skip the batch and count it in metrics.json.</summary>
    Skip,
}
