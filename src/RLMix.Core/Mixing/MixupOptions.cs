using RLMix.Errors;

namespace RLMix.Mixing;

/// <summary>Options of Input Mixup (Zhang et al. 2018), the "mixup" section of a run's configuration.</summary>
public sealed record MixupOptions
{
    /// <summary>lambda ~ Beta(Alpha, Alpha), one per batch. The default value is 1.0.</summary>
    public double Alpha { get; init; } = 1.0;

    /// <summary>Throws a <see cref="UsageException"/> naming the first invalid option.</summary>
    public void Validate()
    {
        if (!(Alpha > 0))
            throw new UsageException($"mixup.alpha must be > 0; got {Alpha}.");
    }
}
