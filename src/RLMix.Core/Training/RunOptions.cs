namespace RLMix.Training;

/// <summary>How a <see cref="TrainingRun"/> treats its output directory.</summary>
/// <param name="OutDir">Run directory: metrics.json, epochs.csv, config.json, checkpoints.</param>
/// <param name="Resume">Continue from the directory's checkpoint.</param>
/// <param name="Overwrite">Replace another run's results in the directory.</param>
/// <param name="SaveExamples">Write a PNG grid of this many mixed images of the first batch, with their soft labels (examples.png, examples.md).</param>
public sealed record RunOptions(string OutDir, bool Resume = false, bool Overwrite = false, int SaveExamples = 0)
{
    /// <summary>When to checkpoint inside an epoch. The default value is <see cref="CheckpointInterval.Default"/> (every 10 minutes).</summary>
    public CheckpointInterval Checkpoints { get; init; } = CheckpointInterval.Default;
}
