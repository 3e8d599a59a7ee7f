using RLMix.Agents.Learning;
using RLMix.Agents.Metrics;
using RLMix.Data;
using RLMix.Envs.Mixup;
using RLMix.Models;
using RLMix.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace RLMix.Agents.Tests;

/// <summary>How <c>rlmix bench</c> charges RL-Mix's PPO update: one minibatch at a time, at the rate the options give.</summary>
public sealed class PeriodicWorkTests
{
    static readonly AgentSpec Spec = AgentSpec.For(new ObservationLayout(4, 10), "flat", batchSize: 6, actionChoices: 10);

    [Theory]
    [InlineData(2048, 64, 10, 10.0 * 32 / 2048)]   // the per-image preset: 0.15625 minibatches per step
    [InlineData(1000, 250, 10, 10.0 * 4 / 1000)]   // the paper preset: 0.04
    [InlineData(100, 64, 3, 3.0 * 2 / 100)]        // a last, smaller minibatch counts as one
    public void UnitsPerStep_AreTheUpdatesMinibatchesOverTheRollout(int nSteps, int batchSize, int nEpochs, double expected) =>
        Assert.Equal(expected, PpoMinibatchWork.PerStep(PpoOptions.Default with { NSteps = nSteps, BatchSize = batchSize, NEpochs = nEpochs }), 15);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]   // per-image credit: a reward column per image
    public void AsManyUnitsAsAnUpdateHasMinibatches_AreExactlyOneUpdate(bool perImageCredit)
    {
        // 10 steps in minibatches of 4 (the last of 2), 3 epochs: 9 minibatches.
        var options = PpoOptions.Default with { NSteps = 10, BatchSize = 4, NEpochs = 3, PerImageCredit = perImageCredit };
        using var updated = PpoMinibatchWork.StandIn(Spec, options, seed: 5);
        using var unitAgent = PpoMinibatchWork.StandIn(Spec, options, seed: 5);
        using var shortAgent = PpoMinibatchWork.StandIn(Spec, options, seed: 5);
        Assert.Equal(Parameters(updated), Parameters(unitAgent));            // the same stand-in from the same seed

        Ppo.Train(updated, progressRemaining: 1, MetricLogger.None);
        using var unit = PpoMinibatchWork.For(unitAgent, () => { });
        Assert.Equal(9.0 / 10, unit.PerStep, 15);
        for (int i = 0; i < 9; i++) unit.Run();
        using var fewer = PpoMinibatchWork.For(shortAgent, () => { });
        for (int i = 0; i < 8; i++) fewer.Run();

        Assert.Equal(Parameters(updated), Parameters(unitAgent));
        Assert.NotEqual(Parameters(updated), Parameters(shortAgent));
        Assert.Contains("n_epochs 3 x ceil(n_steps 10 / batch_size 4)", unit.Basis);
    }

    [Fact]
    public void OnlineRLMix_DefersItsUpdate_AndStillRecordsEveryTransition()
    {
        var data = new DataOptions { Dataset = "synthetic", LimitTrain = 70, LimitTest = 20, BatchSize = 10 };
        var rl = new RLMixOptions { NSteps = 3, BatchSize = 3 };
        using var deferred = new RLMixMethod(rl);
        using var unit = deferred.DeferPeriodicWork(batchSize: 10, numClasses: 10);
        Assert.NotNull(unit);
        Assert.Equal(PpoMinibatchWork.Name, unit.Name);
        Assert.Equal(10.0 * 1 / 3, unit.PerStep, 15);   // 10 epochs of one minibatch of 3 per 3 steps
        using (var random = new RLMixMethod(rl with { Policy = "random" }))
            Assert.Null(random.DeferPeriodicWork(10, 10));
        using var usual = new RLMixMethod(rl);

        var splits = DatasetCatalog.Load(data, 1);
        var loader = DataLoader.ForTraining(splits.Train, data, 1, CPU);
        int classes = splits.Train.NumClasses;
        foreach (var method in new[] { deferred, usual })
        {
            using var model = ModelFactory.Create("small-cnn", (int)loader.ImageShape[0], classes, seed: 3);
            using var trainer = new Trainer(model, new TrainerOptions(), loader.BatchesPerEpoch, 2);
            using var generator = new Generator(7);
            int index = 0;
            foreach (var batch in loader.Epoch(1))   // 7 batches: 6 transitions recorded, two rollouts full
            {
                using (batch)
                using (NewDisposeScope())
                    method.TrainStep(trainer, batch, new MethodStep(1, index++, classes, generator));
            }
        }

        Assert.Equal(2, usual.Agent!.Iterations);
        Assert.Equal(0, deferred.Agent!.Iterations);
        Assert.Equal(0, deferred.Agent.NUpdates);
        Assert.Equal(usual.Agent.NumTimesteps, deferred.Agent.NumTimesteps);
        Assert.Equal(6, deferred.Agent.NumTimesteps);
    }

    static float[] Parameters(PpoAgent agent) =>
        agent.Network.parameters().SelectMany(p => p.data<float>().ToArray()).ToArray();
}
