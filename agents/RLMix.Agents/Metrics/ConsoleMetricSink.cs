using System.Globalization;
using System.Text;

namespace RLMix.Agents.Metrics;

/// <summary>Writes each dump as an SB3-style table through <paramref name="writeLine"/> (a logger or the console).</summary>
public sealed class ConsoleMetricSink(Action<string> writeLine) : IMetricSink
{
    /// <inheritdoc />
    public void Write(long step, IReadOnlyDictionary<string, double> values)
    {
        var width = values.Keys.DefaultIfEmpty("").Max(k => k.Length);
        var text = new StringBuilder();
        text.AppendLine(new string('-', width + 18));
        foreach (var (key, value) in values)
            text.AppendLine($"| {key.PadRight(width)} | {value.ToString("G6", CultureInfo.InvariantCulture),12} |");
        text.Append(new string('-', width + 18));
        writeLine(text.ToString());
    }

    /// <inheritdoc />
    public void Dispose() { }
}
