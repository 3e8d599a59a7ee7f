namespace RLMix.Training;

/// <summary>
/// When <see cref="TrainingRun"/> writes a checkpoint inside an epoch (besides every epoch end and on
/// interruption), so that a killed run loses minutes, not an epoch: after <see cref="EveryBatches"/>
/// batches, or once <see cref="Every"/> has passed since the last checkpoint, whichever comes first.
/// A resumed run ends with the same numbers whatever the interval.
/// </summary>
/// <param name="EveryBatches">Batches between checkpoints; null for none by count (<c>--checkpoint-every N</c>).</param>
/// <param name="Every">Time between checkpoints; null for none by time. The default value is 10 minutes.</param>
public sealed record CheckpointInterval(int? EveryBatches, TimeSpan? Every)
{
    /// <summary>Every 10 minutes, no batch count: the default of <c>rlmix train</c> and the <c>rlmix compare</c> cells.</summary>
    public static CheckpointInterval Default { get; } = new(null, TimeSpan.FromMinutes(10));

    /// <summary>Whether a checkpoint is due <paramref name="batches"/> batches and <paramref name="elapsed"/> after the last one.</summary>
    public bool Due(int batches, TimeSpan elapsed) =>
        (EveryBatches is int n && batches >= n) || (Every is TimeSpan t && elapsed >= t);

    /// <summary>Throws <see cref="Errors.UsageException"/> for a count below 1 or a time that is not positive.</summary>
    public CheckpointInterval Validate()
    {
        if (EveryBatches is < 1) throw new Errors.UsageException($"--checkpoint-every must be at least 1 batch (got {EveryBatches}).");
        if (Every is { } t && t <= TimeSpan.Zero) throw new Errors.UsageException($"The checkpoint time interval must be positive (got {t}).");
        return this;
    }
}
