using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using RLMix.Configuration;
using RLMix.Data;
using RLMix.Errors;
using RLMix.Evaluation;
using RLMix.IO;
using RLMix.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace RLMix.Training;

/// <summary>
/// Trains a classifier with one method for a number of epochs: the loop behind <c>rlmix train</c>.
/// Writes config.json, epochs.csv and a checkpoint after every epoch (and on interruption), and
/// metrics.json when the run is complete. Same config and seed on the same device, same numbers;
/// a run resumed from its checkpoint ends with the same metrics as an uninterrupted one.
/// </summary>
public static class TrainingRun
{
    const string CheckpointName = "checkpoint.bin";

    /// <summary>Runs (or resumes) the training described by <paramref name="config"/>.</summary>
    /// <exception cref="UsageException">Invalid config, or the directory holds another run.</exception>
    /// <exception cref="DataException">The data set is missing or corrupt.</exception>
    /// <exception cref="RunInterruptedException"><paramref name="cancel"/> fired; a checkpoint was written.</exception>
    public static RunMetrics Run(RunConfig config, RunOptions run, ITrainingObserver? observer = null, CancellationToken cancel = default)
    {
        observer ??= new NullObserver();
        config.Validate();
        var device = torch.device(config.Device);

        // Everything that can fail on bad input happens before the run directory is touched.
        var splits = DatasetCatalog.Load(config.Data, Seeds.Derive(config.Seed, "data"));
        var trainLoader = new DataLoader(splits.Train, config.Data, Seeds.Derive(config.Seed, "data"), device, train: true);
        var testLoader = new DataLoader(splits.Test, config.Data, Seeds.Derive(config.Seed, "data"), device, train: false);
        PrepareDirectory(run);

        torch.manual_seed(Seeds.Derive(config.Seed, "model"));
        using var model = ModelFactory.Create(config.Model, trainLoader.Channels, splits.Train.NumClasses);
        model.to(device);
        using var method = MethodRegistry.Create(config.Method, config.Methods);
        using var trainer = new Trainer(model, config.Trainer, trainLoader.BatchesPerEpoch, config.Epochs, method.ExtraParameters);
        using var generator = new Generator((ulong)Seeds.Derive(config.Seed, "method"), device);

        var state = new RunState();
        string checkpoint = Path.Combine(run.OutDir, CheckpointName);
        if (run.Resume && CheckpointStore.Exists(checkpoint))
        {
            string used = CheckpointStore.Load(checkpoint, r => state.Read(r, trainer, generator));
            observer.Info($"Resumed from {used} at epoch {state.Epoch}, batch {state.Batch}.");
        }
        else if (run.Resume)
        {
            observer.Info($"--resume: no checkpoint in {run.OutDir}; starting from the beginning.");
        }
        AtomicFile.WriteAllText(Path.Combine(run.OutDir, "config.json"), ConfigFile.Serialize(config));

        observer.Started(config.Epochs, trainLoader.BatchesPerEpoch, state.Epoch, state.Batch);
        while (state.Epoch <= config.Epochs)
        {
            var clock = Stopwatch.StartNew();
            foreach (var batch in trainLoader.Epoch(state.Epoch, state.Batch))
            {
                using (var scope = torch.NewDisposeScope())
                {
                    var step = new MethodStep(state.Epoch, state.Batch, splits.Train.NumClasses, generator);
                    double loss = method.TrainStep(trainer, batch, step).item<float>();
                    if (!double.IsFinite(loss))
                    {
                        if (config.OnNonFinite == "stop")
                            throw new NonFiniteException($"The training loss is {loss} at epoch {state.Epoch}, batch {state.Batch} (method {config.Method}). The last good checkpoint is {checkpoint}. Lower trainer.max_lr, or pass --on-nonfinite skip to skip such batches.");
                        state.SkippedBatches++;
                        observer.Info($"Skipped batch {state.Batch} of epoch {state.Epoch}: non-finite loss {loss}.");
                    }
                    else
                    {
                        state.LossSum += loss;
                        state.LossCount++;
                    }
                    observer.BatchDone(state.Epoch, state.Batch, loss, (int)batch.Labels.shape[0]);
                }
                state.Batch++;
                state.EpochSeconds += clock.Elapsed.TotalSeconds;
                clock.Restart();
                if (cancel.IsCancellationRequested)
                {
                    CheckpointStore.Save(checkpoint, w => state.Write(w, trainer, generator));
                    throw new RunInterruptedException(run.OutDir, state.Epoch, state.Batch);
                }
            }

            double testError = Evaluator.Top1Error(model, testLoader.Epoch(1));
            var record = new EpochRecord(state.Epoch, state.LossCount > 0 ? state.LossSum / state.LossCount : double.NaN,
                testError, trainer.CurrentLr, state.EpochSeconds, Environment.WorkingSet / (1024.0 * 1024.0),
                (method as IEpochStats)?.TakeEpochStats());
            state.History.Add(record);
            state.LossSum = 0; state.LossCount = 0; state.EpochSeconds = 0;
            WriteEpochsCsv(Path.Combine(run.OutDir, "epochs.csv"), state.History);
            observer.EpochDone(record);
            state.Epoch++;
            state.Batch = 0;
            CheckpointStore.Save(checkpoint, w => state.Write(w, trainer, generator));
        }

        var eval = Evaluator.Evaluate(model, testLoader.Epoch(1), testLoader.Normalization.Mean, testLoader.Normalization.Std);
        double total = state.History.Sum(h => h.Seconds);
        var metrics = new RunMetrics
        {
            Method = config.Method, Dataset = config.Data.Dataset, Model = config.Model, Seed = config.Seed,
            Epochs = config.Epochs, TrainSize = splits.Train.Count, TestSize = splits.Test.Count, Device = config.Device,
            Top1Error = eval.Top1Error, Ece = eval.Ece, FgsmError = eval.FgsmError,
            SecondsTotal = total, SecondsPerEpoch = total / config.Epochs, SkippedBatches = state.SkippedBatches,
            History = state.History, Versions = VersionInfo.All,
        };
        AtomicFile.WriteAllText(Path.Combine(run.OutDir, "metrics.json"), JsonSerializer.Serialize(metrics, ConfigFile.JsonOptions));
        return metrics;
    }

    static void PrepareDirectory(RunOptions run)
    {
        if (Directory.Exists(run.OutDir) && !run.Resume && !run.Overwrite
            && (File.Exists(Path.Combine(run.OutDir, "metrics.json")) || CheckpointStore.Exists(Path.Combine(run.OutDir, CheckpointName))))
            throw new UsageException($"The output directory '{run.OutDir}' holds another run's results. Pass --resume to continue it, --overwrite to replace it, or choose another --out.");
        if (run.Overwrite)
            foreach (var f in new[] { "metrics.json", "epochs.csv", CheckpointName, CheckpointName + ".prev" })
                File.Delete(Path.Combine(run.OutDir, f));
        Directory.CreateDirectory(run.OutDir);
    }

    static void WriteEpochsCsv(string path, IReadOnlyList<EpochRecord> history)
    {
        var sb = new StringBuilder("epoch,train_loss,test_error,lr,seconds,rss_mb\n");
        foreach (var h in history)
            sb.AppendLine(string.Create(CultureInfo.InvariantCulture, $"{h.Epoch},{h.TrainLoss:R},{h.TestError:R},{h.Lr:R},{h.Seconds:F3},{h.RssMb:F1}"));
        AtomicFile.WriteAllText(path, sb.ToString());
    }

    sealed class NullObserver : ITrainingObserver { }

    /// <summary>Loop position and accumulators, saved with the trainer in every checkpoint.</summary>
    sealed class RunState
    {
        public int Epoch = 1, Batch, LossCount, SkippedBatches;
        public double LossSum, EpochSeconds;
        public List<EpochRecord> History = [];

        public void Write(BinaryWriter w, Trainer trainer, Generator generator)
        {
            w.Write(Epoch); w.Write(Batch); w.Write(LossCount); w.Write(SkippedBatches); w.Write(LossSum); w.Write(EpochSeconds);
            w.Write(History.Count);
            foreach (var h in History)
            {
                w.Write(h.Epoch); w.Write(h.TrainLoss); w.Write(h.TestError); w.Write(h.Lr); w.Write(h.Seconds); w.Write(h.RssMb);
                var extra = h.Extra ?? new Dictionary<string, double>();
                w.Write(extra.Count);
                foreach (var (k, v) in extra) { w.Write(k); w.Write(v); }
            }
            WriteBytes(w, generator.get_state());
            WriteBytes(w, torch.random.get_rng_state());
            trainer.Save(w);
        }

        public void Read(BinaryReader r, Trainer trainer, Generator generator)
        {
            Epoch = r.ReadInt32(); Batch = r.ReadInt32(); LossCount = r.ReadInt32(); SkippedBatches = r.ReadInt32(); LossSum = r.ReadDouble(); EpochSeconds = r.ReadDouble();
            int n = r.ReadInt32();
            History = [];
            for (int i = 0; i < n; i++)
            {
                var h = new EpochRecord(r.ReadInt32(), r.ReadDouble(), r.ReadDouble(), r.ReadDouble(), r.ReadDouble(), r.ReadDouble());
                int extras = r.ReadInt32();
                var extra = new Dictionary<string, double>();
                for (int k = 0; k < extras; k++) extra[r.ReadString()] = r.ReadDouble();
                History.Add(extras == 0 ? h : h with { Extra = extra });
            }
            generator.set_state(ReadBytes(r));
            torch.random.set_rng_state(ReadBytes(r));
            trainer.Load(r);
        }

        static void WriteBytes(BinaryWriter w, Tensor state)
        {
            var bytes = state.data<byte>().ToArray();
            w.Write(bytes.Length);
            w.Write(bytes);
            state.Dispose();
        }

        static Tensor ReadBytes(BinaryReader r) => torch.tensor(r.ReadBytes(r.ReadInt32()), dtype: ScalarType.Byte);
    }
}
