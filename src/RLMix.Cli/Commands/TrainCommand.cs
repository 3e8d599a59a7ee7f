using System.CommandLine;
using Microsoft.Extensions.Logging;
using RLMix.Cli.Console;
using RLMix.Configuration;
using RLMix.Training;

namespace RLMix.Cli.Commands;

/// <summary><c>rlmix train</c>: trains a classifier with one method and writes metrics.json.</summary>
internal static class TrainCommand
{
    public static Command Create(MethodCatalog methods)
    {
        var run = new RunConfigOptions(methods);
        var outDir = new Option<string?>("--out", "-o") { Description = "Run directory (default runs/METHOD-DATASET-seedS)." };
        var resume = new Option<bool>("--resume") { Description = "Continue from the run directory's checkpoint." };
        var overwrite = new Option<bool>("--overwrite") { Description = "Replace another run's results in the run directory." };
        var agent = new Option<string?>("--agent") { Description = "With --method rlmix: a trained agent's directory choosing q (rlmix.policy = learned:DIR). Without it, rlmix trains its agent online." };
        var saveExamples = new Option<int>("--save-examples") { Description = "Write a PNG grid of N mixed images of the first batch with their soft labels (examples.png, examples.md)." };
        var checkpointEvery = new Option<int?>("--checkpoint-every") { Description = "Also write a checkpoint every N batches (default: every 10 minutes and at every epoch end)." };
        var onNonFinite = new Option<string?>("--on-nonfinite") { Description = "stop (default): stop at a NaN/Inf loss; skip: skip the batch and count it." };

        var command = new Command("train", "Train a classifier with a mixup method; writes metrics.json, epochs.csv, config.json, log.txt and a checkpoint.");
        run.AddTo(command);
        command.Add(outDir);
        command.Add(resume);
        command.Add(overwrite);
        command.Add(onNonFinite);
        command.Add(checkpointEvery);
        command.Add(agent);
        command.Add(saveExamples);
        command.SetAction(p => Cli.Run(p, ctx =>
        {
            var config = run.Resolve(p);
            if (p.GetValue(onNonFinite) is { } policy) config = config with { OnNonFinite = KebabEnum.Parse<NonFinitePolicy>(policy, "--on-nonfinite") };
            if (p.GetValue(agent) is { } agentDir)
            {
                if (config.Method != "rlmix") throw new Errors.UsageException($"--agent goes with --method rlmix (the method is {config.Method}).");
                config = config with { Methods = config.Methods.With("rlmix", "policy", $"learned:{agentDir}") };
            }
            config = config.Validate(methods);
            string dir = p.GetValue(outDir) ?? Path.Combine("runs", $"{config.Method}-{config.Data.Dataset}-seed{config.Seed}");
            IO.OutputDirectory.Check(dir);
            if (p.GetValue(saveExamples) < 0) throw new Errors.UsageException("--save-examples must be 0 or more.");
            var options = new RunOptions(dir, p.GetValue(resume), p.GetValue(overwrite), p.GetValue(saveExamples))
            {
                Checkpoints = (CheckpointInterval.Default with { EveryBatches = p.GetValue(checkpointEvery) }).Validate(),
            };
            ctx.Logger.LogInformation("rlmix train: method {Method}, dataset {Dataset}, model {Model}, {Epochs} epochs, seed {Seed}, device {Device} -> {Dir:l}",
                config.Method, config.Data.Dataset, config.Model, config.Epochs, config.Seed, config.Device, dir);
            var metrics = ProgressObserver.Run(ctx.Logger, observer =>
                TrainingRun.Run(methods, config, options, new LogFileOpener(observer, () => ctx.OpenLogFile(Path.Combine(dir, "log.txt"))), ctx.Cancel));
            ctx.Logger.LogInformation("Done: top-1 error {Top1:F2}% (final epoch; best {Best:F2}% at epoch {BestEpoch}), ECE {Ece:F2}% ({Bins} bins), confidence - accuracy {Signed:+0.00;-0.00}%, FGSM error {Fgsm:F2}%, {Seconds:F1} s/epoch. Results in {Dir:l}/metrics.json",
                metrics.Top1Error, metrics.BestTop1Error, metrics.BestEpoch, metrics.Ece, metrics.EceBins, metrics.ConfidenceMinusAccuracy, metrics.FgsmError, metrics.SecondsPerEpoch, dir);
            return 0;
        }, graceful: true));
        return command;
    }

    /// <summary>Opens DIR/log.txt when training starts (the run directory exists only then).</summary>
    sealed class LogFileOpener(ITrainingObserver inner, Action open) : ITrainingObserver
    {
        public void Started(int epochs, int batchesPerEpoch, int startEpoch, int startBatch)
        {
            open();
            inner.Started(epochs, batchesPerEpoch, startEpoch, startBatch);
        }

        public void BatchDone(int epoch, int batch, double loss, int images) => inner.BatchDone(epoch, batch, loss, images);
        public void EpochDone(EpochRecord record) => inner.EpochDone(record);
        public void EvaluationBatchDone(int batch, int batches) => inner.EvaluationBatchDone(batch, batches);
        public void Info(string message) => inner.Info(message);
    }
}
