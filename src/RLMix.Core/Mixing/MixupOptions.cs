using RLMix.Errors;

namespace RLMix.Mixing;

/// <summary>Options of Input Mixup (Zhang et al. 2018), the "mixup" section of a run's configuration.</summary>
public sealed record MixupOptions
{
    /// <summary>lambda ~ Beta(Alpha, Alpha), one per batch. The default value is 1.0.</summary>
    public double Alpha { get; init; } = 1.0;

    /// <summary>
    /// Probability that a batch is mixed; otherwise it trains on the clean batch and its one-hot labels.
    /// The default value is 1.0: Zhang et al. mix every batch.
    /// </summary>
    public double Prob { get; init; } = 1.0;

    /// <summary>Throws a <see cref="UsageException"/> naming the first invalid option.</summary>
    public void Validate()
    {
        if (!(Prob is >= 0 and <= 1))
            throw new UsageException($"mixup.prob must be in [0, 1]; got {Prob}.");
        if (!(Alpha > 0))
            throw new UsageException($"mixup.alpha must be > 0; got {Alpha}.");
    }
}
