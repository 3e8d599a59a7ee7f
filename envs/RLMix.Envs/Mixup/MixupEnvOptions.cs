using RLMix.Mixing;

namespace RLMix.Envs.Mixup;

/// <summary>Settings of <see cref="MixupEnv"/>. Defaults are the paper's and the official code's.</summary>
public sealed record MixupEnvOptions
{
    /// <summary>
    /// R-Mix's options (alpha, patches per side, K top-k values: the action space is
    /// <c>MultiDiscrete([K] * B)</c>). Its loss belongs to the backend that trains
    /// (<c>new TrainerMixupBackend(trainer, RMix.Loss)</c>), not to the env. The default value is R-Mix's defaults.
    /// </summary>
    public RMixOptions RMix { get; init; } = new();

    /// <summary>Side of the pooled saliency grid the agent observes (the official <c>num_patches</c>). The default value is 8.</summary>
    public int ObservationGrid { get; init; } = 8;

    /// <summary>End an episode after this many batches (tests, quick runs); null means a whole epoch. The default value is null.</summary>
    public int? MaxBatches { get; init; }

    /// <summary>
    /// Epochs in the run: the last one ends with <c>terminated</c>; reset after it is an error. Null
    /// means the run has no known end (every episode is truncated). The default value is null.
    /// </summary>
    public int? TotalEpochs { get; init; }

    /// <summary>
    /// Report <c>terminated</c> at every epoch end, as the official code's <c>done=True</c> does (no
    /// bootstrap through epoch ends). False (the default) reports <c>truncated</c>, because training goes
    /// on in the next epoch. The default value is false.
    /// </summary>
    public bool TerminalAtEpochEnd { get; init; }

    /// <summary>The <c>paper</c> preset: the official environment's settings (terminal at every epoch end).</summary>
    public static MixupEnvOptions Paper { get; } = new() { TerminalAtEpochEnd = true };

    /// <summary>Throws <see cref="Errors.UsageException"/> naming the first invalid setting.</summary>
    public void Validate()
    {
        RMix.Validate("MixupEnv rmix");
        if (ObservationGrid < 1) throw new Errors.UsageException($"MixupEnv observation grid must be >= 1 (got {ObservationGrid}).");
        if (MaxBatches is < 1) throw new Errors.UsageException($"MixupEnv max batches must be >= 1 (got {MaxBatches}).");
        if (TotalEpochs is < 1) throw new Errors.UsageException($"MixupEnv total epochs must be >= 1 (got {TotalEpochs}).");
    }
}
