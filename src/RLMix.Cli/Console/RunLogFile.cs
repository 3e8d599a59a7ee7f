using Serilog;
using Serilog.Core;
using Serilog.Events;

namespace RLMix.Cli.Console;

/// <summary>
/// Serilog sink for DIR/log.txt that holds events in memory until the run directory exists, so a
/// run refused for bad input leaves no log file behind, and log.txt still starts at the beginning.
/// </summary>
internal sealed class RunLogFile : ILogEventSink, IDisposable
{
    readonly List<LogEvent> pending = [];
    Logger? file;

    /// <summary>Starts writing to <paramref name="path"/> (appending, so a resumed run keeps its earlier log).</summary>
    public void Open(string path)
    {
        lock (pending)
        {
            file?.Dispose();
            file = new LoggerConfiguration().MinimumLevel.Verbose()
                .WriteTo.File(path, outputTemplate: "{Timestamp:yyyy-MM-dd HH:mm:ss.fff} [{Level:u3}] {Message:lj}{NewLine}{Exception}")
                .CreateLogger();
            foreach (var e in pending) file.Write(e);
            pending.Clear();
        }
    }

    public void Emit(LogEvent logEvent)
    {
        lock (pending)
        {
            if (file != null) file.Write(logEvent);
            else pending.Add(logEvent);
        }
    }

    public void Dispose()
    {
        lock (pending) file?.Dispose();
    }
}
