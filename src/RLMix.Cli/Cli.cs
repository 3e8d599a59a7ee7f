using System.CommandLine;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;
using RLMix.Cli.Console;
using RLMix.Errors;
using RLMix.Training;
using Serilog;
using Serilog.Events;
using Serilog.Extensions.Logging;

namespace RLMix.Cli;

/// <summary>
/// Runs one command's body with a Serilog logger (console through Spectre, DIR/log.txt once
/// the run directory exists), maps errors to the documented exit codes (README), and turns Ctrl-C / SIGTERM
/// into a cancellation the training loop answers with a checkpoint.
/// </summary>
internal static class Cli
{
    public static readonly Option<bool> Verbose = new("--verbose") { Description = "Print debug logs and stack traces of unexpected errors.", Recursive = true };

    /// <summary>The default of <see cref="GracePeriod"/>, in seconds.</summary>
    public const double DefaultGraceSeconds = 30;

    public static readonly Option<double> GracePeriod = new("--grace-period")
    {
        Description = $"Seconds to wait after Ctrl-C/SIGTERM for the current batch to finish and the checkpoint to be written; after that the process exits (143/130) keeping the last checkpoint.",
        Recursive = true,
        DefaultValueFactory = _ => DefaultGraceSeconds,
    };

    /// <summary>Longest error message printed: a net under <see cref="Errors.Echo"/>, which cuts each echoed value.</summary>
    const int MaxMessageLength = 4000;

    /// <summary>The services a command body gets.</summary>
    public sealed record Context(Microsoft.Extensions.Logging.ILogger Logger, CancellationToken Cancel, Action<string> OpenLogFile);

    /// <param name="graceful">The body answers <see cref="Context.Cancel"/> (checkpoint, then exit 130/143); otherwise signals end the process as usual.</param>
    public static int Run(ParseResult parse, Func<Context, int> body, bool graceful = false)
    {
        bool verbose = parse.GetValue(Verbose);
        double grace = parse.GetValue(GracePeriod);
        if (!(grace >= 0 && grace <= 86_400))
        {
            System.Console.Error.WriteLine($"error: --grace-period must be between 0 and 86400 seconds (got {grace}).");
            return 2;
        }
        // Redirected output (CI, files): no colour codes, and tables not cut at Spectre's default 80 columns
        // (log lines bypass Spectre there: AnsiConsoleSink).
        if (System.Console.IsOutputRedirected)
        {
            Spectre.Console.AnsiConsole.Console = Spectre.Console.AnsiConsole.Create(new Spectre.Console.AnsiConsoleSettings
            {
                Ansi = Spectre.Console.AnsiSupport.No, ColorSystem = Spectre.Console.ColorSystemSupport.NoColors,
                Interactive = Spectre.Console.InteractionSupport.No,
            });
            Spectre.Console.AnsiConsole.Profile.Width = 1000;
        }
        using var logFile = new RunLogFile();
        Log.Logger = new LoggerConfiguration()
            .MinimumLevel.Is(verbose ? LogEventLevel.Debug : LogEventLevel.Information)
            .WriteTo.Sink(new AnsiConsoleSink())
            .WriteTo.Sink(logFile)
            .CreateLogger();

        using var loggerFactory = new SerilogLoggerFactory(Log.Logger);
        var logger = loggerFactory.CreateLogger("rlmix");
        logger.LogDebug("malloc: {Malloc:l}", MallocTuning.State);

        using var cts = new CancellationTokenSource();
        int signalExit = 0;
        // First signal: finish the batch and checkpoint; a second one ends the process at once.
        using var stop = new GracefulStop(cts, logger, TimeSpan.FromSeconds(grace));
        ConsoleCancelEventHandler onCtrlC = (_, e) => { e.Cancel = !cts.IsCancellationRequested; signalExit = 130; stop.Request(130); };
        if (graceful) System.Console.CancelKeyPress += onCtrlC;
        using var onTerm = graceful
            ? PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = !cts.IsCancellationRequested; signalExit = 143; stop.Request(143); })
            : null;
        try
        {
            return body(new Context(logger, cts.Token, logFile.Open));
        }
        catch (RLMixException e)
        {
            logger.LogError("{Message:l}", Shorten(e.Message));
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
        catch (IOException e) when (!verbose)
        {
            // A full disk or an unwritable output: the message names the file.
            logger.LogError("I/O error: {Message:l}", Shorten(FirstLine(e.Message)));
            return 1;
        }
        catch (Exception e)
        {
            if (verbose) logger.LogError(e, "Unexpected error: {Message}", e.Message);
            // libtorch's messages carry C++ frames after the first line: those are for --verbose.
            else logger.LogError("Unexpected error: {Type}: {Message} (run with --verbose for the stack trace)", e.GetType().Name, Shorten(FirstLine(e.Message)));
            return 1;
        }
        finally
        {
            stop.Finished();
            if (graceful) System.Console.CancelKeyPress -= onCtrlC;
            Log.CloseAndFlush();
        }
    }

    static string FirstLine(string message) => message.Split('\n', 2)[0].TrimEnd();

    static string Shorten(string message) => message.Length <= MaxMessageLength ? message : Errors.Echo.Of(message, MaxMessageLength);
}
