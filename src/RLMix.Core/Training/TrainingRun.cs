using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using RLMix.Configuration;
using RLMix.Data;
using RLMix.Errors;
using RLMix.Evaluation;
using RLMix.IO;
using RLMix.Mixing;
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
    /// <summary>Runs (or resumes) the training described by <paramref name="config"/>, its method taken from <paramref name="methods"/>.</summary>
    /// <exception cref="UsageException">Invalid config, or the directory holds another run.</exception>
    /// <exception cref="DataException">The data set is missing or corrupt.</exception>
    /// <exception cref="RunInterruptedException"><paramref name="cancel"/> fired; a checkpoint was written.</exception>
    public static RunMetrics Run(MethodCatalog methods, RunConfig config, RunOptions run, ITrainingObserver? observer = null, CancellationToken cancel = default)
    {
        observer ??= new NullObserver();
        config = config.Validate(methods);   // config.json records every method section resolved, so the run can be repeated from it
        OutputDirectory.Check(run.OutDir);
        var identity = RunIdentity.Of(config, methods);
        var device = torch.device(config.Device);

        // Everything that can fail on bad input happens before the run directory is touched.
        var splits = DatasetCatalog.Load(config.Data, Seeds.Derive(config.Seed, "data"));
        var trainLoader = DataLoader.ForTraining(splits.Train, config.Data, Seeds.Derive(config.Seed, "data"), device);
        var testLoader = DataLoader.ForEvaluation(splits.Test, config.Data, device, trainLoader.Normalization);
        var evaluator = new Evaluator(trainLoader.Normalization.Mean, trainLoader.Normalization.Std, eceBins: config.Eval.EceBins);
        using var model = ModelFactory.Create(config.Model, (int)trainLoader.ImageShape[0], splits.Train.NumClasses, Seeds.Derive(config.Seed, "model"), config.MemoryFormat);
        model.to(device);
        using var method = methods.Create(config.Method, config.Methods);
        method.Attach(model, Seeds.Derive(config.Seed, "method-init"));
        using var directoryLock = PrepareDirectory(run, observer);

        using var trainer = new Trainer(model, config.Trainer, trainLoader.BatchesPerEpoch, config.Epochs, method.ExtraParameters);
        // A CPU generator on every device: the mixers draw their few numbers on the CPU and move them (Sampling), so a seed gives the same mixes everywhere.
        using var generator = new Generator((ulong)Seeds.Derive(config.Seed, "method"));
        var state = new RunState(identity);
        var loaded = run.Resume ? CheckpointFile.TryLoadLatest(run.OutDir) : null;
        if (run.Resume) CheckSameRun(run.OutDir, identity, loaded, methods);
        if (loaded != null)
        {
            if (loaded.UsedPrevious) observer.Info($"{loaded.Problem} Falling back to the previous checkpoint {loaded.Path}.");
            state.Restore(loaded.Sections, trainer, method, generator);
            observer.Info($"Resumed from {loaded.Path} at epoch {state.Epoch}, batch {state.Batch}.");
        }
        else if (run.Resume)
        {
            observer.Info($"--resume: no checkpoint in {run.OutDir}; starting from the beginning.");
        }
        AtomicFile.WriteAllText(Path.Combine(run.OutDir, "config.json"), ConfigFile.Serialize(config));
        identity.Write(run.OutDir);
        if (run.SaveExamples > 0 && state.Epoch == 1 && state.Batch == 0)
            SaveExamples(run, config, method, model, trainLoader, splits.Train.NumClasses);
        var interval = run.Checkpoints.Validate();
        using var events = new EpochEvents(run.OutDir, trainLoader.DropLast ? trainLoader.BatchesPerEpoch * trainLoader.BatchSize : splits.Train.Count, state.History);
        var sinceCheckpoint = Stopwatch.StartNew();
        int batchesSinceCheckpoint = 0;
        void Checkpoint()
        {
            CheckpointFile.Save(run.OutDir, state.Capture(trainer, method, generator));
            sinceCheckpoint.Restart();
            batchesSinceCheckpoint = 0;
        }

        observer.Started(config.Epochs, trainLoader.BatchesPerEpoch, state.Epoch, state.Batch);
        foreach (var line in method.Plan((long)config.Epochs * trainLoader.BatchesPerEpoch)) observer.Info(line);
        while (state.Epoch <= config.Epochs)
        {
            var clock = Stopwatch.StartNew();
            foreach (var batch in trainLoader.Epoch(state.Epoch, state.Batch))
            {
                using (batch)
                using (var scope = torch.NewDisposeScope())
                {
                    var step = new MethodStep(state.Epoch, state.Batch, splits.Train.NumClasses, generator, (long)config.Epochs * trainLoader.BatchesPerEpoch);
                    double loss = method.TrainStep(trainer, batch, step).item<float>();
                    if (!double.IsFinite(loss))
                    {
                        if (config.OnNonFinite == NonFinitePolicy.Stop)
                            throw new NonFiniteException($"The training loss is {loss} at epoch {state.Epoch}, batch {state.Batch} (method {config.Method}). The last good checkpoint is in {run.OutDir}. Lower trainer.max_lr, or pass --on-nonfinite skip to skip such batches.");
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
                    Checkpoint();
                    throw new RunInterruptedException(run.OutDir, state.Epoch, state.Batch);
                }
                // Mid-epoch checkpoints reuse the Ctrl-C path's state; the epoch-end one below covers the last batch.
                if (interval.Due(++batchesSinceCheckpoint, sinceCheckpoint.Elapsed) && state.Batch < trainLoader.BatchesPerEpoch)
                    Checkpoint();
            }

            double testError = evaluator.Evaluate(model, testLoader.Epoch(0), fgsm: false).Top1Error;
            var record = new EpochRecord(state.Epoch, state.LossCount > 0 ? state.LossSum / state.LossCount : double.NaN,
                testError, trainer.CurrentLr, state.EpochSeconds, Environment.WorkingSet / (1024.0 * 1024.0),
                (method as IEpochStats)?.TakeEpochStats());
            state.History.Add(record);
            state.LossSum = 0; state.LossCount = 0; state.EpochSeconds = 0;
            WriteEpochsCsv(Path.Combine(run.OutDir, "epochs.csv"), state.History);
            events.Write(record);
            observer.EpochDone(record);
            state.Epoch++;
            state.Batch = 0;
            Checkpoint();
            CrashPoint.Reach("epoch-end", cancel);
        }

        observer.Info($"Final evaluation: test error, ECE and FGSM error on {splits.Test.Count} test images.");
        var eval = evaluator.Evaluate(model, Reporting(testLoader.Epoch(0), testLoader.BatchesPerEpoch, observer), fgsm: true);
        double total = state.History.Sum(h => h.Seconds);
        var metrics = new RunMetrics
        {
            Method = config.Method, Dataset = config.Data.Dataset, Model = config.Model, Seed = config.Seed,
            Epochs = config.Epochs, TrainSize = splits.Train.Count, TestSize = splits.Test.Count, Device = config.Device,
            Top1Error = eval.Top1Error, Ece = eval.Ece, FgsmError = eval.FgsmError,
            EceBins = evaluator.EceBins, ConfidenceMinusAccuracy = eval.ConfidenceMinusAccuracy,
            SecondsTotal = total, SecondsPerEpoch = total / config.Epochs, SkippedBatches = state.SkippedBatches,
            History = state.History, Versions = VersionInfo.All,
        };
        AtomicFile.WriteAllText(Path.Combine(run.OutDir, "metrics.json"), JsonSerializer.Serialize(metrics, ConfigFile.JsonOptions));
        return metrics;
    }

    /// <summary>
    /// The first batch as the method mixes it, before training. The model's BatchNorm statistics are
    /// restored after the saliency pass and the draws come from their own generator, so a run with
    /// examples trains exactly as one without.
    /// </summary>
    static void SaveExamples(RunOptions run, RunConfig config, ITrainingMethod method, ClassifierModel model, DataLoader loader, int numClasses)
    {
        using var scope = torch.NewDisposeScope();
        using var batch = loader.Epoch(1).First();
        var buffers = model.named_buffers().Select(b => (b.buffer, copy: b.buffer.clone())).ToList();
        using var generator = new Generator((ulong)Seeds.Derive(config.Seed, "examples"));
        MixResult mixed;
        if (method.Mixer is { } mixer)
        {
            var saliency = mixer.NeedsSaliency ? Saliency.Compute(model, batch.Inputs, batch.Labels).Saliency : null;
            mixed = mixer.Mix(batch, new MixContext(numClasses, generator, saliency));
        }
        else
        {
            mixed = new MixResult(batch.Inputs, torch.nn.functional.one_hot(batch.Labels, numClasses).to(torch.float32));
        }
        using (torch.no_grad())
            foreach (var (buffer, copy) in buffers) buffer.copy_(copy);
        int n = (int)Math.Min(run.SaveExamples, mixed.Inputs.shape[0]);
        ExampleGrid.Save(Path.Combine(run.OutDir, "examples.png"), mixed.Inputs[..n], mixed.Targets[..n], loader.Normalization.Mean, loader.Normalization.Std);
    }

    /// <summary>Creates and locks the run directory, then checks it may be written as <paramref name="run"/> asks.</summary>
    static DirectoryLock PrepareDirectory(RunOptions run, ITrainingObserver observer)
    {
        OutputDirectory.Create(run.OutDir);
        var directoryLock = DirectoryLock.Acquire(run.OutDir, "run directory");
        try
        {
            ClearForRun(run);
        }
        catch
        {
            directoryLock.Dispose();
            throw;
        }
        if (directoryLock.StaleHolder is { } stale)
            observer.Info($"Took over the lock of {run.OutDir} from a process that ended without releasing it ({stale}).");
        return directoryLock;
    }

    static void ClearForRun(RunOptions run)
    {
        if (Directory.Exists(run.OutDir) && !run.Resume && !run.Overwrite
            && (File.Exists(Path.Combine(run.OutDir, "metrics.json")) || File.Exists(Path.Combine(run.OutDir, CheckpointFile.FileName))))
            throw new UsageException($"The output directory '{run.OutDir}' holds another run's results. Pass --resume to continue it, --overwrite to replace it, or choose another --out.");
        if (run.Overwrite)
            RunOutputs.Delete(run.OutDir, "metrics.json", "epochs.csv", "config.json", "log.txt", EpochEvents.DirectoryName, "examples.png", "examples.md", CheckpointFile.FileName, CheckpointFile.PreviousFileName);
        Directory.CreateDirectory(run.OutDir);
    }

    /// <summary>
    /// Refuses to continue a run (from its checkpoint, or a finished one) whose recorded identity differs from
    /// <paramref name="identity"/>: the result would mix two configurations under one label.
    /// </summary>
    static void CheckSameRun(string dir, RunIdentity identity, CheckpointLoad? loaded, MethodCatalog methods)
    {
        bool finished = File.Exists(Path.Combine(dir, "metrics.json"));
        if (loaded == null && !finished) return; // nothing to continue: the run starts afresh
        RunIdentity? stored;
        string holder;
        if (loaded != null && loaded.Sections.Contains(RunIdentity.SectionName))
        {
            stored = RunIdentity.Parse(System.Text.Encoding.UTF8.GetString(loaded.Sections.Get(RunIdentity.SectionName)), loaded.Path);
            holder = "checkpoint has";
        }
        else
        {
            stored = RunIdentity.Read(dir, methods);
            holder = loaded != null ? "checkpoint has" : "finished run has";
        }
        if (stored == null)
            throw new UsageException($"Cannot resume '{dir}': it records no configuration (no {RunIdentity.FileName} or config.json), so it cannot be checked against this run's. Pass --overwrite to start over, or choose another --out.");
        if (identity.FirstDifference(stored) is { } d)
            throw new UsageException($"Cannot resume '{dir}': it was trained with other settings than this run ({d.Describe(holder, "this run")}). "
                + $"Continuing it would mix two configurations under one label. Resume with the run's own settings (see {Path.Combine(dir, "config.json")}), pass --overwrite to start over, or choose another --out.");
    }

    static void WriteEpochsCsv(string path, IReadOnlyList<EpochRecord> history)
    {
        var sb = new StringBuilder("epoch,train_loss,test_error,lr,seconds,rss_mb\n");
        foreach (var h in history)
            sb.AppendLine(string.Create(CultureInfo.InvariantCulture, $"{h.Epoch},{h.TrainLoss:R},{h.TestError:R},{h.Lr:R},{h.Seconds:F3},{h.RssMb:F1}"));
        AtomicFile.WriteAllText(path, sb.ToString());
    }

    static IEnumerable<Batch> Reporting(IEnumerable<Batch> batches, int count, ITrainingObserver observer)
    {
        int done = 0;
        foreach (var batch in batches)
        {
            yield return batch;
            observer.EvaluationBatchDone(++done, count);
        }
    }

    sealed class NullObserver : ITrainingObserver { }

    /// <summary>Loop position and accumulators, saved with the trainer and the run's identity in every checkpoint.</summary>
    sealed class RunState(RunIdentity identity)
    {
        public int Epoch = 1, Batch, LossCount, SkippedBatches;
        public double LossSum, EpochSeconds;
        public List<EpochRecord> History = [];

        public CheckpointSections Capture(Trainer trainer, ITrainingMethod method, Generator generator) => new CheckpointSections()
            .Add("run", Write)
            .Add("trainer", trainer.Save)
            .Add("method", method.SaveState)
            .AddGenerator("method-generator", generator)
            .Add(RunIdentity.SectionName, identity.ToBytes());

        public void Restore(CheckpointSections s, Trainer trainer, ITrainingMethod method, Generator generator)
        {
            using (var r = s.Open("run")) Read(r);
            using (var r = s.Open("trainer")) trainer.Load(r);
            using (var r = s.Open("method")) method.LoadState(r);
            s.RestoreGenerator("method-generator", generator);
        }

        void Write(BinaryWriter w)
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
        }

        void Read(BinaryReader r)
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
        }
    }
}
