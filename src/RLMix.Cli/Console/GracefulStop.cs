using Microsoft.Extensions.Logging;

namespace RLMix.Cli.Console;

/// <summary>
/// The first Ctrl-C or SIGTERM: ask the run to stop after the current batch (it writes a checkpoint
/// and exits 130/143). A batch that never ends (a hung reward plug-in, a stuck file system) would
/// hold the process forever, so after the grace period the process exits by itself with the
/// signal's code. Checkpoints are written atomically, so the last complete one is intact either way.
/// </summary>
internal sealed class GracefulStop(CancellationTokenSource cts, ILogger logger, TimeSpan grace) : IDisposable
{
    Timer? timer;
    volatile bool finished;

    /// <summary>Handles a signal; <paramref name="exitCode"/> is the code used if the grace period runs out.</summary>
    public void Request(int exitCode)
    {
        if (cts.IsCancellationRequested) return;
        logger.LogWarning("Stopping after the current batch and writing a checkpoint (waiting at most {Grace} s; a second signal stops at once)...", grace.TotalSeconds);
        cts.Cancel();
        timer = new Timer(_ => Expire(exitCode), null, grace, Timeout.InfiniteTimeSpan);
    }

    /// <summary>The command returned: the grace timer must not fire any more.</summary>
    public void Finished() => finished = true;

    void Expire(int exitCode)
    {
        if (finished) return;
        // Wait for a checkpoint being written (never leave a partial file), then leave; the writer cannot start another.
        System.Threading.Monitor.Enter(Training.CheckpointFile.SaveLock);
        string message = $"The run did not stop within the {grace.TotalSeconds} s grace period (--grace-period): the current batch hangs or is slow. Exiting now. " +
                         "The last complete checkpoint in the run directory is intact: run the same command with --resume to continue from it.";
        // On stderr directly (the log goes to stdout and log.txt): scripts watching stderr see why the run stopped.
        System.Console.Error.WriteLine($"error: {message}");
        System.Console.Error.Flush();
        logger.LogError("{Message:l}", message);
        Serilog.Log.CloseAndFlush();
        Environment.Exit(exitCode);
    }

    public void Dispose() => timer?.Dispose();
}
