using RLMix.Envs.Checking;
using RLMix.Envs.Mixup;
using RLMix.Envs.Rewards;
using RLMix.Errors;
using RLMix.Mixing;
using static TorchSharp.torch;

namespace RLMix.Envs.Tests;

public sealed class MixupEnvTests
{
    const int B = 4;
    const int N = 3;

    static MixupEnv Env(FakeMixupBackend backend, MixupEnvOptions? options = null, IRewardFunction? reward = null, int batches = 3, int remainder = 0) =>
        new(backend, SyntheticBatches.Source(B, batches, remainder), N, B, reward, options ?? new MixupEnvOptions(), seed: 11, batchesPerEpoch: batches);

    static Tensor Actions(params long[] a) => tensor(a);

    [Fact]
    public void EnvChecker_PassesMixupEnv_WithTheFakeBackend()
    {
        using var env = Env(new FakeMixupBackend(N), new MixupEnvOptions { TotalEpochs = 10 });
        var report = EnvChecker.Check(env, checkStepDeterminism: false);
        Assert.True(report.EpisodeEnded);
        Assert.Equal(3, report.StepsTaken);
    }

    [Fact]
    public void EnvChecker_PassesTheDictObservationForm()
    {
        using var env = new DictObservationEnv(Env(new FakeMixupBackend(N), new MixupEnvOptions { TotalEpochs = 10 }));
        var report = EnvChecker.Check(env, checkStepDeterminism: false);
        Assert.True(report.EpisodeEnded);
        Assert.Contains("Dict('logits': Box(-inf, inf, (4, 3), float32), 'saliency': Box(0.0, 1.0, (4, 8, 8), float32))", report.Checks[0]);
    }

    [Fact]
    public void Observation_IsPooledNormalizedSaliencyThenCleanLogits()
    {
        using var env = Env(new FakeMixupBackend(N));
        var obs = env.Reset(0).Observation;
        Assert.Equal(new long[] { B, 64 + N }, obs.shape);
        Assert.Equal("MultiDiscrete([10, 10, 10, 10])", env.ActionSpace.ToString());

        var first = SyntheticBatches.Source(B, 3)(1).First();
        var sums = obs.narrow(1, 0, 64).sum(1).data<float>().ToArray();
        Assert.All(sums, s => Assert.Equal(1f, s, 5));
        // Cell (0, 0) of image 0 = mean of the 2x2 block of the fake saliency, over the image's total.
        var sal = FakeMixupBackend.FakeSaliency(first.Inputs);
        var block = sal[0, ..2, ..2].mean().item<float>() / sal[0].reshape(8, 2, 8, 2).mean([1, 3]).sum().item<float>();
        Assert.Equal(block, obs[0, 0].item<float>(), 5);
        Assert.Equal(first.Inputs.flatten(1).narrow(1, 0, N).data<float>().ToArray(), obs.narrow(1, 64, N).flatten().data<float>().ToArray());
    }

    [Fact]
    public void Step_MapsActionIndicesToTopKValues()
    {
        var backend = new FakeMixupBackend(N);
        using var env = Env(backend);
        env.Reset(0);
        using var a = Actions(0, 9, 3, 5);
        var outcome = env.Step(a);
        var topK = RMixOptions.TopK(10);
        var expected = new[] { topK[0], topK[9], topK[3], topK[5] };
        Assert.Equal(expected, backend.QsSeen.Single());
        Assert.Equal(expected, ((Tensor)outcome.Info["q"]).data<float>().ToArray());
        Assert.Contains(backend.PatchesSeen.Single(), new[] { 2, 4 });
        Assert.InRange(backend.LambdasSeen.Single(), 0.0, 1.0);
    }

    [Fact]
    public void EpochEnd_IsTruncated_FinalObservationIsNextEpochsFirst_AndResetReusesIt()
    {
        var backend = new FakeMixupBackend(N);
        using var env = Env(backend, new MixupEnvOptions { TotalEpochs = 2 });
        env.Reset(0);
        using var a = Actions(1, 1, 1, 1);
        Assert.False(env.Step(a).Done);
        Assert.False(env.Step(a).Done);
        var end = env.Step(a);
        Assert.True(end.Truncated);
        Assert.False(end.Terminated);
        var finalObs = end.Observation.clone();
        var passes = backend.CleanPasses;
        var reset = env.Reset();
        Assert.Equal(passes, backend.CleanPasses);                      // no extra pass
        Assert.True(finalObs.equal(reset.Observation).all().item<bool>());
        Assert.Equal(2, env.Epoch);
        Assert.Equal(2, (int)reset.Info["epoch"]);

        env.Step(a);
        env.Step(a);
        var last = env.Step(a);
        Assert.True(last.Terminated);                                     // the run's last epoch
        Assert.False(last.Truncated);
        Assert.Equal(0f, last.Observation.abs().sum().item<float>());
        var e = Assert.Throws<InvalidOperationException>(() => env.Step(a));
        Assert.Contains("Call Reset()", e.Message);
        var done = Assert.Throws<InvalidOperationException>(() => env.Reset());
        Assert.Contains("all 2 epochs", done.Message);
        Assert.Equal(6, backend.TrainSteps);
    }

    [Fact]
    public void PaperPreset_TerminatesAtEveryEpochEnd()
    {
        using var env = Env(new FakeMixupBackend(N), MixupEnvOptions.Paper with { TotalEpochs = 5 });
        env.Reset(0);
        using var a = Actions(2, 2, 2, 2);
        env.Step(a);
        env.Step(a);
        var end = env.Step(a);
        Assert.True(end.Terminated);
        Assert.False(end.Truncated);
        env.Reset();
        Assert.Equal(2, env.Epoch);
    }

    [Fact]
    public void MaxBatches_EndsTheEpisodeEarly_AndTheNextEpisodeIsTheNextEpoch()
    {
        var backend = new FakeMixupBackend(N);
        using var env = Env(backend, new MixupEnvOptions { MaxBatches = 2 }, batches: 5);
        Assert.Equal(2, env.StepsPerEpisode);
        env.Reset(0);
        using var a = Actions(0, 0, 0, 0);
        Assert.False(env.Step(a).Done);
        Assert.True(env.Step(a).Truncated);
        Assert.Equal(3, backend.CleanPasses);   // batches 1 and 2 of epoch 1, batch 1 of epoch 2: none wasted
        env.Reset();
        Assert.Equal(2, env.Epoch);
    }

    [Fact]
    public void RemainderBatch_IsSkipped()
    {
        using var env = Env(new FakeMixupBackend(N), batches: 2, remainder: 3);
        env.Reset(0);
        using var a = Actions(0, 0, 0, 0);
        Assert.False(env.Step(a).Done);
        Assert.True(env.Step(a).Truncated);
    }

    [Fact]
    public void ResetTwiceWithoutSteps_ReturnsTheSameObservation_ResetMidEpisodeStartsTheNextEpoch()
    {
        using var env = Env(new FakeMixupBackend(N));
        var one = env.Reset(5).Observation.clone();
        var two = env.Reset(5).Observation;
        Assert.True(one.equal(two).all().item<bool>());
        Assert.Equal(1, env.Epoch);
        using var a = Actions(0, 0, 0, 0);
        env.Step(a);
        env.Reset();
        Assert.Equal(2, env.Epoch);
    }

    [Fact]
    public void PerImageReward_IsAveraged_AndItsValuesAreInInfo()
    {
        using var env = Env(new FakeMixupBackend(N), reward: new PerImageIndexReward());
        env.Reset(0);
        using var a = Actions(0, 0, 0, 0);
        var outcome = env.Step(a);
        Assert.Equal(1.5, outcome.Reward, 6);                            // mean of 0, 1, 2, 3
        Assert.Equal(new[] { 0f, 1f, 2f, 3f }, ((Tensor)outcome.Info["rewards"]).data<float>().ToArray());
    }

    [Fact]
    public void GradCosineReward_ThroughTheEnv_ComparesCleanAndMixedPassSaliency()
    {
        // With the fake, phi(x) = mean_c |x| + 0.01 and phi(x') = 2 sqrt(mean_c x'^2), x' = lambda x + (1 - lambda) x[perm].
        var backend = new FakeMixupBackend(N);
        using var env = Env(backend);
        env.Reset(0);
        using var a = Actions(0, 0, 0, 0);
        var outcome = env.Step(a);
        var x = SyntheticBatches.Source(B, 3)(1).First().Inputs;
        var l = (float)backend.LambdasSeen.Single();
        var mixed = l * x + (1 - l) * x.index_select(0, tensor(backend.PermutationsSeen.Single()));
        var context = new RewardContext(FakeMixupBackend.FakeSaliency(x), (mixed * 2f).pow(2).mean([1]).sqrt(),
            zeros(B, N), zeros(B, N), zeros(B, dtype: int64), zeros(B, N), zeros(B, dtype: int64), zeros(B), tensor(0f), ObservationGrid: 8);
        var expected = new GradCosineReward().Compute(context).item<float>();
        Assert.Equal(expected, outcome.Reward, 5);
        Assert.False(outcome.Info.ContainsKey("rewards"));
        Assert.True((double)outcome.Info["loss"] > 0);
    }

    [Fact]
    public void BadRewardOutput_IsAUsageErrorNamingTheReward()
    {
        using var env = Env(new FakeMixupBackend(N), reward: new NanReward());
        env.Reset(0);
        using var a = Actions(0, 0, 0, 0);
        var e = Assert.Throws<UsageException>(() => env.Step(a));
        Assert.Contains("Reward 'nan-test'", e.Message);
    }

    [Fact]
    public void ActionOutsideTheSpace_IsRejected()
    {
        using var env = Env(new FakeMixupBackend(N));
        env.Reset(0);
        using var a = Actions(0, 10, 0, 0);
        using var b = Actions(0, 0, 0);
        Assert.Throws<ArgumentException>(() => env.Step(a));
        Assert.Throws<ArgumentException>(() => env.Step(b));
    }

    [Fact]
    public void SameSeed_SameLambdaPermutationAndPatches()
    {
        var b1 = new FakeMixupBackend(N);
        var b2 = new FakeMixupBackend(N);
        using var e1 = Env(b1);
        using var e2 = Env(b2);
        e1.Reset(9);
        e2.Reset(9);
        using var a = Actions(1, 2, 3, 4);
        var r1 = e1.Step(a).Reward;
        var r2 = e2.Step(a).Reward;
        Assert.Equal(r1, r2);
        Assert.Equal(b1.LambdasSeen, b2.LambdasSeen);
        Assert.Equal(b1.PatchesSeen, b2.PatchesSeen);
    }

    sealed class PerImageIndexReward : IRewardFunction
    {
        public string Name => "index";
        public Tensor Compute(RewardContext context) => arange(context.BatchSize, dtype: float32);
    }

    sealed class NanReward : IRewardFunction
    {
        public string Name => "nan-test";
        public Tensor Compute(RewardContext context) => tensor(float.NaN);
    }
}
