using System.CommandLine;
using System.Runtime.InteropServices;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using RLMix.Cli.Console;
using RLMix.Errors;
using RLMix.Training;
using Serilog;
using Serilog.Events;

namespace RLMix.Cli;

/// <summary>
/// Runs one command's body inside a host with Serilog (console through Spectre, DIR/log.txt once
/// the run directory exists), maps errors to design.md's exit codes, and turns Ctrl-C / SIGTERM
/// into a cancellation the training loop answers with a checkpoint.
/// </summary>
internal static class Cli
{
    public static readonly Option<bool> Verbose = new("--verbose") { Description = "Print debug logs and stack traces of unexpected errors.", Recursive = true };

    /// <summary>The services a command body gets.</summary>
    public sealed record Context(Microsoft.Extensions.Logging.ILogger Logger, CancellationToken Cancel, Action<string> OpenLogFile);

    /// <param name="graceful">The body answers <see cref="Context.Cancel"/> (checkpoint, then exit 130/143); otherwise signals end the process as usual.</param>
    public static int Run(ParseResult parse, Func<Context, int> body, bool graceful = false)
    {
        bool verbose = parse.GetValue(Verbose);
        // Redirected output (CI, files): no wrapping at Spectre's default 80 columns.
        if (System.Console.IsOutputRedirected) Spectre.Console.AnsiConsole.Profile.Width = 240;
        using var logFile = new RunLogFile();
        Log.Logger = new LoggerConfiguration()
            .MinimumLevel.Is(verbose ? LogEventLevel.Debug : LogEventLevel.Information)
            .WriteTo.Sink(new AnsiConsoleSink())
            .WriteTo.Sink(logFile)
            .CreateLogger();

        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddSerilog();
        using var host = builder.Build();
        var logger = host.Services.GetRequiredService<ILoggerFactory>().CreateLogger("rlmix");

        using var cts = new CancellationTokenSource();
        int signalExit = 0;
        // First signal: finish the batch and checkpoint; a second one ends the process at once.
        ConsoleCancelEventHandler onCtrlC = (_, e) => { e.Cancel = !cts.IsCancellationRequested; signalExit = 130; Interrupt(cts, logger); };
        if (graceful) System.Console.CancelKeyPress += onCtrlC;
        using var onTerm = graceful
            ? PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = !cts.IsCancellationRequested; signalExit = 143; Interrupt(cts, logger); })
            : null;
        try
        {
            return body(new Context(logger, cts.Token, logFile.Open));
        }
        catch (RLMixException e)
        {
            logger.LogError("{Message:l}", e.Message);
            if (verbose) logger.LogDebug(e, "Details");
            return e.ExitCode;
        }
        catch (RunInterruptedException e)
        {
            logger.LogWarning("{Message:l}", e.Message);
            return signalExit == 0 ? 130 : signalExit;
        }
        catch (NonFiniteException e)
        {
            logger.LogError("{Message:l}", e.Message);
            return 1;
        }
        catch (Exception e)
        {
            if (verbose) logger.LogError(e, "Unexpected error: {Message}", e.Message);
            else logger.LogError("Unexpected error: {Type}: {Message} (run with --verbose for the stack trace)", e.GetType().Name, e.Message);
            return 1;
        }
        finally
        {
            if (graceful) System.Console.CancelKeyPress -= onCtrlC;
            Log.CloseAndFlush();
        }
    }

    static void Interrupt(CancellationTokenSource cts, Microsoft.Extensions.Logging.ILogger logger)
    {
        if (cts.IsCancellationRequested) return;
        logger.LogWarning("Stopping after the current batch and writing a checkpoint...");
        cts.Cancel();
    }
}
