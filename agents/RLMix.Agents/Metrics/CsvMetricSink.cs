using System.Globalization;

namespace RLMix.Agents.Metrics;

/// <summary>
/// Appends each dump to a CSV in long format, <c>step,key,value</c> (one row per metric), so that keys
/// appearing later (e.g. <c>rollout/ep_rew_mean</c> after the first episode) need no header rewrite.
/// </summary>
public sealed class CsvMetricSink : IMetricSink
{
    readonly StreamWriter writer;

    /// <summary>Creates (or, with <paramref name="append"/>, continues) the file at <paramref name="path"/>.</summary>
    public CsvMetricSink(string path, bool append = false)
    {
        var exists = append && File.Exists(path);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        writer = new StreamWriter(path, append) { AutoFlush = true };
        if (!exists) writer.WriteLine("step,key,value");
    }

    /// <inheritdoc />
    public void Write(long step, IReadOnlyDictionary<string, double> values)
    {
        foreach (var (key, value) in values)
            writer.WriteLine($"{step},{key},{value.ToString("R", CultureInfo.InvariantCulture)}");
    }

    /// <inheritdoc />
    public void Dispose() => writer.Dispose();
}
