using RLMix.Configuration;
using RLMix.Data;
using RLMix.Errors;
using RLMix.Training;

namespace RLMix.Core.Tests.Training;

/// <summary>Checkpoints inside an epoch (<c>--checkpoint-every N</c>, every 10 minutes by default), overwrite and disk-full behaviour of a run directory.</summary>
public sealed class MidEpochCheckpointTests : IDisposable
{
    readonly string dir = Directory.CreateTempSubdirectory("rlmix-midckp-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    // 200 images in batches of 50: 4 batches per epoch, 2 epochs.
    static RunConfig Config(string method) => new()
    {
        Method = method, Epochs = 2, Seed = 5,
        Data = new DataOptions { Dataset = "synthetic", LimitTrain = 200, LimitTest = 100, BatchSize = 50 },
    };

    sealed class Killed : Exception;

    /// <summary>Dies inside the <paramref name="batches"/>-th batch, before it completes and with no checkpoint of its own, as a kill -9 would.</summary>
    sealed class KillAt(int batches) : ITrainingObserver
    {
        int seen;
        public void BatchDone(int epoch, int batch, double loss, int images)
        {
            if (++seen == batches) throw new Killed();
        }
    }

    sealed class Recorder(List<string> messages) : ITrainingObserver
    {
        public void Info(string message) => messages.Add(message);
    }

    [Theory]
    [InlineData("vanilla")]
    [InlineData("rmix")]
    public void KilledAfterAMidEpochCheckpoint_ResumesFromIt_AndEndsBitIdentical(string method)
    {
        var straight = TrainingRun.Run(TestMethods.Catalog, Config(method), new RunOptions(Path.Combine(dir, "straight")));

        string b = Path.Combine(dir, "killed");
        var every3 = new RunOptions(b) { Checkpoints = new CheckpointInterval(3, null) };
        // Checkpoints after epoch 1 batch 3, at the end of epoch 1, after epoch 2 batch 3; killed inside the 8th batch.
        Assert.Throws<Killed>(() => TrainingRun.Run(TestMethods.Catalog, Config(method), every3, new KillAt(8)));
        Assert.False(File.Exists(Path.Combine(b, "metrics.json")));

        var messages = new List<string>();
        var resumed = TrainingRun.Run(TestMethods.Catalog, Config(method), every3 with { Resume = true }, new Recorder(messages));
        Assert.Contains(messages, m => m.Contains("at epoch 2, batch 3"));
        Assert.Equal(straight.Top1Error, resumed.Top1Error);
        Assert.Equal(straight.Ece, resumed.Ece);
        Assert.Equal(straight.FgsmError, resumed.FgsmError);
        Assert.Equal(straight.History.Select(h => (h.TrainLoss, h.TestError, h.Lr)), resumed.History.Select(h => (h.TrainLoss, h.TestError, h.Lr)));
    }

    [Fact]
    public void Due_CountsBatchesOrTime_WhicheverComesFirst()
    {
        var both = new CheckpointInterval(5, TimeSpan.FromMinutes(10));
        Assert.False(both.Due(4, TimeSpan.FromMinutes(9)));
        Assert.True(both.Due(5, TimeSpan.Zero));
        Assert.True(both.Due(1, TimeSpan.FromMinutes(10)));
        Assert.False(CheckpointInterval.Default.Due(1_000_000, TimeSpan.FromMinutes(9.9)));
        Assert.True(CheckpointInterval.Default.Due(1, TimeSpan.FromMinutes(10)));
        Assert.False(new CheckpointInterval(null, null).Due(int.MaxValue, TimeSpan.MaxValue));
    }

    [Fact]
    public void Validate_ACountBelowOne_IsAUsageError()
    {
        var e = Assert.Throws<UsageException>(() => new CheckpointInterval(0, null).Validate());
        Assert.Contains("--checkpoint-every", e.Message);
    }

    [Fact]
    public void Overwrite_RemovesTheOldRunsLogAndTensorBoardFiles()
    {
        string a = Path.Combine(dir, "a");
        var config = Config("vanilla") with { Epochs = 1 };
        TrainingRun.Run(TestMethods.Catalog, config, new RunOptions(a));
        File.WriteAllText(Path.Combine(a, "log.txt"), "old run's line\n");
        Directory.CreateDirectory(Path.Combine(a, "tb"));
        File.WriteAllText(Path.Combine(a, "tb", "events.out.tfevents.1"), "old");

        TrainingRun.Run(TestMethods.Catalog, config, new RunOptions(a, Overwrite: true));
        // The CLI opens log.txt (appending) only after this point: nothing of the old run is left to append to.
        Assert.False(File.Exists(Path.Combine(a, "log.txt")));
        var events = Assert.Single(Directory.GetFiles(Path.Combine(a, "tb")));   // the new run's event file only
        Assert.NotEqual("events.out.tfevents.1", Path.GetFileName(events));
        Assert.True(File.Exists(Path.Combine(a, "metrics.json")));
    }

    [Fact]
    public void FailedCheckpointWrite_LeavesNoTmp_AndKeepsTheLatestCheckpoint()
    {
        if (!File.Exists("/dev/full")) return; // Linux only: a write to /dev/full fails with ENOSPC, as on a full disk
        string run = Path.Combine(dir, "full");
        CheckpointFile.Save(run, new CheckpointSections().Add("x", w => w.Write(1)));
        var before = File.ReadAllBytes(Path.Combine(run, CheckpointFile.FileName));
        string tmp = Path.Combine(run, CheckpointFile.FileName + ".tmp");
        File.CreateSymbolicLink(tmp, "/dev/full");

        var e = Assert.Throws<IOException>(() => CheckpointFile.Save(run, new CheckpointSections().Add("x", w => w.Write(2))));
        Assert.Contains("previous checkpoint is unchanged", e.Message);
        Assert.False(File.Exists(tmp) || new FileInfo(tmp).LinkTarget is not null);
        Assert.Equal(before, File.ReadAllBytes(Path.Combine(run, CheckpointFile.FileName)));
    }
}
