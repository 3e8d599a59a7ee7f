using RLMix.TensorBoard;

namespace RLMix.Agents.Metrics;

/// <summary>
/// Writes each dump as one TensorBoard event in <paramref name="logDir"/> (explicit, so paths are
/// reproducible) through RLMix's <see cref="EventFileWriter"/>: Unix-second wall times, one event file
/// per run directory (a resumed run appends to it).
/// </summary>
public sealed class TensorBoardMetricSink(string logDir) : IMetricSink
{
    readonly EventFileWriter writer = new(logDir);

    /// <summary>The event files' directory.</summary>
    public string LogDir => logDir;

    /// <inheritdoc />
    public void Write(long step, IReadOnlyDictionary<string, double> values) => writer.AddScalars(step, values);

    /// <inheritdoc />
    public void Dispose() => writer.Dispose();
}
