using RLMix.Errors;

namespace RLMix.Mixing;

/// <summary>Options of CutMix (Yun et al. 2019), the "cutmix" section of a run's configuration.</summary>
public sealed record CutMixOptions
{
    /// <summary>lambda ~ Beta(Alpha, Alpha), one per batch; the box covers 1 - lambda of the image. The default value is 1.0.</summary>
    public double Alpha { get; init; } = 1.0;

    /// <summary>
    /// Probability that a batch is mixed; otherwise it trains on the clean batch and its one-hot labels.
    /// The default value is 0.5: the CutMix paper's CIFAR recipe (official <c>clovaai/CutMix-PyTorch</c>
    /// README, <c>--cutmix_prob 0.5</c> for CIFAR-100; 1.0 for ImageNet), which R-Mix's CutMix baseline
    /// (<c>environment.py</c>) also uses.
    /// </summary>
    public double Prob { get; init; } = 0.5;

    /// <summary>Throws a <see cref="UsageException"/> naming the first invalid option.</summary>
    public void Validate()
    {
        if (!(Prob is >= 0 and <= 1))
            throw new UsageException($"cutmix.prob must be in [0, 1]; got {Prob}.");
        if (!(Alpha > 0))
            throw new UsageException($"cutmix.alpha must be > 0; got {Alpha}.");
    }
}
