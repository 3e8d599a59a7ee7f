using RLMix.Configuration;
using RLMix.Data;
using RLMix.Envs.Checking;
using RLMix.Envs.Mixup;

namespace RLMix.Agents.Tests;

/// <summary>MixupEnv with the real classifier side (trainer, saliency, R-Mix) on tiny synthetic data.</summary>
public sealed class RealMixupEnvTests
{
    static RunConfig Config => new()
    {
        Seed = 2,
        Data = new DataOptions { Dataset = "synthetic", LimitTrain = 120, LimitTest = 40, BatchSize = 20 },
    };

    [Fact]
    public void EnvChecker_PassesOnTheRealMixupEnv()
    {
        using var session = MixupSession.Create(Config, new RLMixOptions(), episodes: 3, maxBatches: 3);
        EnvChecker.Check(session.Env, seed: 1, maxSteps: 6, checkStepDeterminism: false);
    }

    [Fact]
    public void TheRealEnv_TruncatesEpochEnds_TerminatesTheLastOne_AndTheDictViewMatches()
    {
        using var session = MixupSession.Create(Config, new RLMixOptions(), episodes: 2, maxBatches: 2);
        var env = session.Env;
        var dict = new DictObservationEnv(env);
        var first = dict.Reset(0).Observation;
        Assert.Equal(new long[] { 20, 8, 8 }, first[DictObservationEnv.SaliencyKey].shape);
        Assert.Equal(1.0, first[DictObservationEnv.SaliencyKey][0].sum().item<float>(), 4);   // pooled saliency sums to 1 per image

        var outcomes = new List<(bool Terminated, bool Truncated)>();
        for (int episode = 0; episode < 2; episode++)
        {
            if (episode > 0) dict.Reset();
            while (true)
            {
                using var action = dict.ActionSpace.Sample();
                var o = dict.Step(action);
                Assert.True(double.IsFinite(o.Reward) && o.Reward is >= -1 and <= 1, $"grad-cosine reward {o.Reward}");
                outcomes.Add((o.Terminated, o.Truncated));
                if (o.Terminated || o.Truncated) break;
            }
        }
        Assert.Equal([(false, false), (false, true), (false, false), (true, false)], outcomes);
    }
}
