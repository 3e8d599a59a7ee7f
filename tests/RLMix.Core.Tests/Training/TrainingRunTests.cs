using RLMix.Configuration;
using RLMix.Data;
using RLMix.Errors;
using RLMix.Training;

namespace RLMix.Core.Tests.Training;

public sealed class TrainingRunTests : IDisposable
{
    readonly string dir = Directory.CreateTempSubdirectory("rlmix-run-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    static RunConfig Config(string method = "vanilla") => new()
    {
        Method = method, Epochs = 2, Seed = 3,
        Data = new DataOptions { Dataset = "synthetic", LimitTrain = 200, LimitTest = 100, BatchSize = 50 },
    };

    /// <summary>Cancels after <paramref name="batches"/> batches, as Ctrl-C would.</summary>
    sealed class StopAfter(int batches, CancellationTokenSource cts) : ITrainingObserver
    {
        int seen;
        public void BatchDone(int epoch, int batch, double loss, int images)
        {
            if (++seen == batches) cts.Cancel();
        }
    }

    static void AssertSameNumbers(RunMetrics a, RunMetrics b)
    {
        Assert.Equal(a.Top1Error, b.Top1Error);
        Assert.Equal(a.Ece, b.Ece);
        Assert.Equal(a.FgsmError, b.FgsmError);
        Assert.Equal(a.History.Select(h => (h.TrainLoss, h.TestError, h.Lr)), b.History.Select(h => (h.TrainLoss, h.TestError, h.Lr)));
    }

    [Theory]
    [InlineData("vanilla", 4)] // interrupted at the end of epoch 1 (4 batches per epoch)
    [InlineData("vanilla", 6)] // interrupted mid-epoch
    [InlineData("rmix", 5)]
    [InlineData("lamix", 5)]
    [InlineData("comixup", 5)]
    public void InterruptedAndResumed_EqualsUninterrupted(string method, int stopAfter)
    {
        var straight = TrainingRun.Run(TestMethods.Catalog, Config(method), new RunOptions(Path.Combine(dir, "a")));

        string b = Path.Combine(dir, "b");
        using (var cts = new CancellationTokenSource())
        {
            var e = Assert.Throws<RunInterruptedException>(() => TrainingRun.Run(TestMethods.Catalog, Config(method), new RunOptions(b), new StopAfter(stopAfter, cts), cts.Token));
            Assert.Contains("--resume", e.Message);
        }
        Assert.False(File.Exists(Path.Combine(b, "metrics.json")));
        var resumed = TrainingRun.Run(TestMethods.Catalog, Config(method), new RunOptions(b, Resume: true));

        AssertSameNumbers(straight, resumed);
        Assert.Equal(straight.History.Count, resumed.History.Count);
    }

    [Fact]
    public void TensorBoard_HoldsEachEpochsScalars_WithUnixSecondWallTimes()
    {
        var before = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var m = TrainingRun.Run(TestMethods.Catalog, Config(), new RunOptions(Path.Combine(dir, "a")));
        var after = DateTimeOffset.UtcNow.ToUnixTimeSeconds();

        var events = RLMix.Core.Tests.TensorBoard.EventFileReader.Read(Assert.Single(Directory.GetFiles(Path.Combine(dir, "a", "tb"))));
        Assert.Equal([0L, 1L, 2L], events.Select(e => e.Step));
        Assert.All(events, e => Assert.InRange(e.WallTime, before, after + 1));
        foreach (var (e, h) in events.Skip(1).Zip(m.History))
        {
            var tags = e.Scalars.ToDictionary(x => x.Tag, x => x.Value);
            Assert.Equal((float)h.TrainLoss, tags["train/loss"]);
            Assert.Equal((float)h.TestError, tags["test/error"]);
            Assert.Equal((float)h.Lr, tags["train/lr"]);
            Assert.Equal((float)(200 / h.Seconds), tags["time/images_per_s"]);   // 4 batches of 50
        }
    }

    [Fact]
    public void SameSeed_GivesIdenticalMetrics_AndAnotherSeedDoesNot()
    {
        var a = TrainingRun.Run(TestMethods.Catalog, Config(), new RunOptions(Path.Combine(dir, "a")));
        var b = TrainingRun.Run(TestMethods.Catalog, Config(), new RunOptions(Path.Combine(dir, "b")));
        var c = TrainingRun.Run(TestMethods.Catalog, Config() with { Seed = 4 }, new RunOptions(Path.Combine(dir, "c")));
        AssertSameNumbers(a, b);
        Assert.NotEqual(a.History[0].TrainLoss, c.History[0].TrainLoss);
    }

    [Fact]
    public void TruncatedCheckpoint_FallsBackToThePreviousOne()
    {
        var straight = TrainingRun.Run(TestMethods.Catalog, Config(), new RunOptions(Path.Combine(dir, "a")));
        string b = Path.Combine(dir, "b");
        using (var cts = new CancellationTokenSource())
            Assert.Throws<RunInterruptedException>(() => TrainingRun.Run(TestMethods.Catalog, Config(), new RunOptions(b), new StopAfter(6, cts), cts.Token));
        // checkpoint.bin is the mid-epoch-2 one, checkpoint.prev.bin the end of epoch 1. Damage the latest.
        string latest = Path.Combine(b, CheckpointFile.FileName);
        var bytes = File.ReadAllBytes(latest);
        File.WriteAllBytes(latest, bytes[..(bytes.Length / 2)]);

        var messages = new List<string>();
        var resumed = TrainingRun.Run(TestMethods.Catalog, Config(), new RunOptions(b, Resume: true), new Recorder(messages));
        Assert.Contains(messages, m => m.Contains("truncated") && m.Contains(CheckpointFile.PreviousFileName));
        AssertSameNumbers(straight, resumed);
    }

    [Fact]
    public void ADirectoryWithAnotherRun_IsRefusedWithoutResumeOrOverwrite()
    {
        string a = Path.Combine(dir, "a");
        TrainingRun.Run(TestMethods.Catalog, Config() with { Epochs = 1 }, new RunOptions(a));
        var e = Assert.Throws<UsageException>(() => TrainingRun.Run(TestMethods.Catalog, Config() with { Epochs = 1 }, new RunOptions(a)));
        Assert.Contains("--overwrite", e.Message);
        var again = TrainingRun.Run(TestMethods.Catalog, Config() with { Epochs = 1 }, new RunOptions(a, Overwrite: true));
        Assert.Single(again.History);
    }

    sealed class Recorder(List<string> messages) : ITrainingObserver
    {
        public void Info(string message) => messages.Add(message);
    }

    /// <summary>Vanilla training whose loss becomes NaN at one chosen batch (as an exploding loss would).</summary>
    sealed class NanAt(int epoch, int batch) : ITrainingMethod
    {
        public string Name => "nan-at";
        public IEnumerable<TorchSharp.Modules.Parameter> ExtraParameters => [];
        public TorchSharp.torch.Tensor TrainStep(Trainer trainer, Batch b, MethodStep step)
        {
            var targets = TorchSharp.torch.nn.functional.one_hot(b.Labels, step.NumClasses).to(TorchSharp.torch.float32);
            if (step.Epoch == epoch && step.BatchIndex == batch) targets = targets * double.NaN;
            return trainer.Step(b.Inputs, targets).Loss;
        }
        public void Dispose() { }
    }

    [Fact]
    public void NonFiniteLoss_StopsNamingEpochAndBatch_OrIsSkippedAndCounted()
    {
        var methods = TestMethods.Catalog.With("nan-at", _ => new NanAt(2, 1));   // this test's catalogue only
        var config = Config() with { Method = "nan-at" };
        var e = Assert.Throws<NonFiniteException>(() => TrainingRun.Run(methods, config, new RunOptions(Path.Combine(dir, "stop"))));
        Assert.Contains("epoch 2, batch 1", e.Message);
        Assert.Contains("--on-nonfinite skip", e.Message);
        Assert.True(File.Exists(Path.Combine(dir, "stop", CheckpointFile.FileName)));   // the end of epoch 1 is kept
        Assert.False(File.Exists(Path.Combine(dir, "stop", "metrics.json")));

        var skipped = TrainingRun.Run(methods, config with { OnNonFinite = NonFinitePolicy.Skip }, new RunOptions(Path.Combine(dir, "skip")));
        // Exactly one batch skipped: had the NaN step reached the weights, every later batch's loss
        // would be NaN too (and skipped).
        Assert.Equal(1, skipped.SkippedBatches);
        Assert.True(double.IsFinite(skipped.Ece) && skipped.History.All(h => double.IsFinite(h.TrainLoss)));
    }

    [Theory]
    [InlineData("mixup")]
    [InlineData("cutmix")]
    [InlineData("lamix")]
    [InlineData("comixup")]
    public void EveryMethod_SameSeed_GivesBitIdenticalMetrics(string method)
    {
        var a = TrainingRun.Run(TestMethods.Catalog, Config(method) with { Epochs = 1 }, new RunOptions(Path.Combine(dir, "a")));
        var b = TrainingRun.Run(TestMethods.Catalog, Config(method) with { Epochs = 1 }, new RunOptions(Path.Combine(dir, "b")));
        AssertSameNumbers(a, b);
    }

    [Theory]
    [InlineData("mixup")]
    [InlineData("lamix")]
    public void SameSeed_SameNumbers_WhileAnotherThreadUsesTorchsGlobalGenerator(string method)
    {
        var reference = TrainingRun.Run(TestMethods.Catalog, Config(method) with { Epochs = 1 }, new RunOptions(Path.Combine(dir, "a")));
        using var stop = new CancellationTokenSource();
        // What a parallel test class or the user's own code may do in the same process.
        var noise = new Thread(() =>
        {
            for (long i = 0; !stop.IsCancellationRequested; i++)
            {
                TorchSharp.torch.manual_seed(i);
                using var x = TorchSharp.torch.randn(64);
            }
        });
        noise.Start();
        try
        {
            var again = TrainingRun.Run(TestMethods.Catalog, Config(method) with { Epochs = 1 }, new RunOptions(Path.Combine(dir, "b")));
            AssertSameNumbers(reference, again);
        }
        finally
        {
            stop.Cancel();
            noise.Join();
        }
    }

    [Fact]
    public void SaveExamples_WritesTheGrid_AndDoesNotChangeTraining()
    {
        var plain = TrainingRun.Run(TestMethods.Catalog, Config("rmix") with { Epochs = 1 }, new RunOptions(Path.Combine(dir, "a")));
        var shown = TrainingRun.Run(TestMethods.Catalog, Config("rmix") with { Epochs = 1 }, new RunOptions(Path.Combine(dir, "b"), SaveExamples: 8));
        AssertSameNumbers(plain, shown);
        var png = File.ReadAllBytes(Path.Combine(dir, "b", "examples.png"));
        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, png[..4]);
        Assert.Equal(8, File.ReadAllLines(Path.Combine(dir, "b", "examples.md")).Count(l => l.StartsWith("| ") && !l.StartsWith("| #") && !l.StartsWith("| image")));
    }
}
