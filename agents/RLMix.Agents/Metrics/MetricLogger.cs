namespace RLMix.Agents.Metrics;

/// <summary>
/// Collects metrics between dumps and writes each key's MEAN over the interval to every sink (SB3's
/// logger keeps only the last value of some keys; a mean is what a reader expects). Every dump carries
/// <c>time/total_timesteps</c> (its step) and, once <see cref="StartClock"/> was called, SB3's
/// <c>time/fps</c> and <c>time/time_elapsed</c>.
/// </summary>
public sealed class MetricLogger(params IMetricSink[] sinks) : IDisposable
{
    readonly Dictionary<string, (double Sum, int Count)> pending = new(StringComparer.Ordinal);
    System.Diagnostics.Stopwatch? clock;
    long clockStartStep;
    double secondsBefore;

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

    /// <summary>
    /// Starts the wall clock of <c>time/fps</c> (steps since <paramref name="startStep"/> per second of this
    /// process, as SB3 counts since <c>learn</c>) and <c>time/time_elapsed</c> (seconds, <paramref name="secondsBefore"/>
    /// of earlier sessions of a resumed run included). Wall time: not part of a run's deterministic numbers.
    /// </summary>
    public void StartClock(long startStep, double secondsBefore = 0)
    {
        clock = System.Diagnostics.Stopwatch.StartNew();
        clockStartStep = startStep;
        this.secondsBefore = secondsBefore;
    }

    /// <summary>Writes the means recorded since the last dump to every sink and clears them.</summary>
    public void Dump(long step)
    {
        if (pending.Count == 0) return;
        pending["time/total_timesteps"] = (step, 1);
        if (clock is { } c)
        {
            var seconds = c.Elapsed.TotalSeconds;
            pending["time/fps"] = (seconds > 0 ? Math.Floor((step - clockStartStep) / seconds) : 0, 1);
            pending["time/time_elapsed"] = (Math.Floor(secondsBefore + seconds), 1);
        }
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
