namespace RLMix.Agents;

/// <summary>
/// The keys under which <see cref="RLMixMethod"/> records its per-epoch statistics in a run's history
/// (<c>EpochRecord.Extra</c>, metrics.json): the one place both the method and the comparison's reports take them from.
/// </summary>
public static class RLMixEpochStats
{
    /// <summary>The epoch's mean reward per step (an episode's mean reward in MixupEnv's terms).</summary>
    public const string MeanReward = "mean_reward";

    /// <summary>How often the q of index <paramref name="index"/> (of R-Mix's K top-k values) was chosen in the epoch.</summary>
    public static string QCount(int index) => $"q_{index}";

    /// <summary>How often the q of index <paramref name="index"/> was chosen for images of class <paramref name="label"/>.</summary>
    public static string QCountOfClass(int label, int index) => $"q_class{label}_{index}";
}
