using System.Text.Json;
using RLMix.Agents;
using RLMix.Configuration;
using RLMix.Data;
using RLMix.Training;

namespace RLMix.Agents.Tests;

/// <summary>RL-Mix inside the real training loop: real trainer, saliency, R-Mix and PPO.</summary>
public sealed class RLMixMethodTests : IDisposable
{
    readonly string dir = Directory.CreateTempSubdirectory("rlmix-rlm-").FullName;

   
    public void Dispose() => Directory.Delete(dir, recursive: true);

    static RunConfig Config(string policy) => new()
    {
        Method = "rlmix", Epochs = 2, Seed = 1,
        Data = new DataOptions { Dataset = "synthetic", LimitTrain = 200, LimitTest = 100, BatchSize = 50 },
        Methods = new MethodSettings(new Dictionary<string, JsonElement>
        {
            ["rlmix"] = JsonSerializer.SerializeToElement(new { policy, n_steps = 3, batch_size = 3 }),
        }),
    };

    sealed class StopAfter(int batches, CancellationTokenSource cts) : ITrainingObserver
    {
        int seen;
        public void BatchDone(int epoch, int batch, double loss, int images)
        {
            if (++seen == batches) cts.Cancel();
        }
    }

    [Theory]
    [InlineData("online", 5)] // mid-epoch 2, with a PPO update pending in the agent's buffer
    [InlineData("random", 3)]
    public void InterruptedAndResumed_EqualsUninterrupted(string policy, int stopAfter)
    {
        var straight = TrainingRun.Run(TestMethods.Catalog, Config(policy), new RunOptions(Path.Combine(dir, "a")));
        string b = Path.Combine(dir, "b");
        using (var cts = new CancellationTokenSource())
            Assert.Throws<RunInterruptedException>(() => TrainingRun.Run(TestMethods.Catalog, Config(policy), new RunOptions(b), new StopAfter(stopAfter, cts), cts.Token));
        var resumed = TrainingRun.Run(TestMethods.Catalog, Config(policy), new RunOptions(b, Resume: true));

        Assert.Equal(straight.Top1Error, resumed.Top1Error);
        Assert.Equal(straight.History.Select(h => h.TrainLoss), resumed.History.Select(h => h.TrainLoss));
        Assert.Equal(straight.History.Select(h => h.Extra!["mean_reward"]), resumed.History.Select(h => h.Extra!["mean_reward"]));

        // tb/ beside epochs.csv mirrors the resumed run's history: one event per epoch, no duplicate from the interruption.
        var events = RLMix.Core.Tests.TensorBoard.EventFileReader.Read(Assert.Single(Directory.GetFiles(Path.Combine(b, "tb"))));
        Assert.Equal([0L, 1L, 2L], events.Select(e => e.Step));
        foreach (var (e, h) in events.Skip(1).Zip(resumed.History))
        {
            var tags = e.Scalars.ToDictionary(x => x.Tag, x => (double)x.Value);
            Assert.Equal((float)h.Extra!["mean_reward"], (float)tags["rlmix/mean_reward"]);
            Assert.Equal((float)h.TrainLoss, (float)tags["train/loss"]);
            Assert.Equal(1.0, Enumerable.Range(0, 10).Sum(i => tags[$"rlmix/q_share/{i}"]), 5);
            Assert.Equal((float)(h.Extra![$"q_{3}"] / 200), (float)tags["rlmix/q_share/3"]);   // 4 batches x 50 images
        }
    }

    [Fact]
    public void EpochStats_CountEveryImagesQ_AndAFixedPolicyPicksOnlyItsQ()
    {
        var m = TrainingRun.Run(TestMethods.Catalog, Config("fixed:0.33"), new RunOptions(Path.Combine(dir, "f")));
        foreach (var h in m.History)
        {
            Assert.Equal(200, Enumerable.Range(0, 10).Sum(i => h.Extra![$"q_{i}"]));  // 4 batches x 50 images
            Assert.Equal(200, h.Extra!["q_3"]);                                        // 0.33 = linspace(0, 0.99, 10)[3]
            Assert.Equal(200, Enumerable.Range(0, 10).Sum(c => h.Extra![$"q_class{c}_3"]));  // every class got q = 0.33
            Assert.InRange(h.Extra["mean_reward"], -1, 1);                              // a cosine similarity
        }
    }
}
