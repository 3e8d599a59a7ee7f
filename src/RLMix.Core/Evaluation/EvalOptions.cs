namespace RLMix.Evaluation;

/// <summary>Test-time metric settings, the "eval" section of a run's configuration.</summary>
public sealed record EvalOptions
{
    /// <summary>
    /// Number of equal-width confidence bins of the ECE (15 as Guo et al. 2017; Co-Mixup's
    /// appendix used 10). The value used is recorded in metrics.json as <c>ece_bins</c>. The default value is 15.
    /// </summary>
    public int EceBins { get; init; } = 15;

    /// <summary>Throws <see cref="Errors.UsageException"/> when a setting is out of range.</summary>
    public void Validate()
    {
        if (EceBins is < 1 or > 1000)
            throw new Errors.UsageException($"eval.ece_bins must be a whole number from 1 to 1000 (got {EceBins}); 15 is the default, 10 is Co-Mixup's.");
    }
}
