using System.Diagnostics;
using Microsoft.Extensions.Logging;
using RLMix.Training;
using Spectre.Console;

namespace RLMix.Cli.Console;

/// <summary>
/// Shows a training run's progress: a live bar per epoch (batches, loss, images/s, ETA) in a
/// terminal, and plain periodic log lines when the output is redirected (CI, files).
/// </summary>
internal sealed class ProgressObserver(ILogger logger, ProgressContext? live) : ITrainingObserver
{
    readonly Stopwatch sinceReport = Stopwatch.StartNew();
    readonly Stopwatch epochClock = new();
    ProgressTask? task;
    int batchesPerEpoch, images, taskEpoch;
    double lossSum;
    int lossCount;

    public void Started(int epochs, int batchesPerEpoch, int startEpoch, int startBatch)
    {
        this.batchesPerEpoch = batchesPerEpoch;
        logger.LogInformation("Training {Epochs} epochs of {Batches} batches, starting at epoch {Epoch} batch {Batch}.", epochs, batchesPerEpoch, startEpoch, startBatch);
    }

    public void BatchDone(int epoch, int batch, double loss, int images)
    {
        if (!epochClock.IsRunning) { epochClock.Restart(); this.images = 0; lossSum = 0; lossCount = 0; }
        this.images += images;
        if (double.IsFinite(loss)) { lossSum += loss; lossCount++; }
        double seconds = epochClock.Elapsed.TotalSeconds;
        string rate = seconds > 0.5 ? $"{this.images / seconds:F0} img/s" : "... img/s";
        string text = $"epoch {epoch} loss {lossSum / Math.Max(lossCount, 1):F4} {rate}";
        if (live != null)
        {
            if (task == null || taskEpoch != epoch)
            {
                task = live.AddTask(text, maxValue: batchesPerEpoch);
                taskEpoch = epoch;
            }
            task.Description = text;
            task.Value = batch + 1;
        }
        else if (sinceReport.Elapsed.TotalSeconds >= 15 || batch + 1 == batchesPerEpoch)
        {
            double eta = (batchesPerEpoch - batch - 1) * epochClock.Elapsed.TotalSeconds / Math.Max(batch + 1, 1);
            logger.LogInformation("{Text:l}, batch {Batch}/{Total}, epoch ETA {Eta:F0} s", text, batch + 1, batchesPerEpoch, eta);
            sinceReport.Restart();
        }
    }

    public void EpochDone(EpochRecord r)
    {
        epochClock.Reset();
        if (task != null) { task.Value = task.MaxValue; task.StopTask(); task = null; }
        logger.LogInformation("Epoch {Epoch}: train loss {Loss:F4}, test error {Error:F2}%, lr {Lr:G4}, {Seconds:F1} s, RSS {Rss:F0} MiB",
            r.Epoch, r.TrainLoss, r.TestError, r.Lr, r.Seconds, r.RssMb);
    }

    public void EvaluationBatchDone(int batch, int batches)
    {
        if (live != null)
        {
            if (task == null || taskEpoch != -1)
            {
                task = live.AddTask("final test + FGSM", maxValue: batches);
                taskEpoch = -1;
            }
            task.Value = batch;
            if (batch == batches) { task.StopTask(); task = null; }
        }
        else if (batch == 1 || sinceReport.Elapsed.TotalSeconds >= 15 || batch == batches)
        {
            logger.LogInformation("Final evaluation: batch {Batch}/{Total}", batch, batches);
            sinceReport.Restart();
        }
    }

    public void Info(string message) => logger.LogInformation("{Message:l}", message);

    /// <summary>Runs <paramref name="body"/> with a live progress display when the console is interactive, else with plain lines.</summary>
    public static T Run<T>(ILogger logger, Func<ITrainingObserver, T> body)
    {
        if (!AnsiConsole.Profile.Capabilities.Interactive || System.Console.IsOutputRedirected)
            return body(new ProgressObserver(logger, null));
        T result = default!;
        AnsiConsole.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .Start(ctx => result = body(new ProgressObserver(logger, ctx)));
        return result;
    }
}
