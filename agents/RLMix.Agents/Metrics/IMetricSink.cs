namespace RLMix.Agents.Metrics;

/// <summary>Where metric dumps go (console, CSV, TensorBoard). Keys are SB3's (<c>train/approx_kl</c>, <c>rollout/ep_rew_mean</c>, ...).</summary>
public interface IMetricSink : IDisposable
{
    /// <summary>Writes one dump: each key's value at <paramref name="step"/> (timesteps).</summary>
    void Write(long step, IReadOnlyDictionary<string, double> values);
}
