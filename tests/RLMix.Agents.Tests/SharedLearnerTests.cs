using RLMix.Agents.Learning;
using RLMix.Configuration;
using RLMix.Data;
using RLMix.Envs.Mixup;
using RLMix.Models;
using RLMix.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace RLMix.Agents.Tests;

/// <summary>
/// The two training paths drive one learner: online RL-Mix inside the classifier's training
/// (<see cref="RLMixMethod"/>) and PPO in <see cref="MixupEnv"/> (<c>rlmix agent train</c>) give the same
/// agent when they see the same transitions (same data, classifier, seeds), across an epoch end.
/// </summary>
public sealed class SharedLearnerTests
{
    const long Seed = 11;
    static readonly DataOptions Data = new() { Dataset = "synthetic", LimitTrain = 60, LimitTest = 20, BatchSize = 20 };

    [Fact]
    public void OnlineMethod_AndEnvLoop_GiveTheSameAgent_ForTheSameTransitions()
    {
        var rl = new RLMixOptions { NSteps = 2, BatchSize = 2 };    // 3 batches per epoch: the second rollout spans the epoch end
        var splits = DatasetCatalog.Load(Data, 1);
        var loader = DataLoader.ForTraining(splits.Train, Data, 1, CPU);
        int classes = splits.Train.NumClasses;
        using var modelA = ModelFactory.Create("small-cnn", (int)loader.ImageShape[0], classes, seed: 3);
        using var modelB = ModelFactory.Create("small-cnn", (int)loader.ImageShape[0], classes, seed: 3);   // the same classifier
        using var trainerA = new Trainer(modelA, new TrainerOptions(), loader.BatchesPerEpoch, 2);
        using var trainerB = new Trainer(modelB, new TrainerOptions(), loader.BatchesPerEpoch, 2);

        // Env path: Ppo's loop in MixupEnv, 4 steps (two updates, the second after the truncated epoch end).
        using var env = new MixupEnv(new TrainerMixupBackend(trainerA), e => loader.Epoch(e), classes, Data.BatchSize,
            options: rl.Env(totalEpochs: 2), seed: Seed, batchesPerEpoch: loader.BatchesPerEpoch);
        using var envAgent = PpoAgent.Create(env, rl.Ppo(), Seeds.Derive(Seed, "agent"));
        Ppo.Learn(envAgent, env, totalTimesteps: 4);
        Assert.Equal(2, envAgent.Iterations);

        // Online path: the method's training steps; transition 4 is recorded, and trained on, at step 5.
        using var method = new RLMixMethod(rl);
        using var generator = new Generator(unchecked((ulong)Seed));
        int steps = 0;
        for (int epoch = 1; epoch <= 2 && steps < 5; epoch++)
        {
            int index = 0;
            foreach (var batch in loader.Epoch(epoch))
            {
                using (batch)
                using (NewDisposeScope())
                    method.TrainStep(trainerB, batch, new MethodStep(epoch, index++, classes, generator, TotalSteps: 4));
                if (++steps == 5) break;
            }
        }
        var onlineAgent = method.Agent!;
        Assert.Equal(2, onlineAgent.Iterations);
        Assert.Equal(envAgent.NUpdates, onlineAgent.NUpdates);

        foreach (var ((name, a), (_, b)) in envAgent.Network.named_parameters().Zip(onlineAgent.Network.named_parameters()))
            Assert.True(a.data<float>().ToArray().SequenceEqual(b.data<float>().ToArray()), $"parameter {name} differs");
        Assert.Equal(envAgent.Buffer.Rewards.data<float>().ToArray(), onlineAgent.Buffer.Rewards.data<float>().ToArray());   // incl. gamma * V bootstrap of the truncated step
    }
}
