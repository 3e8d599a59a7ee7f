using System.Globalization;

namespace RLMix.TensorBoard;

/// <summary>
/// Writes scalars to one TensorBoard event file in a directory, with wall times in Unix seconds (TorchSharp
/// 0.107's <c>SummaryWriter</c> writes the first event's wall time and the file name in .NET ticks, which
/// TensorBoard shows as the year 60000). Each call is flushed, so a checkpoint can record the file's length.
/// A directory that already holds an event file (a resumed run) gets appended to, so one run keeps one file;
/// <c>--overwrite</c> deletes the directory first.
/// </summary>
public sealed class EventFileWriter : IDisposable
{
    /// <summary>The prefix TensorBoard looks for.</summary>
    public const string FilePrefix = "events.out.tfevents.";

    readonly FileStream stream;
    readonly Func<DateTimeOffset> clock;

    /// <summary>Opens (or continues) the event file in <paramref name="logDir"/>; <paramref name="clock"/> defaults to the UTC system clock.</summary>
    public EventFileWriter(string logDir, Func<DateTimeOffset>? clock = null)
    {
        this.clock = clock ?? (() => DateTimeOffset.UtcNow);
        Directory.CreateDirectory(logDir);
        var existing = Directory.GetFiles(logDir, FilePrefix + "*").Order(StringComparer.Ordinal).LastOrDefault();
        var now = this.clock();
        FilePath = existing ?? Path.Combine(logDir, string.Create(CultureInfo.InvariantCulture, $"{FilePrefix}{now.ToUnixTimeSeconds():D10}.{HostName()}"));
        stream = new FileStream(FilePath, FileMode.Append, FileAccess.Write, FileShare.Read);
        if (stream.Length == 0) Write(EventProto.FileVersion(UnixSeconds(now)));
    }

    /// <summary>The event file's path.</summary>
    public string FilePath { get; }

    /// <summary>Writes <paramref name="scalars"/> (tag, value) as one event at <paramref name="step"/>.</summary>
    public void AddScalars(long step, IEnumerable<KeyValuePair<string, double>> scalars) =>
        Write(EventProto.Scalars(UnixSeconds(clock()), step, scalars));

    /// <summary>Writes one scalar at <paramref name="step"/>.</summary>
    public void AddScalar(string tag, double value, long step) => AddScalars(step, [new(tag, value)]);

    /// <inheritdoc />
    public void Dispose() => stream.Dispose();

    void Write(byte[] payload)
    {
        TfRecord.Write(stream, payload);
        stream.Flush();
    }

    static double UnixSeconds(DateTimeOffset t) => t.ToUnixTimeMilliseconds() / 1000.0;

    // A host name with a path separator or space would make an odd file name; keep it to a safe alphabet.
    static string HostName() =>
        new string(Environment.MachineName.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_' ? c : '_').ToArray()) is { Length: > 0 } h ? h : "localhost";
}
