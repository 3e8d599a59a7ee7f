namespace RLMix.Training;

/// <summary>The content of <c>metrics.json</c> (design.md): final metrics of a run and its per-epoch history. Percents for errors and ECE.</summary>
public sealed record RunMetrics
{
    public required string Method { get; init; }
    public required string Dataset { get; init; }
    public required string Model { get; init; }
    public required long Seed { get; init; }
    public required int Epochs { get; init; }
    public required int TrainSize { get; init; }
    public required int TestSize { get; init; }
    public required string Device { get; init; }
    public required double Top1Error { get; init; }
    public required double Ece { get; init; }
    public required double FgsmError { get; init; }
    public required double SecondsTotal { get; init; }
    public required double SecondsPerEpoch { get; init; }
    /// <summary>Batches skipped because of a non-finite loss (<c>--on-nonfinite skip</c>).</summary>
    public int SkippedBatches { get; init; }
    public required IReadOnlyList<EpochRecord> History { get; init; }
    public required IReadOnlyDictionary<string, string> Versions { get; init; }
}

/// <summary>One epoch of a run's history.</summary>
/// <param name="Epoch">1-based epoch.</param>
/// <param name="TrainLoss">Mean training loss over the epoch's batches.</param>
/// <param name="TestError">Top-1 test error (%) after the epoch.</param>
/// <param name="Lr">Learning rate at the end of the epoch.</param>
/// <param name="Seconds">Training seconds of the epoch (evaluation excluded).</param>
/// <param name="RssMb">Resident memory of the process at the end of the epoch, in MiB.</param>
/// <param name="Extra">Method-specific statistics of the epoch (RL-Mix: <c>mean_reward</c>, <c>q_0</c>..<c>q_9</c> counts), from <see cref="IEpochStats"/>.</param>
public sealed record EpochRecord(int Epoch, double TrainLoss, double TestError, double Lr, double Seconds, double RssMb,
    IReadOnlyDictionary<string, double>? Extra = null);
