namespace RLMix.Agents.Metrics;

/// <summary>
/// Collects metrics between dumps and writes each key's MEAN over the interval to every sink (SB3's
/// logger keeps only the last value of some keys; a mean is what a reader expects).
/// </summary>
public sealed class MetricLogger(params IMetricSink[] sinks) : IDisposable
{
    readonly Dictionary<string, (double Sum, int Count)> pending = new(StringComparer.Ordinal);

    /// <summary>A logger that writes nowhere.</summary>
    public static MetricLogger None => new();

    /// <summary>The values of the last dump.</summary>
    public IReadOnlyDictionary<string, double> Last { get; private set; } = new Dictionary<string, double>();

    /// <summary>Records one value of <paramref name="key"/>.</summary>
    public void Record(string key, double value)
    {
        pending.TryGetValue(key, out var acc);
        pending[key] = (acc.Sum + value, acc.Count + 1);
    }

    /// <summary>Writes the means recorded since the last dump to every sink and clears them.</summary>
    public void Dump(long step)
    {
        if (pending.Count == 0) return;
        var values = pending.OrderBy(kv => kv.Key, StringComparer.Ordinal).ToDictionary(kv => kv.Key, kv => kv.Value.Sum / kv.Value.Count, StringComparer.Ordinal);
        pending.Clear();
        Last = values;
        foreach (var sink in sinks) sink.Write(step, values);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var sink in sinks) sink.Dispose();
    }
}
