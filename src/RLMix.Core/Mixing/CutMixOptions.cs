using RLMix.Errors;

namespace RLMix.Mixing;

/// <summary>Options of CutMix (Yun et al. 2019), the "cutmix" section of a run's configuration.</summary>
public sealed record CutMixOptions
{
    /// <summary>lambda ~ Beta(Alpha, Alpha), one per batch; the box covers 1 - lambda of the image. The default value is 1.0.</summary>
    public double Alpha { get; init; } = 1.0;

    /// <summary>Throws a <see cref="UsageException"/> naming the first invalid option.</summary>
    public void Validate()
    {
        if (!(Alpha > 0))
            throw new UsageException($"cutmix.alpha must be > 0; got {Alpha}.");
    }
}
