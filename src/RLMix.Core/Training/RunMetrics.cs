namespace RLMix.Training;

/// <summary>The content of <c>metrics.json</c>: final metrics of a run and its per-epoch history. Percents for errors and ECE.</summary>
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
    /// <summary>Top-1 test error (%) after the final epoch.</summary>
    public required double Top1Error { get; init; }

    /// <summary>
    /// Lowest top-1 test error (%) over the epochs' evaluations, as the official R-Mix and Co-Mixup
    /// code report it ("best test epoch"). It is chosen on the test set, so it is optimistic;
    /// <see cref="Top1Error"/> is the final epoch's.
    /// </summary>
    public double BestTop1Error => History.Count == 0 ? Top1Error : History.Min(h => h.TestError);

    /// <summary>The 1-based epoch of <see cref="BestTop1Error"/> (the earliest on ties).</summary>
    public int BestEpoch => History.Count == 0 ? Epochs : History.MinBy(h => h.TestError)!.Epoch;

    /// <summary>Expected calibration error (%) with <see cref="EceBins"/> equal-width bins.</summary>
    public required double Ece { get; init; }

    /// <summary>Confidence bins of <see cref="Ece"/>. The default value is 15 (every run before the setting existed).</summary>
    public int EceBins { get; init; } = 15;

    /// <summary>Mean confidence minus accuracy (%) on the clean test set: &gt; 0 over-confident, &lt; 0 under-confident; null in runs written before it was recorded.</summary>
    public double? ConfidenceMinusAccuracy { get; init; }

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
