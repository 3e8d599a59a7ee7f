using Serilog.Core;
using Serilog.Events;
using Serilog.Formatting.Display;
using Spectre.Console;

namespace RLMix.Cli.Console;

/// <summary>
/// Serilog sink that writes through Spectre.Console, so that log lines appear above a live
/// progress bar instead of corrupting it (spectre.console#1146, #1520); plain lines when the output is redirected.
/// </summary>
internal sealed class AnsiConsoleSink : ILogEventSink
{
    // :lj renders strings without quotes (the default quotes every string property).
    static readonly MessageTemplateTextFormatter Message = new("{Message:lj}");

    public void Emit(LogEvent e)
    {
        string level = e.Level switch
        {
            LogEventLevel.Error or LogEventLevel.Fatal => "[red]ERR[/]",
            LogEventLevel.Warning => "[yellow]WRN[/]",
            LogEventLevel.Debug or LogEventLevel.Verbose => "[grey]DBG[/]",
            _ => "INF",
        };
        var writer = new StringWriter();
        Message.Format(e, writer);
        string message = writer.ToString();
        if (e.Exception != null) message += "\n" + e.Exception;
        if (System.Console.IsOutputRedirected)
        {
            // A file or a pipe: plain text, one unwrapped line per message, no colour codes.
            System.Console.Out.WriteLine($"{e.Timestamp:HH:mm:ss} {Markup.Remove(level)} {message}");
            return;
        }
        AnsiConsole.MarkupLine($"[grey]{e.Timestamp:HH:mm:ss}[/] {level} {Markup.Escape(message)}");
    }
}
