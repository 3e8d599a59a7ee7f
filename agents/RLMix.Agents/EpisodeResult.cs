namespace RLMix.Agents;

/// <summary>One episode's outcome.</summary>
/// <param name="Episode">1-based episode number.</param>
/// <param name="TotalReward">Undiscounted sum of the step rewards.</param>
/// <param name="Steps">Steps in the episode.</param>
/// <param name="Terminated">Whether it ended terminated (else truncated).</param>
public sealed record EpisodeResult(int Episode, double TotalReward, int Steps, bool Terminated)
{
    /// <summary>Mean reward per step.</summary>
    public double MeanReward => Steps == 0 ? 0 : TotalReward / Steps;
}
