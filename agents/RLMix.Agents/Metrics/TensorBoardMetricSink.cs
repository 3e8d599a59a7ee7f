using TorchSharp.Modules;
using static TorchSharp.torch.utils.tensorboard;

namespace RLMix.Agents.Metrics;

/// <summary>
/// Writes scalars to TensorBoard event files with TorchSharp's <c>SummaryWriter</c> in
/// <paramref name="logDir"/> (explicit, so paths are reproducible). TorchSharp's writer appends each
/// event synchronously and has no flush or close; its step is an int, so steps are clamped.
/// </summary>
public sealed class TensorBoardMetricSink(string logDir) : IMetricSink
{
    readonly SummaryWriter writer = SummaryWriter(logDir, null, false);

    /// <summary>The event files' directory.</summary>
    public string LogDir => writer.LogDir;

    /// <inheritdoc />
    public void Write(long step, IReadOnlyDictionary<string, double> values)
    {
        var s = (int)Math.Min(step, int.MaxValue);
        foreach (var (key, value) in values) writer.add_scalar(key, (float)value, s);
    }

    /// <inheritdoc />
    public void Dispose() { }
}
