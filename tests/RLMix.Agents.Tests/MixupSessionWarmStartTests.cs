using RLMix.Configuration;
using RLMix.Data;
using RLMix.Errors;
using RLMix.Training;
using static TorchSharp.torch;

namespace RLMix.Agents.Tests;

/// <summary><see cref="MixupSession.SaveClassifierWeights"/> and <see cref="MixupSession.LoadClassifierWeights"/> (a warm start).</summary>
public sealed class MixupSessionWarmStartTests
{
    static RunConfig Config(int batchSize, string model = "small-cnn") => new()
    {
        Seed = 2,
        Data = new DataOptions { Dataset = "synthetic", LimitTrain = 120, LimitTest = 40, BatchSize = batchSize },
        Model = model,
        Trainer = new TrainerOptions { Schedule = LrSchedule.Multistep, MaxLr = 0.1 },
    };

    /// <summary>Trains a session for two steps (random q) and returns its classifier's weights.</summary>
    static byte[] TrainedWeights()
    {
        using var session = MixupSession.Create(Config(batchSize: 20), new RLMixOptions(), episodes: 1, maxBatches: 2);
        session.Env.Reset();
        var generator = new Generator(5);
        for (var t = 0; t < 2; t++)
        {
            using var action = randint(0, 10, [20], dtype: int64, generator: generator);
            session.Env.Step(action);
        }
        return Save(session);
    }

    static byte[] Save(MixupSession session)
    {
        using var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true)) session.SaveClassifierWeights(writer);
        return stream.ToArray();
    }

    static void Load(MixupSession session, byte[] weights)
    {
        using var reader = new BinaryReader(new MemoryStream(weights));
        session.LoadClassifierWeights(reader);
    }

    static Tensor FirstObservation(MixupSession session) => session.Env.Reset().Observation.clone();

    [Fact]
    public void LoadedWeights_AreTheSessionsClassifier_AtAnotherBatchSize()
    {
        var trained = TrainedWeights();
        using var warm = MixupSession.Create(Config(batchSize: 10), new RLMixOptions(), episodes: 1, maxBatches: 2);
        using var fresh = MixupSession.Create(Config(batchSize: 10), new RLMixOptions(), episodes: 1, maxBatches: 2);
        Assert.Equal(Save(fresh), Save(warm));                      // same seed: the same fresh weights before the load
        Load(warm, trained);

        Assert.Equal(trained, Save(warm));                          // the state dict round-trips byte for byte
        Assert.NotEqual(trained, Save(fresh));
        using var warmObservation = FirstObservation(warm);
        using var freshObservation = FirstObservation(fresh);
        var logits = warm.Env.Layout.Cells;
        Assert.False(warmObservation.narrow(1, logits, 10).allclose(freshObservation.narrow(1, logits, 10)),
            "the first observation's logits must come from the loaded classifier");
    }

    [Fact]
    public void WeightsOfAnotherModel_AreRefusedWithAUsageError()
    {
        var trained = TrainedWeights();
        using var other = MixupSession.Create(Config(batchSize: 20, model: "preact-resnet18"), new RLMixOptions(), episodes: 1, maxBatches: 1);
        var e = Assert.Throws<UsageException>(() => Load(other, trained));
        Assert.Contains("do not fit", e.Message);
    }

    [Fact]
    public void AWarmStart_AfterTheFirstStep_IsRefused()
    {
        var trained = TrainedWeights();
        using var session = MixupSession.Create(Config(batchSize: 20), new RLMixOptions(), episodes: 1, maxBatches: 2);
        session.Env.Reset();
        using var action = zeros(20, dtype: int64);
        session.Env.Step(action);
        Assert.Throws<InvalidOperationException>(() => Load(session, trained));
    }
}
